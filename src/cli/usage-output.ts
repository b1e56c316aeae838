/**
 * Renders a usage report as a terminal table, CSV or Markdown — all from the same rows as the JSON.
 * @module
 */
import type { UsageRow, UsageTable } from '../analysis/usage-table.js';
import { formatCost, formatInt, formatPercent, formatUsd } from '../util/format.js';
import { cacheHitRate, totalTokens } from '../util/token-counts.js';
import { type CsvValue, toCsv } from './render/csv.js';
import { displayWidth } from './render/display-width.js';
import { type MarkdownAlign, toMarkdownTable } from './render/markdown.js';
import { distinguishingPrefixes, distinguishingTails, shortModels } from './render/short-names.js';
import {
  costCell,
  nameCell,
  renderTable,
  SUB_ROW_PREFIX,
  type TableCell,
  type TableColumn,
  type TableRow,
  tokenCell,
} from './render/table.js';

export { shortModel } from './render/short-names.js';

export interface LabelColumn {
  /** Key in `row.label`. */
  key: string;
  header: string;
  /** Whether values may be cut with `…` (paths keep their end); default: never cut. */
  truncate?: 'start' | 'end';
  /**
   * The shorter form used when the table is tight: a `path` by its distinguishing tail, an `id` by its
   * distinguishing prefix, a `model` without `claude-` and its date.
   */
  shorten?: 'path' | 'id' | 'model';
  /** Set to let the column be dropped when the table is tight (lowest first, before any figure); default: never dropped. */
  priority?: number;
}

export interface UsageView {
  labels: readonly LabelColumn[];
  table: UsageTable;
  breakdown: boolean;
}

export interface UsageTableOptions {
  width: number;
  color: boolean;
  /** The compact layout (`--compact`). */
  compact?: boolean;
  isTTY?: boolean;
}

const NUMBER_COLUMNS: readonly (TableColumn & { value: (r: UsageRow) => number })[] = [
  { header: 'Input', align: 'right', priority: 4, value: (r) => r.sums.input },
  { header: 'Output', align: 'right', priority: 4, value: (r) => r.sums.output },
  {
    header: 'Cache Create',
    align: 'right',
    priority: 2,
    hiddenInCompact: true,
    value: (r) => r.sums.cacheWrite,
  },
  {
    header: 'Cache Read',
    align: 'right',
    priority: 3,
    hiddenInCompact: true,
    value: (r) => r.sums.cacheRead,
  },
  { header: 'Total Tokens', align: 'right', required: true, value: (r) => totalTokens(r.sums) },
];

/**
 * `$1.23`, `$1.23+` when some usage is unpriced (a model, or its fast-mode requests: their cost is
 * not included), `unpriced` when nothing is priced.
 */
function costText(cost: number, unpriced: readonly string[], models: number): string {
  if (unpriced.length > 0 && unpriced.length === models && cost === 0) return formatCost(null);
  return unpriced.length > 0 ? `${formatUsd(cost)}+` : formatUsd(cost);
}

function rowCost(r: UsageRow): TableCell {
  if (r.unpriced.length > 0 && r.unpriced.length === r.models.length && r.cost === 0) return costCell(null);
  return costCell(r.cost, r.unpriced.length > 0 ? '+' : '');
}

/** The short form of every label value and model name in the table, by label key (`''` for models). */
function shortForms(view: UsageView): Map<string, Map<string, string>> {
  const rows = view.table.rows;
  const forms = new Map<string, Map<string, string>>();
  const models = shortModels([...rows, view.table.totals].flatMap((r) => r.models.map((m) => m.model)));
  forms.set('', models);
  for (const l of view.labels) {
    const values = rows.map((r) => r.label[l.key] ?? '').filter((v) => v !== '');
    if (l.shorten === 'path') forms.set(l.key, distinguishingTails(values));
    if (l.shorten === 'id') forms.set(l.key, distinguishingPrefixes(values, 8));
    if (l.shorten === 'model') forms.set(l.key, shortModels(values));
  }
  return forms;
}

