/**
 * The tables of `task list`, `task show` and `variance`: ids and names shrink first, token counts and
 * costs stay (see `render/table-layout.ts`).
 * @module
 */
import type { UsageRow } from '../analysis/usage-table.js';
import { formatCompact, formatInt, formatUsd } from '../util/format.js';
import { totalTokens } from '../util/token-counts.js';
import { shortModels } from './render/short-names.js';
import {
  costCell,
  nameCell,
  type RenderTableOptions,
  renderTable,
  type TableCell,
  type TableRow,
  tokenCell,
} from './render/table.js';
import { detectTerminal } from './render/terminal.js';

/** Where a table goes: the terminal, and whether `--compact` was asked for. */
export type TableTarget = Pick<RenderTableOptions, 'width' | 'color' | 'compact' | 'isTTY'>;

/** The terminal on stdout, with `--compact` and `--color`/`--no-color` from the options. */
export function tableTarget(opts: { color?: boolean; compact?: boolean }): TableTarget {
  return { ...detectTerminal(process.env, process.stdout, opts.color), compact: opts.compact === true };
}

/** A task row as `task list` shows it; the cells that carry judgement come ready-made. */
export interface TaskListRow {
  id: string;
  active: boolean;
  title: string | null;
  parentId: string | null;
  total: UsageRow;
  estimateTokens: number | null;
  estimateUsd: number | null;
  /** E.g. `5.0×` (actual against estimate), or `` when there is no estimate. */
  ratio: string;
  overrun: boolean;
}

function estimateCell(tokens: number | null, usd: number | null): TableCell {
  const dollars = usd === null ? [] : [formatUsd(usd)];
  if (tokens === null) return dollars.join('');
  return {
    text: [formatInt(tokens), ...dollars].join(' / '),
    compact: [formatCompact(tokens), ...dollars].join(' / '),
  };
}

function usageCost(r: UsageRow): TableCell {
  return costCell(r.cost, r.unpriced.length > 0 ? '+' : '');
}

/** `task list`: one row per task, `●` marking the active ones; Title and Parent only when some task has one. */
export function taskListTable(rows: readonly TaskListRow[], target: TableTarget): string {
  const titles = rows.some((r) => r.title !== null && r.title !== '');
  const parents = rows.some((r) => r.parentId !== null);
  return renderTable(
    {
      columns: [
        { header: 'Task', required: true, truncate: 'end', minWidth: 8 },
        ...(titles ? [{ header: 'Title', priority: 0, truncate: 'end' as const, minWidth: 8 }] : []),
        ...(parents ? [{ header: 'Parent', priority: 1, truncate: 'end' as const, minWidth: 8 }] : []),
        { header: 'Total Tokens', align: 'right', required: true },
        { header: 'Cost (USD)', align: 'right', required: true },
        { header: 'Estimate', align: 'right', priority: 2 },
        { header: 'vs Estimate', required: true },
      ],
      rows: rows.map((r) => ({
        cells: [
          `${r.active ? '●' : ' '} ${r.id}`,
          ...(titles ? [r.title ?? ''] : []),
          ...(parents ? [r.parentId ?? ''] : []),
          tokenCell(totalTokens(r.total.sums)),
          usageCost(r.total),
          estimateCell(r.estimateTokens, r.estimateUsd),
          r.ratio === '' ? 'no estimate' : `${r.ratio}${r.overrun ? ' ⚠ overrun' : ''}`,
        ],
      })),
    },
    { ...target, seeAll: '--json' },
  );
}

/** The parts of a task's usage that `task show` breaks it down by. */
export interface TaskBreakdown {
  byStage: readonly UsageRow[];
  byAgent: readonly UsageRow[];
  byModel: readonly UsageRow[];
  children: readonly { id: string; total: UsageRow }[];
}

/** `task show`: the task's usage by stage, agent, model and child task, in one table. */
export function taskBreakdownTable(b: TaskBreakdown, target: TableTarget): string | null {
  const models = shortModels(b.byModel.map((r) => r.label.model ?? ''));
  const rows: TableRow[] = [];
  const add = (by: string, list: readonly { name: TableCell; total: UsageRow }[]) => {
    for (const [i, r] of list.entries()) {
      rows.push({
        cells: [
          i === 0 ? by : '',
          r.name,
          tokenCell(r.total.sums.input),
          tokenCell(r.total.sums.output),
          tokenCell(totalTokens(r.total.sums)),
          usageCost(r.total),
        ],
      });
    }
  };
  const labelled = (list: readonly UsageRow[], key: string) =>
    list.map((r) => ({ name: r.label[key] || '(none)', total: r }));
  add('stage', labelled(b.byStage, 'stage'));
  add('agent', labelled(b.byAgent, 'agent'));
  add(
    'model',
    b.byModel.map((r) => {
      const model = r.label.model || '(none)';
      return { name: nameCell(model, models.get(model) ?? model), total: r };
    }),
  );
  add(
    'child',
    b.children.map((c) => ({ name: c.id, total: c.total })),
  );
  if (rows.length === 0) return null;
  return renderTable(
    {
      columns: [
        { header: 'By', required: true },
        { header: 'Name', required: true, truncate: 'end', minWidth: 8 },
        { header: 'Input', align: 'right', priority: 1 },
        { header: 'Output', align: 'right', priority: 1 },
        { header: 'Total Tokens', align: 'right', required: true },
        { header: 'Cost (USD)', align: 'right', required: true },
      ],
      rows,
    },
    { ...target, seeAll: '--json' },
  );
}

/** A task row as `variance` shows it. */
export interface VarianceRow {
  id: string;
  group: string;
  estimateTokens: number | null;
  estimateUsd: number | null;
  tokens: number;
  usd: number;
  /** E.g. `+25%`. */
  change: string;
  overrun: boolean;
}

/** `variance`: estimate against actual, one row per task with an estimate. */
export function varianceTable(rows: readonly VarianceRow[], grouped: boolean, target: TableTarget): string {
  return renderTable(
    {
      columns: [
        { header: 'Task', required: true, truncate: 'end', minWidth: 8 },
        ...(grouped ? [{ header: 'Group', priority: 0, truncate: 'end' as const, minWidth: 8 }] : []),
        { header: 'Estimate', align: 'right', required: true },
        { header: 'Actual Tokens', align: 'right', required: true },
        { header: 'Cost (USD)', align: 'right', required: true },
        { header: 'Change', align: 'right', required: true },
      ],
      rows: rows.map((r) => ({
        cells: [
          r.id,
          ...(grouped ? [r.group] : []),
          estimateCell(r.estimateTokens, r.estimateUsd),
          tokenCell(r.tokens),
          costCell(r.usd),
          `${r.change}${r.overrun ? ' ⚠' : ''}`,
        ],
      })),
    },
    { ...target, seeAll: '--json' },
  );
}
