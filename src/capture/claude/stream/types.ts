/**
 * What {@link parseClaudeOutput} and {@link ClaudeStreamParser} return for one `claude -p` run
 * (`--output-format json` or `stream-json`).
 * @module
 */

/**
 * Where {@link ClaudeRunResult.models} came from, best first:
 * - `result`: the last `result` event's `modelUsage` (authoritative: every call of the process,
 *   subagents included).
 * - `result-usage`: the last `result` event had no `modelUsage`, so its `usage` (main loop only, no
 *   subagents) is filed under the session's model.
 * - `assistant-events`: no `result` event at all (process killed, stream cut); totals are rebuilt
 *   from the `assistant` events, one per `message.id`. Output tokens are usually lower bounds.
 * - `none`: nothing usable (empty output, or not Claude Code's output); every number is 0 or null.
 */
export type ClaudeUsageSource = 'result' | 'result-usage' | 'assistant-events' | 'none';

/** Token counts. `cacheCreation1hInputTokens` is part of `cacheCreationInputTokens`, not added to it. */
export interface ClaudeTokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  /** Cache writes with the 1-hour TTL (priced higher); 0 when the source does not split them. */
  cacheCreation1hInputTokens: number;
  webSearchRequests: number;
}

/** One model's usage in a run. Field names follow Claude Code's `modelUsage`. */
export interface ClaudeModelUsage extends ClaudeTokenCounts {
  /** Claude Code's own cost for this model (`modelUsage[m].costUSD`); null when it did not say. */
  costUsd: number | null;
  /** The pricing key Claude Code used (`canonicalModel`, 2.1.3xx), or null. */
  canonicalModel: string | null;
  /**
   * True when `outputTokens` is only a lower bound: it was read from `assistant` events, which carry
   * the `message_start` snapshot (output placeholder), and no final count was seen.
   */
  outputTokensLowerBound: boolean;
}

/** The essentials of one `result` event, in output order. No prompt or answer text is kept. */
export interface ClaudeResultSummary {
  /** 0-based position among the result events of this output. */
  index: number;
  /** The event's own `result_index` (2.1.3xx), or null. */
  resultIndex: number | null;
  /** `success`, `error_max_turns`, `error_during_execution`, `error_max_budget_usd`, …; null if absent. */
  subtype: string | null;
  isError: boolean;
  numTurns: number | null;
  durationMs: number | null;
  durationApiMs: number | null;
  totalCostUsd: number | null;
  sessionId: string | null;
  stopReason: string | null;
  terminalReason: string | null;
  /** HTTP status of the API error that ended the turn (`api_error_status`), or null. */
  apiErrorStatus: number | null;
  /** `errors[]` of an error result (plus the result text of an `is_error` result without them). */
  errors: string[];
  /** Number of `permission_denials`. */
  permissionDenials: number;
  /** `origin.kind`, e.g. `task-notification` for a turn started by a background subagent; or null. */
  originKind: string | null;
  /** `usage`: main agent loop only, this turn only; null if absent. Not a total. */
  mainLoopUsage: ClaudeTokenCounts | null;
}

/** One `system/api_retry` event. */
export interface ClaudeApiRetry {
  attempt: number | null;
  maxRetries: number | null;
  retryDelayMs: number | null;
  /** HTTP status (429 rate limit, 529 overloaded, …); null when the request failed without one. */
  errorStatus: number | null;
  error: string | null;
}

/** The latest `rate_limit_event` of one limit type. */
export interface ClaudeRateLimitStatus {
  /** `allowed`, `allowed_warning`, `rejected`, … */
  status: string | null;
  /** `five_hour`, `seven_day`, `seven_day_opus`, …; null if absent. */
  rateLimitType: string | null;
  /** When the limit window resets, epoch milliseconds; null if absent. */
  resetsAt: number | null;
  /** Share of the limit used, as reported; null if absent. */
  utilization: number | null;
}

