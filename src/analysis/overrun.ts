/**
 * Where a task stands against its estimate while work goes on: its subtree's usage so far and the
 * variance, which says when it passes the overrun multiple (default 4×). Hooks, `run` and the
 * reports share it. Only the task and its ancestors are read (through the task index), so it stays
 * cheap on a large ledger.
 * @module
 */

import type { TaskRow } from '../ledger/task-repository.js';
import type { GroupRow } from '../ledger/usage-repository.js';
import { BUCKET_MS } from '../ledger/usage-sums.js';
import type { ReportContext } from './reports.js';
import { type TaskVariance, taskVariance } from './tasks.js';
import { type UsageRow, UsageTableBuilder } from './usage-table.js';

export const DEFAULT_OVERRUN_MULTIPLE = 4;

export interface TaskStanding {
  task: TaskRow;
  /** The task and its descendants. */
  tree: string[];
  total: UsageRow;
  variance: TaskVariance;
}

export async function taskStanding(
  ctx: ReportContext,
  task: TaskRow,
  multiple: number,
): Promise<TaskStanding> {
  const [standing] = await chainStandings(ctx, [task], multiple);
  if (standing === undefined) throw new Error('unreachable: one task gives one standing');
  return standing;
}

/** The task and each of its ancestors (plan, section, …), nearest first. Unknown ids give nothing. */
export async function taskChain(ctx: ReportContext, taskId: string): Promise<TaskRow[]> {
  const out: TaskRow[] = [];
  const seen = new Set<string>();
  for (let id: string | null = taskId; id !== null && !seen.has(id); ) {
    seen.add(id);
    const task = await ctx.store.task(id);
    if (task === null) break;
    out.push(task);
    id = task.parentId;
  }
  return out;
}

/**
 * Where each of `tasks` (a task and some of its ancestors, nearest first) stands. The usage of the
 * farthest one's whole tree is read once, by task, and each subtree is summed from that.
 */
export async function chainStandings(
  ctx: ReportContext,
  tasks: readonly TaskRow[],
  multiple: number,
): Promise<TaskStanding[]> {
  const top = tasks[tasks.length - 1];
  if (top === undefined) return [];
  const trees = await Promise.all(tasks.map((t) => ctx.store.taskTree(t.id)));
  // From the per-task rollup: a few rows per task and day, however much usage the plan has.
  const rows = await ctx.store.taskDayGroups(trees[trees.length - 1] ?? [top.id]);
  return tasks.map((task, i) => {
    const tree = trees[i] ?? [task.id];
    const inTree = new Set(tree);
    const total = pricedTotal(
      ctx,
      rows.filter((r) => inTree.has(r.values.task ?? '')),
    );
    return { task, tree, total, variance: taskVariance(task, total, multiple) };
  });
}

/** The task and each of its ancestors, with their standings (the running total after a `run`). */
export async function standingChain(
  ctx: ReportContext,
  taskId: string,
  multiple: number,
): Promise<TaskStanding[]> {
  return chainStandings(ctx, await taskChain(ctx, taskId), multiple);
}

/** The larger of the token and dollar ratios, or 0 without an estimate. */
export function worstRatio(v: TaskVariance): number {
  return Math.max(v.tokens?.ratio ?? 0, v.usd?.ratio ?? 0);
}

function pricedTotal(ctx: ReportContext, rows: readonly GroupRow[]): UsageRow {
  const builder = new UsageTableBuilder(ctx.pricer, ctx.mode);
  for (const r of rows)
    builder.add('t', {}, r, { atMs: r.bucket * BUCKET_MS, firstTs: r.firstTs, lastTs: r.lastTs });
  return builder.build().totals;
}
