/**
 * One task's usage as `TaskUsage` has it: token totals, the CLI's cost, turns and API
 * time, with every model of the run summed.
 * @module
 */
import type { ClaudeRunResult } from '../capture/claude/stream/types.js';
import { checkAmountOrNull, checkCount, checkCountOrNull } from './numbers.js';

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
    inputTokens: result.totals.inputTokens,
    outputTokens: result.totals.outputTokens,
    cacheReadTokens: result.totals.cacheReadInputTokens,
    cacheCreationTokens: result.totals.cacheCreationInputTokens,
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
