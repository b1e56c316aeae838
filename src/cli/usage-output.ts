/**
 * Renders a usage report as a terminal table, CSV or Markdown — all from the same rows as the JSON.
 * @module
 */
import { cacheHitRate, totalTokens, type UsageRow, type UsageTable } from '../analysis/usage-table.js';
import { type CsvValue, toCsv } from './render/csv.js';
import { formatCost, formatInt, formatPercent, formatUsd } from './render/format.js';
import { type MarkdownAlign, toMarkdownTable } from './render/markdown.js';
import { renderTable, type TableCell, type TableColumn, type TableRow, tokenCell } from './render/table.js';

export interface LabelColumn {
  /** Key in `row.label`. */
  key: string;
  header: string;
  /** Paths keep their end when cut. */
  truncate?: 'start' | 'end';
}

export interface UsageView {
  labels: readonly LabelColumn[];
  table: UsageTable;
  breakdown: boolean;
}

const NUMBER_COLUMNS: readonly (TableColumn & { value: (r: UsageRow) => number })[] = [
  { header: 'Input', align: 'right', priority: 4, value: (r) => r.sums.input },
  { header: 'Output', align: 'right', priority: 4, value: (r) => r.sums.output },
  { header: 'Cache Create', align: 'right', priority: 2, value: (r) => r.sums.cacheWrite },
  { header: 'Cache Read', align: 'right', priority: 3, value: (r) => r.sums.cacheRead },
  { header: 'Total Tokens', align: 'right', priority: 5, value: (r) => totalTokens(r.sums) },
];

/**
 * `$1.23`, `$1.23+` when some usage is unpriced (a model, or its fast-mode requests: their cost is
 * not included), `unpriced` when nothing is priced.
 */
function costCell(cost: number, unpriced: readonly string[], models: number): string {
  if (unpriced.length > 0 && unpriced.length === models && cost === 0) return formatCost(null);
  return unpriced.length > 0 ? `${formatUsd(cost)}+` : formatUsd(cost);
}

/** A model's cost in a breakdown: `+` when part of it (e.g. its fast-mode requests) is unpriced. */
function modelCostCell(m: UsageRow['models'][number]): string {
  return m.cost !== null && m.unpricedTokens > 0 ? `${formatUsd(m.cost)}+` : formatCost(m.cost);
}

/** `claude-sonnet-4-5-20250929` → `sonnet-4-5`: enough to tell models apart in a table cell. */
export function shortModel(model: string): string {
  return model.replace(/^claude-/, '').replace(/-\d{8}$/, '');
}

function modelsCell(r: UsageRow): string {
  return r.models.map((m) => shortModel(m.model)).join(', ');
}

export function renderUsageTable(view: UsageView, opts: { width: number; color: boolean }): string {
  const columns: TableColumn[] = [
    ...view.labels.map(
      (l): TableColumn => ({ header: l.header, required: true, truncate: l.truncate ?? 'end' }),
    ),
    ...(view.breakdown ? [] : [{ header: 'Models', priority: 0, truncate: 'end' as const }]),
    ...NUMBER_COLUMNS,
    { header: 'Cache Hit', align: 'right', priority: 1 },
    { header: 'Cost (USD)', align: 'right', required: true },
  ];
  const numbers = (r: UsageRow | { sums: UsageRow['sums'] }): TableCell[] =>
    NUMBER_COLUMNS.map((c) => tokenCell(c.value(r as UsageRow)));
  const rows: TableRow[] = [];
  for (const r of view.table.rows) {
    rows.push({
      cells: [
        ...view.labels.map((l) => r.label[l.key] || '(none)'),
        ...(view.breakdown ? [] : [modelsCell(r)]),
        ...numbers(r),
        formatPercent(cacheHitRate(r.sums)),
        costCell(r.cost, r.unpriced, r.models.length),
      ],
    });
    if (view.breakdown) {
      for (const m of r.models) {
        rows.push({
          sub: true,
          cells: [
            m.model,
            ...view.labels.slice(1).map(() => ''),
            ...NUMBER_COLUMNS.map((c) => tokenCell(c.value({ ...r, sums: m.sums }))),
            formatPercent(cacheHitRate(m.sums)),
            modelCostCell(m),
          ],
        });
      }
    }
  }
  const t = view.table.totals;
  const footer: TableCell[] = [
    'Total',
    ...view.labels.slice(1).map(() => ''),
    ...(view.breakdown ? [] : ['']),
    ...numbers(t),
    formatPercent(cacheHitRate(t.sums)),
    costCell(t.cost, t.unpriced, t.models.length),
  ];
  return renderTable({ columns, rows, footer }, opts);
}

/** Lines to print under a table: unpriced usage (with how to price it) and lower-bound output counts. */
export function usageNotes(table: UsageTable): string[] {
  const notes: string[] = [];
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
  const hit = cacheHitRate(sums);
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
    formatPercent(cacheHitRate(r.sums)),
    costCell(r.cost, r.unpriced, r.models.length),
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
