/**
 * Where a task stands against its estimate while work goes on: its subtree's usage so far and the
 * variance, which says when it passes the overrun multiple (default 4×). Hooks, `run` and the
 * reports share it. Only the task and its ancestors are read (through the task index), so it stays
 * cheap on a large ledger.
 * @module
 */
import type { StageMap, TaskRow } from '../ledger/store.js';
import type { ReportContext } from './reports.js';
import { type TaskVariance, tasksTotal, taskVariance } from './tasks.js';
import type { UsageRow } from './usage-table.js';

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
  stageMap: StageMap,
  multiple: number,
): Promise<TaskStanding> {
  const tree = await ctx.store.taskTree(task.id);
  const total = await tasksTotal(ctx, tree, stageMap);
  return { task, tree, total, variance: taskVariance(task, total, multiple) };
}

/** The task and each of its ancestors (plan, section, …), nearest first. Unknown ids give nothing. */
export async function standingChain(
  ctx: ReportContext,
  taskId: string,
  stageMap: StageMap,
  multiple: number,
): Promise<TaskStanding[]> {
  const out: TaskStanding[] = [];
  const seen = new Set<string>();
  for (let id: string | null = taskId; id !== null && !seen.has(id); ) {
    seen.add(id);
    const task = await ctx.store.task(id);
    if (task === null) break;
    out.push(await taskStanding(ctx, task, stageMap, multiple));
    id = task.parentId;
  }
  return out;
}

/** The larger of the token and dollar ratios, or 0 without an estimate. */
export function worstRatio(v: TaskVariance): number {
  return Math.max(v.tokens?.ratio ?? 0, v.usd?.ratio ?? 0);
}
