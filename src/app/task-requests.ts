/**
 * A task's requests one by one (each API call of the task and its subtree, oldest first): the
 * timeline of a task's drill-down. Read through the ledger's record export, over the time its usage
 * spans (from the per-task rollup), so it works the same on every backend. Declared telemetry is a
 * task's total, not a request, and is left out.
 * @module
 */
import type { UsageLedgerRecord } from '../ledger/ledger-records.js';
import type { UsageFilter } from '../ledger/usage-repository.js';
import { totalTokens } from '../util/token-counts.js';
import type { LedgerSession } from './ledger-session.js';
import { ccusageTokenFields } from './usage-json.js';

/** The most requests returned (the latest ones); a task with more says so in `truncated`. */
export const TASK_REQUESTS_LIMIT = 2000;

export interface TaskRequestJson {
  at: string;
  task: string | null;
  stage: string | null;
  model: string;
  sessionId: string;
  agentId: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
}

export interface TaskRequestsJson {
  requests: TaskRequestJson[];
  /** Requests of the subtree in all (`requests` holds the latest {@link TASK_REQUESTS_LIMIT}). */
  total: number;
  truncated: boolean;
}

/**
 * The requests of the tasks in `tree` (a task and its descendants); `within` keeps those between
 * two instants and of one project (the task filters of `task show`).
 */
export async function taskRequests(
  session: LedgerSession,
  tree: readonly string[],
  limit = TASK_REQUESTS_LIMIT,
  within: Pick<UsageFilter, 'fromMs' | 'toMs' | 'project'> = {},
): Promise<TaskRequestsJson> {
  const days = await session.store.taskDayGroups(tree);
  if (days.length === 0) return { requests: [], total: 0, truncated: false };
  const fromMs = Math.max(Math.min(...days.map((d) => d.firstTs)), within.fromMs ?? 0);
  const toMs = Math.min(Math.max(...days.map((d) => d.lastTs)) + 1, within.toMs ?? Number.MAX_SAFE_INTEGER);
  if (toMs <= fromMs) return { requests: [], total: 0, truncated: false };
  const inTree = new Set(tree);
  const usage = (await session.store.exportRecords({ fromMs, toMs }))
    .map((r) => r.record)
    .filter(
      (r): r is UsageLedgerRecord =>
        r.type === 'usage' &&
        r.taskId !== null &&
        inTree.has(r.taskId) &&
        (within.project === undefined || r.project === within.project),
    )
    .sort((a, b) => a.ts - b.ts);
  const shown = usage.length > limit ? usage.slice(usage.length - limit) : usage;
  return {
    requests: shown.map((r) => ({
      at: new Date(r.ts).toISOString(),
      task: r.taskId,
      stage: r.stage,
      model: r.model,
      sessionId: r.sessionId,
      agentId: r.agentId,
      ...ccusageTokenFields(r),
      totalTokens: totalTokens(r),
    })),
    total: usage.length,
    truncated: usage.length > limit,
  };
}
