/**
 * The one-line running total `tokenledger run` prints to stderr after each run (seed 003: "a summary
 * line after each task showing running totals"), and its metrics JSONL entry: the run's usage from
 * its transcripts, Claude Code's own cost for it, and where the task and its plan now stand.
 * @module
 */
import { DEFAULT_OVERRUN_MULTIPLE, standingChain } from '../analysis/overrun.js';
import { type UsageRow, UsageTableBuilder } from '../analysis/usage-table.js';
import { variancePercent } from '../app/metrics-log.js';
import type { RecordedRun } from '../app/run-actions.js';
import { ccusageTokenFields } from '../app/usage-json.js';
import { BUCKET_MS } from '../ledger/usage-sums.js';
import { overrunMessage } from '../outputs/overrun-message.js';
import type { Pricer } from '../pricing/pricer.js';
import { formatCompact, formatPercent, formatUsd } from '../util/format.js';
import { localDate } from '../util/local-date.js';
import { cacheHitRate, totalTokens } from '../util/token-counts.js';
import type { CliSession } from './context.js';

export interface RunSummary {
  line: string;
  warnings: string[];
  metrics: Record<string, unknown>;
}

/** Lines stamped a little after the run ended (written as it exited) still count. */
const WINDOW_SLACK_MS = 2_000;

async function runUsage(
  session: CliSession,
  sessionIds: readonly string[],
  window: { startedAt: number; endedAt: number },
  pricer: Pricer,
): Promise<UsageRow> {
  const builder = new UsageTableBuilder(pricer, 'auto');
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

function cost(row: UsageRow): string {
  return `${formatUsd(row.cost)}${row.unpriced.length > 0 ? '+' : ''}`;
}

export async function runSummaryLine(
  session: CliSession,
  recorded: RecordedRun,
  taskId: string | null,
  window: { startedAt: number; endedAt: number },
  pricer: Pricer,
): Promise<RunSummary> {
  const usage = await runUsage(session, recorded.sessionIds, window, pricer);
  const s = usage.sums;
  const parts =
    recorded.sessionIds.length === 0
      ? ['no Claude Code session found for this run']
      : [
          `run ${cost(usage)}`,
          `${formatCompact(s.input)} in, ${formatCompact(s.output)} out, ${formatCompact(s.cacheRead)} cache read (${formatPercent(cacheHitRate(s.cacheRead, s.input))} hit)`,
        ];
  if (recorded.claudeCostUsd !== null) parts.push(`Claude Code says ${formatUsd(recorded.claudeCostUsd)}`);
  const warnings: string[] = [];
  const multiple = session.loaded.config.overrunMultiple ?? DEFAULT_OVERRUN_MULTIPLE;
  const chain =
    taskId === null
      ? []
      : await standingChain({ store: session.store, pricer, mode: 'auto' }, taskId, multiple);
  for (const st of chain) {
    const est = [
      st.task.estimateTokens === null ? null : `${formatCompact(st.task.estimateTokens)} tokens`,
      st.task.estimateUsd === null ? null : formatUsd(st.task.estimateUsd),
    ].filter((x) => x !== null);
    parts.push(
      `${st.task.parentId === null && st !== chain[0] ? 'plan ' : ''}${st.task.id} ${cost(st.total)}, ${formatCompact(totalTokens(st.total.sums))} tokens${est.length > 0 ? ` of ${est.join(' / ')}` : ''}`,
    );
    const w = overrunMessage(st);
    if (w !== null) warnings.push(w);
  }
  const task = chain[0];
  const metrics: Record<string, unknown> = {
    event: 'run',
    task: taskId,
    session: recorded.sessionIds[0] ?? null,
    sessions: recorded.sessionIds,
    actual: totalTokens(s),
    actualUsd: Math.round(usage.cost * 1e6) / 1e6,
    claudeCodeCostUsd: recorded.claudeCostUsd,
    ...ccusageTokenFields(s),
    apiCalls: s.responses,
    estimated: task?.task.estimateTokens ?? null,
    taskActual: task === undefined ? null : totalTokens(task.total.sums),
    variance:
      task === undefined ? null : variancePercent(task.task.estimateTokens, totalTokens(task.total.sums)),
    overrun: task?.variance.overrun ?? false,
    date: localDate(window.endedAt),
    ts: new Date(window.endedAt).toISOString(),
  };
  return { line: `tokenledger: ${parts.join(' · ')}`, warnings, metrics };
}
