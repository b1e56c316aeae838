/**
 * What tasks cost: a task's own usage and its subtree's (plans and sections roll up their children),
 * broken down by model, stage and agent, with turns and API time from `run` results, and the variance
 * against its estimates.
 * @module
 */

import type { RunRow } from '../ledger/run-repository.js';
import type { StageMap, TaskRow } from '../ledger/task-repository.js';
import type { GroupDimension, GroupRow, UsageFilter } from '../ledger/usage-repository.js';
import { BUCKET_MS } from '../ledger/usage-sums.js';
import { totalTokens } from '../util/token-counts.js';
import type { ReportContext } from './reports.js';
import { emptyUsageRow, type UsageRow, type UsageTable, UsageTableBuilder } from './usage-table.js';

export interface Variance {
  estimate: number;
  actual: number;
  /** actual / estimate */
  ratio: number;
  /** (actual − estimate) / estimate × 100, rounded */
  percent: number;
}

export interface TaskVariance {
  /** Null without a token estimate, or while the task has no usage yet. */
  tokens: Variance | null;
  /** Null without a dollar estimate, or while the task has no usage yet. */
  usd: Variance | null;
  /** The larger of the two ratios passed the overrun multiple. */
  overrun: boolean;
  multiple: number;
  /** The task has an estimate but no usage yet: there is nothing to compare (not −100%). */
  noUsageYet: boolean;
}

export interface RunStats {
  runs: number;
  numTurns: number;
  durationMs: number;
  durationApiMs: number;
  /** Sum of each run's own cost as Claude Code reported it. */
  claudeCodeCostUsd: number | null;
}

export interface TaskSummary {
  task: TaskRow;
  /** The task and its descendants. */
  tree: string[];
  /** Usage of the whole subtree. */
  total: UsageRow;
  byModel: UsageRow[];
  byStage: UsageRow[];
  byAgent: UsageRow[];
  children: { id: string; title: string | null; total: UsageRow }[];
  runs: RunStats;
  variance: TaskVariance;
}

function variance(estimate: number | null, actual: number): Variance | null {
  if (estimate === null || estimate <= 0) return null;
  const ratio = actual / estimate;
  return { estimate, actual, ratio, percent: Math.round((ratio - 1) * 100) };
}

/** A task's estimates against its usage (its whole subtree's, which its estimate covers). */
export function taskVariance(task: TaskRow, total: UsageRow, multiple: number): TaskVariance {
  const used = totalTokens(total.sums) > 0;
  const tokens = used ? variance(task.estimateTokens, totalTokens(total.sums)) : null;
  const usd = used ? variance(task.estimateUsd, total.cost) : null;
  const worst = Math.max(tokens?.ratio ?? 0, usd?.ratio ?? 0);
  const estimated = (task.estimateTokens ?? 0) > 0 || (task.estimateUsd ?? 0) > 0;
  return { tokens, usd, overrun: worst > multiple, multiple, noUsageYet: estimated && !used };
}

/**
 * Which of a task's usage its figures count: all of it (`{}`), or only that between two instants
 * and of one project (`task list --since … --project …`).
 */
export type TaskUsageScope = Pick<UsageFilter, 'fromMs' | 'toMs' | 'project'>;

/** The scope narrows the usage (some bound is given). */
export function isNarrowed(within: TaskUsageScope): boolean {
  return within.fromMs !== undefined || within.toMs !== undefined || within.project !== undefined;
}

/** Usage grouped by `dims` for the given tasks, within the scope, priced. */
async function table(
  ctx: ReportContext,
  tasks: readonly string[],
  dims: readonly GroupDimension[],
  stageMap: StageMap,
  within: TaskUsageScope = {},
): Promise<UsageTable> {
  const filter: UsageFilter = { ...within, tasks };
  const rows = await ctx.store.groups({ dimensions: dims, filter, stageMap, grain: 'day' });
  const builder = new UsageTableBuilder(ctx.pricer, ctx.mode);
  for (const r of rows) {
    const label: Record<string, string> = {};
    for (const d of dims) label[d] = r.values[d] ?? '';
    builder.add(dims.map((d) => label[d]).join('\u0000'), label, r, {
      atMs: r.bucket * BUCKET_MS,
      firstTs: r.firstTs,
      lastTs: r.lastTs,
    });
  }
  const t = builder.build();
  t.rows.sort((a, b) => b.cost - a.cost);
  return t;
}

