/**
 * The session rollup (SQLite migration 15, PostgreSQL migration 9): the usage rows summed per
 * session, agent, UTC day, pricing key and every other attribute of a row a report groups by
 * (project, branch, task, stage, labels, origin). A session has one or a few of each, so a report of
 * the whole ledger at the `day` grain groups thousands of rollup rows instead of every usage row.
 * Triggers mark the sessions whose rows a write inserted, changed or deleted; a read it serves first
 * rebuilds the marked sessions, so imports and hooks pay a mark only.
 * @module
 */
import { isActivityDimension } from './call-activity-sql.js';
import { DAY_MS } from './day-spans.js';
import type { GroupQuery, UsageFilter } from './usage-repository.js';

/** The rollup's key columns besides the day and the pricing key, named as on `usage`. */
export const SESSION_ROLLUP_ATTRIBUTES = [
  'session_id',
  'agent_id',
  'sidechain',
  'project',
  'git_branch',
  'task_id',
  'stage',
  'labels',
  'origin_id',
] as const;

const isWholeDay = (ms: number | undefined) =>
  ms === undefined || (Number.isSafeInteger(ms) && ms % DAY_MS === 0);

/**
 * The filter's day range `[from, to)` as UTC day numbers when the session rollup can serve `query`
 * (else null): the `day` grain without spans of time, no dimension of what drove a call, dates at
 * whole UTC days only, and no session or task filter (those read few usage rows through their
 * indexes, and a hook must not wait for a rebuild).
 */
export function sessionRollupDays(query: GroupQuery): { from?: number; to?: number } | null {
  if (query.grain !== 'day' || query.cuts !== undefined) return null;
  if (query.linkAtRead === true || query.groupAtRead === true || query.activityTotal === true) return null;
  if (query.dimensions.some(isActivityDimension)) return null;
  const f = query.filter;
  if (f.session !== undefined || f.tasks !== undefined) return null;
  if (!isWholeDay(f.fromMs) || !isWholeDay(f.toMs)) return null;
  return {
    ...(f.fromMs !== undefined ? { from: f.fromMs / DAY_MS } : {}),
    ...(f.toMs !== undefined ? { to: f.toMs / DAY_MS } : {}),
  };
}

/** The filter without its dates (the rollup's rows are filtered by day instead). */
export function withoutDates(f: UsageFilter): UsageFilter {
  const { fromMs: _from, toMs: _to, ...rest } = f;
  return rest;
}
