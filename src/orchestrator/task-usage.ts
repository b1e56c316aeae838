/**
 * One task's usage as `TaskUsage` has it: token totals, the CLI's cost, turns and API
 * time, with every model of the run summed.
 * @module
 */
import { fromClaudeTokenCounts } from '../capture/claude/stream/token-counts.js';
import type { ClaudeRunResult } from '../capture/claude/stream/types.js';
import {
  checkAmountOrNull,
  checkCount,
  checkCountOrNull,
  type TokenFieldNames,
} from '../util/checked-numbers.js';
import { emptyTokenCounts, type TokenCounts } from '../util/token-counts.js';

/**
 * Usage of one task run. Token counts are summed over the run's models. `totalCostUsd`
 * is Claude Code's own `total_cost_usd` (authoritative, never computed from tokens); it, `numTurns`
 * and `durationApiMs` are null when the run did not report them.
 */
export interface TaskUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
  totalCostUsd: number | null;
  numTurns: number | null;
  durationApiMs: number | null;
}

/** The token fields of a {@link TaskUsage} and the internal counts they hold, in their order. */
export const TASK_TOKEN_NAMES = [
  ['input', 'inputTokens'],
  ['output', 'outputTokens'],
  ['cacheRead', 'cacheReadTokens'],
  ['cacheWrite', 'cacheCreationTokens'],
] as const satisfies TokenFieldNames;

/** The token fields of a {@link TaskUsage} (and of `usage-report.json`'s totals), in their order. */
export function taskTokenFields(t: TokenCounts) {
  return {
    inputTokens: t.input,
    outputTokens: t.output,
    cacheReadTokens: t.cacheRead,
    cacheCreationTokens: t.cacheWrite,
  };
}

/** The token counts of a {@link TaskUsage}. */
export function taskUsageCounts(u: TaskUsage): TokenCounts {
  return {
    ...emptyTokenCounts(),
    input: u.inputTokens,
    output: u.outputTokens,
    cacheWrite: u.cacheCreationTokens,
    cacheRead: u.cacheReadTokens,
  };
}

/** True when `usage` is a parser's {@link ClaudeRunResult} rather than a {@link TaskUsage}. */
export function isClaudeRunResult(usage: ClaudeRunResult | TaskUsage): usage is ClaudeRunResult {
  return 'models' in usage && 'totals' in usage;
}

/**
 * The {@link TaskUsage} of one `claude -p` run: tokens from {@link ClaudeRunResult.totals} (every
 * model, subagents included when the result had `modelUsage`), cost from `totalCostUsd` only (null
 * when the CLI did not report it; per-model costs are not summed instead), turns and API time as
 * reported. Usage after the last result event (a cut-off turn) is not in the totals and not here.
 */
export function taskUsageFromRun(result: ClaudeRunResult): TaskUsage {
  return {
    ...taskTokenFields(fromClaudeTokenCounts(result.totals)),
    totalCostUsd: result.totalCostUsd,
    numTurns: result.numTurns,
    durationApiMs: result.durationApiMs,
  };
}

/**
 * `usage` as a checked {@link TaskUsage} (a {@link ClaudeRunResult} is converted with
 * {@link taskUsageFromRun}). Throws an Error naming `what` and the field when a token count is not a
 * non-negative integer, `numTurns` is not one or null, a cost or duration is negative, not finite, or missing
 * (use null for "not reported").
 */
export function toTaskUsage(usage: ClaudeRunResult | TaskUsage, what = 'usage'): TaskUsage {
  const u = isClaudeRunResult(usage) ? taskUsageFromRun(usage) : usage;
  return {
    inputTokens: checkCount(u.inputTokens, `${what}.inputTokens`),
    outputTokens: checkCount(u.outputTokens, `${what}.outputTokens`),
    cacheReadTokens: checkCount(u.cacheReadTokens, `${what}.cacheReadTokens`),
    cacheCreationTokens: checkCount(u.cacheCreationTokens, `${what}.cacheCreationTokens`),
    totalCostUsd: checkAmountOrNull(u.totalCostUsd, `${what}.totalCostUsd`),
    numTurns: checkCountOrNull(u.numTurns, `${what}.numTurns`),
    durationApiMs: checkAmountOrNull(u.durationApiMs, `${what}.durationApiMs`),
  };
}
