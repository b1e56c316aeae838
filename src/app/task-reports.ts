/**
 * What the task commands show (`task show`, `task list`, `task start|stop|estimate --json`): a
 * task's summary against its estimate, every task with its subtree's usage, and their JSON. Plans,
 * sections and work items are tasks with parents; totals roll up the tree.
 * @module
 */
import { filterOf, type ReportScope } from '../analysis/reports.js';
import {
  isNarrowed,
  type RunStats,
  type TaskSummary,
  type TaskUsageScope,
  type TaskVariance,
  taskSummary,
  taskTotals,
  taskVariance,
} from '../analysis/tasks.js';
import { emptyUsageRow, type UsageRow } from '../analysis/usage-table.js';
import type { TaskRow, TaskStatus } from '../ledger/task-repository.js';
import { totalTokens } from '../util/token-counts.js';
import { type LedgerSession, pricerOf, stageMapOf } from './ledger-session.js';
import { type ReportScopeRequest, reportScope, type ScopeNames } from './report-scope.js';
import { activeTaskIds, taskStatus } from './task-actions.js';
import { type UsageFieldsJson, usageFields } from './usage-json.js';

const DEFAULT_OVERRUN = 4;

/** The multiple of its estimate past which a task is an overrun (config `overrunMultiple`, default 4). */
export function overrunMultiple(session: LedgerSession): number {
  return session.loaded.config.overrunMultiple ?? DEFAULT_OVERRUN;
}

/**
 * The days and the project whose usage a task list or a task's summary counts (`--since`, `--until`,
 * `--project`: inclusive local dates, and a project's working directory); without them, all usage.
 */
export type TaskFilters = Pick<ReportScope, 'clock' | 'since' | 'until' | 'project'>;

/**
 * The filters of a request (`since`, `until`, `timezone`, `project`), checked as the reports check
 * them, with errors naming the options as the caller spells them (`names`).
 */
export function taskFiltersOf(
  session: LedgerSession,
  request: Pick<ReportScopeRequest, 'since' | 'until' | 'timezone' | 'project'>,
  names?: ScopeNames,
): TaskFilters {
  const { since, until, project, clock } = reportScope(session, request, 'asc', names);
  return {
    clock,
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    ...(project === undefined ? {} : { project }),
  };
}

/** The filters as the instants and project the ledger filters on. */
export function taskUsageScope(filters: TaskFilters | undefined): TaskUsageScope {
  if (filters === undefined) return {};
  const f = filterOf(filters);
  const out: TaskUsageScope = {};
  if (f.fromMs !== undefined) out.fromMs = f.fromMs;
  if (f.toMs !== undefined) out.toMs = f.toMs;
  if (f.project !== undefined) out.project = f.project;
  return out;
}

/** The filters as JSON, or nothing when they narrow nothing. */
function filtersJson(filters: TaskFilters | undefined): TaskFiltersJson {
  if (filters === undefined || !isNarrowed(taskUsageScope(filters))) return {};
  return {
    filters: { since: filters.since ?? null, until: filters.until ?? null, project: filters.project ?? null },
  };
}

/**
 * The task's usage (its subtree's), by model, stage and agent, its runs and its variance; with
 * filters, its usage in those days and that project (its variance stays the whole task's).
 */
export async function taskSummaryOf(
  session: LedgerSession,
  task: TaskRow,
  filters?: TaskFilters,
): Promise<TaskSummary> {
  return taskSummary(
    { store: session.store, pricer: pricerOf(session), mode: 'auto' },
    task,
    stageMapOf(session),
    overrunMultiple(session),
    taskUsageScope(filters),
  );
}

