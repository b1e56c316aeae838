/**
 * Where a headless run leaves things (`tokenledger run`'s running total, the library's
 * `runClaude({ record })`): the run's usage from its transcripts, Claude Code's own cost for it, and
 * where its task and the task's ancestors (up to the plan) stand against their estimates, with the
 * overrun warnings. Plus the run's metrics JSONL entry.
 * @module
 */
import { DEFAULT_OVERRUN_MULTIPLE, standingChain } from '../analysis/overrun.js';
import { type UsageRow, UsageTableBuilder } from '../analysis/usage-table.js';
import { BUCKET_MS } from '../ledger/usage-sums.js';
import { overrunMessage } from '../outputs/overrun-message.js';
import { localDate } from '../util/local-date.js';
import { cacheHitRate, totalTokens } from '../util/token-counts.js';
import { type LedgerSession, pricerOf } from './ledger-session.js';
import { appendMetrics, metricsFile, variancePercent } from './metrics-log.js';
import type { RecordedRun } from './run-actions.js';
import { ccusageTokenFields } from './usage-json.js';

/** A run's usage, read from its transcripts. */
export interface RunUsageSummary {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  /** cacheRead / (cacheRead + input); null without prompt input. */
  cacheHitRate: number | null;
  /** The cost of the priced part, in USD. */
  costUsd: number;
  /** Models with usage that has no price (their tokens are counted, their cost is not). */
  unpricedModels: string[];
  apiCalls: number;
}

/** Where a task stands after the run: its usage and its subtasks', against its estimate. */
export interface RunTaskStanding {
  id: string;
  parentId: string | null;
  totalTokens: number;
  costUsd: number;
  unpricedModels: string[];
  estimateTokens: number | null;
  estimateUsd: number | null;
  /** Past the overrun multiple of its estimate. */
  overrun: boolean;
}

export interface RunSummary {
  /** The task the run was attributed to, or null. */
  taskId: string | null;
  /** The run's Claude Code sessions; empty when none was found. */
  sessions: string[];
  usage: RunUsageSummary;
  /** The run's own cost as Claude Code reported it, or null. */
  claudeCodeCostUsd: number | null;
  /** The task, then its ancestors up to the plan, nearest first; empty without a (known) task. */
  tasks: RunTaskStanding[];
  /** One overrun warning per task past its overrun multiple. */
  warnings: string[];
  /** When the run ended (ms). */
  endedAt: number;
}

/** Lines stamped a little after the run ended (written as it exited) still count. */
const WINDOW_SLACK_MS = 2_000;

async function runUsage(
  session: LedgerSession,
  sessionIds: readonly string[],
  window: { startedAt: number; endedAt: number },
): Promise<UsageRow> {
  const builder = new UsageTableBuilder(pricerOf(session), 'auto');
  for (const id of sessionIds) {
    const rows = await session.store.groups({
      dimensions: [],
      grain: 'day',
      filter: {
        session: id,
        // From the run's start, like its span: an earlier run of a resumed session is not this one's.
        fromMs: window.startedAt,
        toMs: window.endedAt + WINDOW_SLACK_MS,
      },
    });
    for (const r of rows)
      builder.add('run', {}, r, { atMs: r.bucket * BUCKET_MS, firstTs: r.firstTs, lastTs: r.lastTs });
  }
  return builder.build().totals;
}

/** The summary of a recorded run attributed to `taskId`, that ran from `window.startedAt` to `window.endedAt`. */
export async function summarizeRun(
  session: LedgerSession,
  recorded: RecordedRun,
  taskId: string | null,
  window: { startedAt: number; endedAt: number },
): Promise<RunSummary> {
  const usage = await runUsage(session, recorded.sessionIds, window);
  const s = usage.sums;
  const multiple = session.loaded.config.overrunMultiple ?? DEFAULT_OVERRUN_MULTIPLE;
  const chain =
    taskId === null
      ? []
      : await standingChain(
          { store: session.store, pricer: pricerOf(session), mode: 'auto' },
          taskId,
          multiple,
        );
  const warnings: string[] = [];
  for (const st of chain) {
    const w = overrunMessage(st);
    if (w !== null) warnings.push(w);
  }
  return {
    taskId,
    sessions: [...recorded.sessionIds],
    usage: {
      ...ccusageTokenFields(s),
      totalTokens: totalTokens(s),
      cacheHitRate: cacheHitRate(s.cacheRead, s.input),
      costUsd: usage.cost,
      unpricedModels: usage.unpriced,
      apiCalls: s.responses,
    },
    claudeCodeCostUsd: recorded.claudeCostUsd,
    tasks: chain.map((st) => ({
      id: st.task.id,
      parentId: st.task.parentId,
      totalTokens: totalTokens(st.total.sums),
      costUsd: st.total.cost,
      unpricedModels: st.total.unpriced,
      estimateTokens: st.task.estimateTokens,
      estimateUsd: st.task.estimateUsd,
      overrun: st.variance.overrun,
    })),
    warnings,
    endedAt: window.endedAt,
  };
}

/** The run's metrics JSONL entry: the token tracker's fields (`task`, `estimated`, `actual`, …), then ours. */
export function runMetricsEntry(summary: RunSummary): Record<string, unknown> {
  const u = summary.usage;
  const task = summary.tasks[0];
  return {
    event: 'run',
    task: summary.taskId,
    session: summary.sessions[0] ?? null,
    sessions: summary.sessions,
    actual: u.totalTokens,
    actualUsd: Math.round(u.costUsd * 1e6) / 1e6,
    claudeCodeCostUsd: summary.claudeCodeCostUsd,
    inputTokens: u.inputTokens,
    outputTokens: u.outputTokens,
    cacheCreationTokens: u.cacheCreationTokens,
    cacheReadTokens: u.cacheReadTokens,
    apiCalls: u.apiCalls,
    estimated: task?.estimateTokens ?? null,
    taskActual: task === undefined ? null : task.totalTokens,
    variance: task === undefined ? null : variancePercent(task.estimateTokens, task.totalTokens),
    overrun: task?.overrun ?? false,
    date: localDate(summary.endedAt),
    ts: new Date(summary.endedAt).toISOString(),
  };
}

/** Appends the run's entry to the metrics JSONL the config names (or the default one). */
export function logRunMetrics(session: LedgerSession, summary: RunSummary): void {
  appendMetrics(metricsFile(session.loaded.config.metricsFile), runMetricsEntry(summary));
}
