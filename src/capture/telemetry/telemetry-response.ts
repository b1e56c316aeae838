/**
 * The answers of the usage-tracker telemetry contract, built exactly: `recorded` for the logging
 * modes, `report_generated` for reviews, and `error` for failures (`{status: "error", reason,
 * details?}`: the contract shows no shape for it).
 * Summaries are computed from the numbers only: the user's request summary is never put in them.
 * @module
 */
import { formatInt, formatUsdCents } from '../../util/format.js';
import type { TelemetryEntry, TelemetryParseResult, TelemetryRequest } from './telemetry-request.js';

/** The answer to a logging call. `summary` is present only for `log_and_summarize`. */
export interface RecordedResponse {
  status: 'recorded';
  task_id: string;
  summary?: string;
}

/** The recommendation kinds. */
export type RecommendationType = 'model_selection' | 'context_reuse' | 'delegation_reduction';

/** One recommendation. */
export interface Recommendation {
  type: RecommendationType;
  /** A concrete recommendation. */
  description: string;
  /** A diff or instruction for build-lead to apply (this tool never applies it). */
  proposed_change: string;
}

/** The answer to a `review_period` call. */
export interface ReviewResponse {
  status: 'report_generated';
  /** `/token-usage/reports/usage-review-YYYY-MM-DD.md` in the contract. */
  report_path: string;
  recommendations: Recommendation[];
}

/** The error status: a one-line reason, and the individual problems when there are several. */
export interface ErrorResponse {
  status: 'error';
  reason: string;
  details?: string[];
}

/** Any answer. */
export type TelemetryResponse = RecordedResponse | ReviewResponse | ErrorResponse;

/**
 * `{status: "recorded", task_id, summary?}`; the `summary` key is left out when not given
 * (as for `log_only`).
 */
export function recordedResponse(taskId: string, summary?: string): RecordedResponse {
  return summary === undefined
    ? { status: 'recorded', task_id: taskId }
    : { status: 'recorded', task_id: taskId, summary };
}

/** The tokens of an entry: `total_tokens`, else input + output when both are known, else null. */
function entryTokens(e: TelemetryEntry): number | null {
  if (e.total_tokens !== null) return e.total_tokens;
  if (e.input_tokens !== null && e.output_tokens !== null) return e.input_tokens + e.output_tokens;
  return null;
}

function plural(n: number, one: string, many: string): string {
  return `${formatInt(n)} ${n === 1 ? one : many}`;
}

/**
 * The 1–2 sentence summary a `log_and_summarize` call returns, e.g.
 * `T-12: 18,000 tokens ($0.54) across 2 agents; build-lead on opus used 83%.`
 * Deterministic: the share names the agent-and-model pair with the most tokens (the first one
 * listed on a tie). Entries without token counts or cost are counted in a second sentence.
 * The request's `user_request_summary` is not used.
 */
export function summarizeEntries(request: TelemetryRequest): string {
  const pairs = new Map<string, { agent: string; model: string; tokens: number }>();
  let tokens = 0;
  let cost = 0;
  let noTokens = 0;
  let noCost = 0;
  for (const e of request.entries) {
    const t = entryTokens(e);
    if (t === null) noTokens++;
    else {
      tokens += t;
      const key = JSON.stringify([e.agent, e.model]);
      const pair = pairs.get(key) ?? { agent: e.agent, model: e.model, tokens: 0 };
      pair.tokens += t;
      pairs.set(key, pair);
    }
    if (e.estimated_cost === null) noCost++;
    else cost += e.estimated_cost;
  }
  const agents = new Set(request.entries.map((e) => e.agent)).size;
  let text = `${request.task_id}: ${plural(tokens, 'token', 'tokens')} (${formatUsdCents(cost)}) across ${plural(agents, 'agent', 'agents')}`;
  let top: { agent: string; model: string; tokens: number } | undefined;
  for (const pair of pairs.values()) if (top === undefined || pair.tokens > top.tokens) top = pair;
  if (top !== undefined && tokens > 0) {
    text += `; ${top.agent} on ${top.model} used ${Math.round((top.tokens / tokens) * 100)}%`;
  }
  text += '.';
  const gaps: string[] = [];
  if (noTokens > 0) gaps.push(`token counts for ${plural(noTokens, 'entry', 'entries')}`);
  if (noCost > 0) gaps.push(`cost for ${plural(noCost, 'entry', 'entries')}`);
  if (gaps.length > 0) text += ` Unavailable: ${gaps.join(' and ')}.`;
  return text;
}

/** The answer for a valid logging request: with a summary for `log_and_summarize` only. */
export function responseForRecorded(request: TelemetryRequest): RecordedResponse {
  return recordedResponse(
    request.task_id,
    request.mode === 'log_and_summarize' ? summarizeEntries(request) : undefined,
  );
}

/** `{status: "report_generated", report_path, recommendations}` (the list is copied). */
export function reviewResponse(
  reportPath: string,
  recommendations: readonly Recommendation[],
): ReviewResponse {
  return {
    status: 'report_generated',
    report_path: reportPath,
    recommendations: recommendations.map((r) => ({
      type: r.type,
      description: r.description,
      proposed_change: r.proposed_change,
    })),
  };
}

/** `{status: "error", reason, details?}`; `details` is left out when absent or empty. */
export function errorResponse(reason: string, details?: readonly string[]): ErrorResponse {
  return details === undefined || details.length === 0
    ? { status: 'error', reason }
    : { status: 'error', reason, details: [...details] };
}

/**
 * The error answer for a rejected request: the only problem as the reason, or a count of them with
 * each in `details`, e.g. `{status: "error", reason: "invalid telemetry: entries[0].input_tokens: -5 is negative"}`.
 */
export function invalidRequestResponse(result: Extract<TelemetryParseResult, { ok: false }>): ErrorResponse {
  const [only] = result.errors;
  if (result.errors.length === 1 && only !== undefined) return errorResponse(`invalid telemetry: ${only}`);
  return errorResponse(`invalid telemetry: ${result.errors.length} problems`, result.errors);
}