/** A task as `task list|show --json` print it. */
export interface TaskJson {
  id: string;
  title: string | null;
  parent: string | null;
  status: TaskStatus;
  estimate: { tokens: number | null; usd: number | null };
  labels: Record<string, string>;
  stage: string | null;
  project: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

/** The days and project a narrowed list or summary counts (only when they narrow something). */
export interface TaskFiltersJson {
  filters?: { since: string | null; until: string | null; project: string | null };
}

/** What `task list --json` prints. */
export interface TaskListJson extends TaskFiltersJson {
  tasks: (TaskJson & { actualTokens: number; actualUsd: number; variance: TaskVariance })[];
}

/** What `task show --json` prints. */
export interface TaskShowJson extends TaskFiltersJson {
  task: TaskJson;
  totals: UsageFieldsJson;
  byModel: (UsageFieldsJson & { model: string | null })[];
  byStage: (UsageFieldsJson & { stage: string | null })[];
  byAgent: (UsageFieldsJson & { agent: string | null })[];
  children: (UsageFieldsJson & { id: string; title: string | null })[];
  runs: RunStats;
  variance: TaskVariance;
}

/** The task as JSON; its status as {@link taskStatus} tells it, given the active tasks. */
export function taskJson(t: TaskRow, active: ReadonlySet<string>): TaskJson {
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

/** What `task show --json` (and `task stop --json`) prints. */
export function summaryJson(s: TaskSummary, active: ReadonlySet<string>): TaskShowJson {
  return {
    task: taskJson(s.task, active),
    totals: usageFields(s.total),
    byModel: s.byModel.map((r) => ({ model: r.label.model || null, ...usageFields(r) })),
    byStage: s.byStage.map((r) => ({ stage: r.label.stage || null, ...usageFields(r) })),
    byAgent: s.byAgent.map((r) => ({ agent: r.label.agent || null, ...usageFields(r) })),
    children: s.children.map((c) => ({ id: c.id, title: c.title, ...usageFields(c.total) })),
    runs: s.runs,
    variance: s.variance,
  };
}

/** `task show` (with `--since`, `--until`, `--project`: their usage only): the summary, the active tasks, and the JSON. */
export async function taskShow(
  session: LedgerSession,
  task: TaskRow,
  filters?: TaskFilters,
): Promise<{
  summary: TaskSummary;
  active: Set<string>;
  json: () => TaskShowJson;
}> {
  const summary = await taskSummaryOf(session, task, filters);
  const active = await activeTaskIds(session.store);
  return { summary, active, json: () => ({ ...summaryJson(summary, active), ...filtersJson(filters) }) };
}

export interface TaskListRow {
  task: TaskRow;
  /** The subtree's usage. */
  total: UsageRow;
  variance: TaskVariance;
}

/**
 * A task a narrowed list shows besides those with usage in it: one of the filter's project (when it
 * names one) that was open during the days (when given): created before they end, not ended before
 * they begin.
 */
function belongs(t: TaskRow, within: TaskUsageScope): boolean {
  if (within.project !== undefined && t.project !== within.project) return false;
  if (within.toMs !== undefined && t.createdAt >= within.toMs) return false;
  return within.fromMs === undefined || t.endedAt === null || t.endedAt >= within.fromMs;
}

/**
 * `task list`: every task (or only the active ones) with its subtree's usage, and the JSON. With
 * filters, each task's actuals are its subtree's usage in those days and that project, and only the
 * tasks with such usage or of that project and open then are listed; the variance stays the whole
 * task's, since the estimate covers the whole task.
 */
export async function taskList(
  session: LedgerSession,
  options: { activeOnly: boolean; filters?: TaskFilters },
): Promise<{ active: Set<string>; rows: TaskListRow[]; json: () => TaskListJson }> {
  const active = await activeTaskIds(session.store);
  const within = taskUsageScope(options.filters);
  const narrowed = isNarrowed(within);
  const ctx = { store: session.store, pricer: pricerOf(session), mode: 'auto' as const };
  const [whole, scoped] = await Promise.all([
    taskTotals(ctx),
    narrowed ? taskTotals(ctx, within) : Promise.resolve(null),
  ]);
  const totals = (scoped ?? whole).subtree;
  const all = (await session.store.tasks()).filter(
    (t) =>
      (!options.activeOnly || active.has(t.id)) &&
      (!narrowed || (totals.get(t.id)?.sums.responses ?? 0) > 0 || belongs(t, within)),
  );
  const multiple = overrunMultiple(session);
  const rows = all.map((t) => {
    const total = totals.get(t.id) ?? emptyUsageRow({ task: t.id });
    const wholeTotal = narrowed ? (whole.subtree.get(t.id) ?? emptyUsageRow({ task: t.id })) : total;
    return { task: t, total, variance: taskVariance(t, wholeTotal, multiple) };
  });
  const json = () => ({
    ...filtersJson(options.filters),
    tasks: rows.map((r) => ({
      ...taskJson(r.task, active),
      actualTokens: totalTokens(r.total.sums),
      actualUsd: Math.round(r.total.cost * 1e6) / 1e6,
      variance: r.variance,
    })),
  });
  return { active, rows, json };
}
