/**
 * Reading one `result` event: its summary, its `modelUsage`, and a usage-limit reset
 * time hidden in the result text of older versions.
 * @module
 */
import {
  isJsonObject,
  type JsonObject,
  readCount,
  readFlag,
  readNumber,
  readObject,
  readString,
} from './json-fields.js';
import { readApiUsage } from './token-counts.js';
import type { ClaudeResultSummary } from './types.js';

/** One result event, read. */
export interface ResultEvent {
  summary: ClaudeResultSummary;
  /** `modelUsage`, or null when the event has none. */
  modelUsage: JsonObject | null;
  /** Epoch ms from a "Claude AI usage limit reached|<epoch seconds>" result text, or null. */
  limitResetsAt: number | null;
}

/** Longest error message kept. */
const MAX_ERROR_CHARS = 2000;
/** Result texts kept as an error message are cut to this (they are not stored otherwise). */
const MAX_RESULT_ERROR_CHARS = 500;
const USAGE_LIMIT = /usage limit reached\|(\d{9,13})/i;

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/** Reads a `result` event; `index` is its position among the output's result events. */
export function readResultEvent(event: JsonObject, index: number): ResultEvent {
  const isError = readFlag(event, 'is_error');
  const text = readString(event, 'result');
  const errors: string[] = [];
  const rawErrors = event.errors;
  if (Array.isArray(rawErrors)) {
    for (const e of rawErrors)
      errors.push(cut(typeof e === 'string' ? e : JSON.stringify(e), MAX_ERROR_CHARS));
  }
  // An API error ends a turn with is_error and the message as the result text.
  if (isError && errors.length === 0 && text !== null && text !== '')
    errors.push(cut(text, MAX_RESULT_ERROR_CHARS));
  const usage = readObject(event, 'usage');
  const origin = readObject(event, 'origin');
  const denials = event.permission_denials;
  const limit = text === null ? null : USAGE_LIMIT.exec(text);
  const stamp = limit?.[1] === undefined ? null : Number(limit[1]);
  const stopReason = readString(event, 'stop_reason');
  return {
    summary: {
      index,
      resultIndex: readCount(event, 'result_index'),
      subtype: readString(event, 'subtype'),
      isError,
      numTurns: readCount(event, 'num_turns'),
      durationMs: readCount(event, 'duration_ms'),
      durationApiMs: readCount(event, 'duration_api_ms'),
      totalCostUsd: readCount(event, 'total_cost_usd'),
      sessionId: readString(event, 'session_id'),
      stopReason,
      terminalReason: readString(event, 'terminal_reason'),
      apiErrorStatus: readNumber(event, 'api_error_status'),
      errors,
      permissionDenials: Array.isArray(denials) ? denials.length : 0,
      originKind: origin === null ? null : readString(origin, 'kind'),
      mainLoopUsage: usage === null ? null : readApiUsage(usage).value,
    },
    modelUsage: isJsonObject(event.modelUsage) ? event.modelUsage : null,
    limitResetsAt: stamp === null ? null : stamp < 1e12 ? stamp * 1000 : stamp,
  };
}