export function renderUsageTable(view: UsageView, opts: UsageTableOptions): string {
  const forms = shortForms(view);
  const models = forms.get('');
  // A row per model (breakdown, or grouped by model) names its models already.
  const modelsColumn = !view.breakdown && !view.labels.some((l) => l.key === 'model');
  // Sub-rows name models in the first column: never cut them below their short names.
  const subRowFloor = view.breakdown
    ? displayWidth(SUB_ROW_PREFIX) + Math.max(0, ...[...(models?.values() ?? [])].map(displayWidth))
    : 0;
  const columns: TableColumn[] = [
    ...view.labels.map(
      (l, i): TableColumn => ({
        header: l.header,
        truncate: l.truncate,
        ...(l.priority === undefined ? { required: true } : { priority: l.priority }),
        ...(i === 0 && subRowFloor > 0 ? { minWidth: subRowFloor } : {}),
      }),
    ),
    ...(modelsColumn ? [{ header: 'Models', priority: 0, truncate: 'end' as const }] : []),
    ...NUMBER_COLUMNS,
    { header: 'Cache Hit', align: 'right', priority: 1, hiddenInCompact: true },
    { header: 'Cost (USD)', align: 'right', required: true },
  ];
  const name = (key: string, value: string): TableCell =>
    nameCell(value, forms.get(key)?.get(value) ?? value);
  const numbers = (r: UsageRow | { sums: UsageRow['sums'] }): TableCell[] =>
    NUMBER_COLUMNS.map((c) => tokenCell(c.value(r as UsageRow)));
  const modelNames = (r: UsageRow): TableCell =>
    nameCell(
      r.models.map((m) => m.model).join(', '),
      r.models.map((m) => models?.get(m.model) ?? m.model).join(', '),
    );
  const rows: TableRow[] = [];
  for (const r of view.table.rows) {
    rows.push({
      cells: [
        ...view.labels.map((l) => (r.label[l.key] ? name(l.key, r.label[l.key] ?? '') : '(none)')),
        ...(modelsColumn ? [modelNames(r)] : []),
        ...numbers(r),
        formatPercent(cacheHitRate(r.sums.cacheRead, r.sums.input)),
        rowCost(r),
      ],
    });
    if (view.breakdown) {
      for (const m of r.models) {
        rows.push({
          sub: true,
          cells: [
            name('', m.model),
            ...view.labels.slice(1).map(() => ''),
            ...NUMBER_COLUMNS.map((c) => tokenCell(c.value({ ...r, sums: m.sums }))),
            formatPercent(cacheHitRate(m.sums.cacheRead, m.sums.input)),
            costCell(m.cost, m.cost !== null && m.unpricedTokens > 0 ? '+' : ''),
          ],
        });
      }
    }
  }
  const t = view.table.totals;
  const footer: TableCell[] = [
    'Total',
    ...view.labels.slice(1).map(() => ''),
    ...(modelsColumn ? [''] : []),
    ...numbers(t),
    formatPercent(cacheHitRate(t.sums.cacheRead, t.sums.input)),
    rowCost(t),
  ];
  return renderTable({ columns, rows, footer }, { ...opts, seeAll: '--json or --csv' });
}

/** Lines to print under a table: unpriced usage (with how to price it) and lower-bound output counts. */
export function usageNotes(table: UsageTable): string[] {
  const notes: string[] = [];
  if (table.overlapNote !== undefined) notes.push(table.overlapNote);
  const t = table.totals;
  for (const u of t.unpricedParts) {
    const what = u.fast ? 'tokens of fast-mode requests are' : 'tokens are';
    notes.push(
      `${u.model}: ${formatInt(totalTokens(u.sums))} ${what} unpriced and not in the cost. ${u.hint}`,
    );
  }
  if (t.sums.lowerBound > 0) {
    notes.push(
      `${formatInt(t.sums.lowerBound)} of ${formatInt(t.sums.responses)} responses have output counts that are only lower bounds: their transcripts never recorded the final count (Claude Code 1.0.10–2.1.9x, some subagents).`,
    );
  }
  return notes;
}

const CSV_NUMBERS = [
  'inputTokens',
  'outputTokens',
  'cacheCreationTokens',
  'cacheReadTokens',
  'totalTokens',
  'cacheHitRate',
  'cost',
  'responses',
  'outputLowerBoundResponses',
] as const;

function csvNumbers(sums: UsageRow['sums'], cost: number | null): CsvValue[] {
  const hit = cacheHitRate(sums.cacheRead, sums.input);
  return [
    sums.input,
    sums.output,
    sums.cacheWrite,
    sums.cacheRead,
    totalTokens(sums),
    hit === null ? null : Math.round(hit * 1e6) / 1e6,
    cost === null ? null : Math.round(cost * 1e10) / 1e10,
    sums.responses,
    sums.lowerBound,
  ];
}

/** CSV: one line per row (models joined with `;`), or per row and model with --breakdown. Unpriced costs are empty. */
export function usageCsv(view: UsageView): string {
  const header = [
    ...view.labels.map((l) => l.key),
    view.breakdown ? 'model' : 'models',
    ...CSV_NUMBERS,
    'unpricedModels',
  ];
  const rows: CsvValue[][] = [];
  for (const r of view.table.rows) {
    const labels = view.labels.map((l) => r.label[l.key] ?? '');
    if (view.breakdown) {
      for (const m of r.models)
        rows.push([
          ...labels,
          m.model,
          ...csvNumbers(m.sums, m.cost),
          m.cost === null || m.unpricedTokens > 0 ? m.model : '',
        ]);
    } else {
      rows.push([
        ...labels,
        r.models.map((m) => m.model).join(';'),
        ...csvNumbers(r.sums, r.cost),
        r.unpriced.join(';'),
      ]);
    }
  }
  return toCsv(header, rows);
}

export function usageMarkdown(view: UsageView): string {
  const header = [
    ...view.labels.map((l) => l.header),
    'Models',
    'Input',
    'Output',
    'Cache Create',
    'Cache Read',
    'Total Tokens',
    'Cache Hit',
    'Cost (USD)',
  ];
  const align: MarkdownAlign[] = [
    ...view.labels.map((): MarkdownAlign => 'left'),
    'left',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
  ];
  const line = (labels: string[], r: UsageRow) => [
    ...labels,
    r.models.map((m) => m.model).join(', '),
    ...NUMBER_COLUMNS.map((c) => formatInt(c.value(r))),
    formatPercent(cacheHitRate(r.sums.cacheRead, r.sums.input)),
    costText(r.cost, r.unpriced, r.models.length),
  ];
  const rows = view.table.rows.map((r) =>
    line(
      view.labels.map((l) => r.label[l.key] || '(none)'),
      r,
    ),
  );
  rows.push(line(['**Total**', ...view.labels.slice(1).map(() => '')], view.table.totals));
  return toMarkdownTable(header, rows, align);
}