/** Rate-limit and retry information seen in the output. */
export interface ClaudeRateLimits {
  /** `system/api_retry` events seen. */
  apiRetries: number;
  lastApiRetry: ClaudeApiRetry | null;
  /** `api_retry` events per `error_status` (`"429"`, `"529"`, or `"none"`). */
  retriesByStatus: Record<string, number>;
  /** Latest `rate_limit_event` per `rateLimitType` (`"unknown"` when it has none). */
  limits: Record<string, ClaudeRateLimitStatus>;
  /**
   * Epoch ms until which the account is limited: the latest `resetsAt` of a `rejected` limit, or the
   * time in a "usage limit reached|<epoch>" result; null when no limit was hit.
   */
  limitedUntil: number | null;
}

/** Counts of what the parser read. */
export interface ClaudeOutputStats {
  /** Non-empty lines (a pretty-printed JSON value counts each of its lines). */
  lines: number;
  /** Claude Code events recognised (including ones skipped unparsed, such as `user` events). */
  events: number;
  /** `assistant` events (one per content block, so several per API response). */
  assistantEvents: number;
  /** Lines that were not JSON (a wrapper's prints, garbage), skipped. */
  nonJsonLines: number;
  /** JSON lines that are not Claude Code events, skipped. */
  foreignJsonLines: number;
}

/** Usage from `assistant` events that came after the last `result` event (not in its totals). */
export interface ClaudeUsageAfterResult {
  /** Distinct API responses. */
  messages: number;
  models: Record<string, ClaudeModelUsage>;
}

/** Everything one `claude -p` output says about what the run spent. */
export interface ClaudeRunResult {
  source: ClaudeUsageSource;
  /**
   * Per model name as Claude Code gives it (`modelUsage` keys are the requested model and may carry a
   * suffix such as `[1m]`; with `source: 'assistant-events'` they are the responses' `model`).
   * Cumulative within the process, and in Claude Code 2.1.3xx over a `--resume`d session too: to
   * get one run's share of a resumed session, subtract the previous run's totals.
   */
  models: Record<string, ClaudeModelUsage>;
  /** Sum of `models`. */
  totals: ClaudeTokenCounts;
  /** Last result's `total_cost_usd` (cumulative like `models`); null when not reported. */
  totalCostUsd: number | null;
  /** Turns, summed over the result events (each result reports the turns of its own turn). */
  numTurns: number | null;
  /** Wall time, summed over the result events (each reports its own turn). */
  durationMs: number | null;
  /** Last result's `duration_api_ms`, which Claude Code accumulates like the cost. */
  durationApiMs: number | null;
  /** Last result's `session_id`, else the `init` event's, else any event's. */
  sessionId: string | null;
  /** The last result event says `is_error`. */
  isError: boolean;
  /** A result event was seen, so the run finished (successfully or not) as far as Claude Code knows. */
  complete: boolean;
  /** Last result's `subtype`. */
  subtype: string | null;
  /** Last result's `stop_reason`. */
  stopReason: string | null;
  /** How many result events the output has (2.1.3xx can print several per process). */
  resultCount: number;
  /** Every result event, in order. */
  results: ClaudeResultSummary[];
  /** The last of {@link results}, or null. */
  lastResult: ClaudeResultSummary | null;
  /** Error messages of all error results, in order (capped). */
  errors: string[];
  /** `permission_denials` of the last result. */
  permissionDenials: number;
  /** `claude_code_version` from the `init` event. */
  claudeCodeVersion: string | null;
  /** `model` from the `init` event (the session's main model). */
  model: string | null;
  rateLimits: ClaudeRateLimits;
  /** Usage seen after the last result event (a turn that was cut off), or null when there is none. */
  afterLastResult: ClaudeUsageAfterResult | null;
  /**
   * Fields that were missing and set to 0 or null, e.g. `totalCostUsd` or
   * `models["claude-x"].cacheCreation1hInputTokens`.
   */
  unavailable: string[];
  /** Why the numbers are missing or partial (`source` is not `result`); null otherwise. */
  reason: string | null;
  /** Problems with the input: skipped lines, a cut-off last line, no result event, … */
  warnings: string[];
  stats: ClaudeOutputStats;
}