/** The priced usage of the given tasks together (a task's subtree), read through the task index. */
export async function tasksTotal(
  ctx: ReportContext,
  tasks: readonly string[],
  stageMap: StageMap,
): Promise<UsageRow> {
  return (await table(ctx, tasks, [], stageMap)).totals;
}

export function runStats(runs: readonly RunRow[]): RunStats {
  const costs = runs.map((r) => r.costUsd).filter((c): c is number => c !== null);
  return {
    runs: runs.length,
    numTurns: runs.reduce((n, r) => n + (r.numTurns ?? 0), 0),
    durationMs: runs.reduce((n, r) => n + (r.durationMs ?? 0), 0),
    durationApiMs: runs.reduce((n, r) => n + (r.durationApiMs ?? 0), 0),
    claudeCodeCostUsd: costs.length === 0 ? null : costs.reduce((a, b) => a + b, 0),
  };
}

/**
 * A task's summary. Within a narrowed scope its usage, breakdowns and children's totals count only
 * the usage in it, while its variance stays the whole task's (the estimate covers the whole task),
 * and its runs are all of them.
 */
export async function taskSummary(
  ctx: ReportContext,
  task: TaskRow,
  stageMap: StageMap,
  overrunMultiple: number,
  within: TaskUsageScope = {},
): Promise<TaskSummary> {
  const tree = await ctx.store.taskTree(task.id);
  const [byModel, byStage, byAgent, runs, whole] = await Promise.all([
    table(ctx, tree, ['model'], stageMap, within),
    table(ctx, tree, ['stage'], stageMap, within),
    table(ctx, tree, ['agent'], stageMap, within),
    ctx.store.runs({ tasks: tree }),
    isNarrowed(within) ? tasksTotal(ctx, tree, stageMap) : null,
  ]);
  const childIds = (await ctx.store.tasks()).filter((t) => t.parentId === task.id);
  // Every task's totals, for the children's: not read for a task without any.
  const totals =
    childIds.length === 0 ? new Map<string, UsageRow>() : (await taskTotals(ctx, within)).subtree;
  return {
    task,
    tree,
    total: byModel.totals,
    byModel: byModel.rows,
    byStage: byStage.rows,
    byAgent: byAgent.rows,
    children: childIds.map((c) => ({
      id: c.id,
      title: c.title,
      total: totals.get(c.id) ?? emptyUsageRow({ task: c.id }),
    })),
    runs: runStats(runs),
    variance: taskVariance(task, whole ?? byModel.totals, overrunMultiple),
  };
}

export interface TaskTotals {
  /** Each task's own usage (what `report --by task` shows for it), keyed by task id. */
  own: Map<string, UsageRow>;
  /** Each task's usage including its descendants', keyed by task id. */
  subtree: Map<string, UsageRow>;
}

/**
 * Every task's own usage and its subtree's, from the per-task rollup, or within a narrowed scope
 * from the usage in it (usage attributed to an id the ledger has no task for is no task's, nor any
 * ancestor's: it is left out).
 */
export async function taskTotals(ctx: ReportContext, within: TaskUsageScope = {}): Promise<TaskTotals> {
  const all = await ctx.store.tasks();
  const parent = new Map(all.map((t) => [t.id, t.parentId]));
  const rows: GroupRow[] = isNarrowed(within)
    ? (await ctx.store.groups({ dimensions: ['task'], filter: within, grain: 'day' })).filter((r) =>
        parent.has(r.values.task ?? ''),
      )
    : await ctx.store.taskDayGroups(all.map((t) => t.id));
  const own = new UsageTableBuilder(ctx.pricer, ctx.mode);
  const subtree = new UsageTableBuilder(ctx.pricer, ctx.mode);
  for (const r of rows) {
    const id = r.values.task ?? '';
    if (id === '') continue;
    const at = { atMs: r.bucket * BUCKET_MS, firstTs: r.firstTs, lastTs: r.lastTs };
    own.add(id, { task: id }, r, at);
    // Add the row to the task and to every ancestor (guarding against cycles).
    const seen = new Set<string>();
    for (let t: string | null | undefined = id; t && !seen.has(t); t = parent.get(t)) {
      seen.add(t);
      subtree.add(t, { task: t }, r, at);
    }
  }
  const byTask = (b: UsageTableBuilder) => new Map(b.build().rows.map((r) => [r.label.task ?? '', r]));
  return { own: byTask(own), subtree: byTask(subtree) };
}
