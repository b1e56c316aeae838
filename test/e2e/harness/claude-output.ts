/** Parsing what `claude -p --output-format stream-json|json` prints. */
import type { UsageTotals } from './api-usage.js';

/** `result.usage` (per invocation, main agent only). */
export interface ResultUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  [key: string]: unknown;
}

/** One entry of `result.modelUsage` (keyed by the requested model). */
export interface ModelUsageEntry {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
  costUSD: number;
  [key: string]: unknown;
}

/** A `result` event. */
export interface ResultEvent {
  type: 'result';
  subtype: string;
  is_error: boolean;
  session_id: string;
  result?: string;
  num_turns?: number;
  total_cost_usd: number;
  usage: ResultUsage;
  modelUsage: Record<string, ModelUsageEntry>;
  [key: string]: unknown;
}

/** Any event of the stream. */
export type StreamEvent = Record<string, unknown> & { type?: unknown };

function asObject(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** Whether an event is a `result` event. */
export function isResultEvent(e: StreamEvent): e is ResultEvent {
  return e.type === 'result' && typeof e.session_id === 'string';
}

/**
 * The events in a CLI's stdout: one JSON object per line for stream-json, a single object for json.
 * Lines that are not JSON objects are skipped.
 */
export function parseClaudeOutput(stdout: string, format: 'stream-json' | 'json'): StreamEvent[] {
  if (format === 'json') {
    try {
      const one = asObject(JSON.parse(stdout.trim()));
      return one ? [one] : [];
    } catch {
      return [];
    }
  }
  const out: StreamEvent[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const e = asObject(JSON.parse(line));
      if (e) out.push(e);
    } catch {
      // not an event
    }
  }
  return out;
}

/** Token sums of a `result.usage`. */
export function resultUsageTotals(u: ResultUsage): UsageTotals {
  return {
    input: u.input_tokens,
    output: u.output_tokens,
    cacheWrite: u.cache_creation_input_tokens,
    cacheWrite5m: u.cache_creation?.ephemeral_5m_input_tokens ?? 0,
    cacheWrite1h: u.cache_creation?.ephemeral_1h_input_tokens ?? 0,
    cacheRead: u.cache_read_input_tokens,
  };
}

/** Token sums of one `result.modelUsage` entry. */
export function modelUsageTotals(e: ModelUsageEntry): UsageTotals {
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  return {
    input: e.inputTokens,
    output: e.outputTokens,
    cacheWrite: e.cacheCreationInputTokens,
    cacheWrite5m: num(e.cacheCreationEphemeral5mInputTokens),
    cacheWrite1h: num(e.cacheCreationEphemeral1hInputTokens),
    cacheRead: e.cacheReadInputTokens,
  };
}
