/**
 * The one-line running total `tokenledger run` prints to stderr after each run ("a summary line
 * after each task showing running totals"), rendered from the run's summary (src/app/run-summary.ts):
 * the run's usage, Claude Code's own cost for it, and where the task and its plan now stand.
 * @module
 */
import type { RunSummary } from '../app/run-summary.js';
import { formatCompact, formatPercent, formatUsd } from '../util/format.js';

function cost(row: { costUsd: number; unpricedModels: readonly string[] }): string {
  return `${formatUsd(row.costUsd)}${row.unpricedModels.length > 0 ? '+' : ''}`;
}

/** `tokenledger: run $0.42 · 12k in, … · T-1 $1.20, 340k tokens of 1M tokens`. */
export function runSummaryLine(summary: RunSummary): string {
  const u = summary.usage;
  const parts =
    summary.sessions.length === 0
      ? ['no Claude Code session found for this run']
      : [
          `run ${cost(u)}`,
          `${formatCompact(u.inputTokens)} in, ${formatCompact(u.outputTokens)} out, ${formatCompact(u.cacheReadTokens)} cache read (${formatPercent(u.cacheHitRate)} hit)`,
        ];
  if (summary.claudeCodeCostUsd !== null)
    parts.push(`Claude Code says ${formatUsd(summary.claudeCodeCostUsd)}`);
  summary.tasks.forEach((t, i) => {
    const est = [
      t.estimateTokens === null ? null : `${formatCompact(t.estimateTokens)} tokens`,
      t.estimateUsd === null ? null : formatUsd(t.estimateUsd),
    ].filter((x) => x !== null);
    parts.push(
      `${t.parentId === null && i > 0 ? 'plan ' : ''}${t.id} ${cost(t)}, ${formatCompact(t.totalTokens)} tokens${est.length > 0 ? ` of ${est.join(' / ')}` : ''}`,
    );
  });
  return `tokenledger: ${parts.join(' · ')}`;
}
