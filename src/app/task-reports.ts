/**
 * What the task commands show (`task show`, `task list`, `task start|stop|estimate --json`): a
 * task's summary against its estimate, every task with its subtree's usage, and their JSON. Plans,
 * sections and work items are tasks with parents; totals roll up the tree.
 * @module
 */
import {
  subtreeTotals,
  type TaskSummary,
  type TaskVariance,
  taskSummary,
  taskVariance,
} from '../analysis/tasks.js';
import { emptyUsageRow, type UsageRow } from '../analysis/usage-table.js';
import type { TaskRow } from '../ledger/task-repository.js';
import { totalTokens } from '../util/token-counts.js';
import { type LedgerSession, pricerOf, stageMapOf } from './ledger-session.js';
import { activeTaskIds, taskStatus } from './task-actions.js';
import { usageFields } from './usage-json.js';

const DEFAULT_OVERRUN = 4;

/** The multiple of its estimate past which a task is an overrun (config `overrunMultiple`, default 4). */
export function overrunMultiple(session: LedgerSession): number {
  return session.loaded.config.overrunMultiple ?? DEFAULT_OVERRUN;
}

/** The task's usage (its subtree's), by model, stage and agent, its runs and its variance. */
export async function taskSummaryOf(session: LedgerSession, task: TaskRow): Promise<TaskSummary> {
  return taskSummary(
    { store: session.store, pricer: pricerOf(session), mode: 'auto' },
    task,
    stageMapOf(session),
    overrunMultiple(session),
  );
}

/** The task as JSON; its status as {@link taskStatus} tells it, given the active tasks. */
export function taskJson(t: TaskRow, active: ReadonlySet<string>) {
  return {
    id: t.id,
    title: t.title,
    parent: t.parentId,
    status: taskStatus(t, active),
    estimate: { tokens: t.estimateTokens, usd: t.estimateUsd },
    labels: t.labels,
    stage: t.stage,
    project: t.project,
    createdAt: new Date(t.createdAt).toISOString(),
    startedAt: t.startedAt === null ? null : new Date(t.startedAt).toISOString(),
    endedAt: t.endedAt === null ? null : new Date(t.endedAt).toISOString(),
  };
}

function breakdown(rows: UsageRow[], key: string) {
  return rows.map((r) => ({ [key]: r.label[key] || null, ...usageFields(r) }));
}

/** What `task show --json` (and `task stop --json`) prints. */
export function summaryJson(s: TaskSummary, active: ReadonlySet<string>) {
  return {
    task: taskJson(s.task, active),
    totals: usageFields(s.total),
    byModel: breakdown(s.byModel, 'model'),
    byStage: breakdown(s.byStage, 'stage'),
    byAgent: breakdown(s.byAgent, 'agent'),
    children: s.children.map((c) => ({ id: c.id, title: c.title, ...usageFields(c.total) })),
    runs: s.runs,
    variance: s.variance,
  };
}

/** `task show`: the task's summary, the active tasks, and the JSON. */
export async function taskShow(
  session: LedgerSession,
  task: TaskRow,
): Promise<{ summary: TaskSummary; active: Set<string>; json: () => ReturnType<typeof summaryJson> }> {
  const summary = await taskSummaryOf(session, task);
  const active = await activeTaskIds(session.store);
  return { summary, active, json: () => summaryJson(summary, active) };
}

export interface TaskListRow {
  task: TaskRow;
  /** The subtree's usage. */
  total: UsageRow;
  variance: TaskVariance;
}

/** `task list`: every task (or only the active ones) with its subtree's usage, and the JSON. */
export async function taskList(
  session: LedgerSession,
  options: { activeOnly: boolean },
): Promise<{ active: Set<string>; rows: TaskListRow[]; json: () => { tasks: Record<string, unknown>[] } }> {
  const active = await activeTaskIds(session.store);
  const all = (await session.store.tasks()).filter((t) => !options.activeOnly || active.has(t.id));
  const ctx = { store: session.store, pricer: pricerOf(session), mode: 'auto' as const };
  const totals = await subtreeTotals(ctx);
  const multiple = overrunMultiple(session);
  const rows = all.map((t) => {
    const total = totals.get(t.id) ?? emptyUsageRow({ task: t.id });
    return { task: t, total, variance: taskVariance(t, total, multiple) };
  });
  const json = () => ({
    tasks: rows.map((r) => ({
      ...taskJson(r.task, active),
      actualTokens: totalTokens(r.total.sums),
      actualUsd: Math.round(r.total.cost * 1e6) / 1e6,
      variance: r.variance,
    })),
  });
  return { active, rows, json };
}
