/**
 * Per-model token usage in an orchestrator's state files: a task's `task.state.json`
 * keeps it under `tokenUsage`, a sequence's `sequence.state.json` under `stats.totalTokenUsage`,
 * both as {@link ModelTokenUsage}. The merges add counts into what the file already holds, leave
 * every other field as it was, and replace the file atomically.
 *
 * The files are owned by the orchestrator, which creates them: a merge into a file that does not
 * exist throws rather than creating a state file with nothing but token counts in it. The merges are
 * synchronous, so calls from one process never interleave; two processes merging into the same file
 * at the same moment can lose one update (the orchestrator is meant to be the only writer).
 * @module
 */
import { fromClaudeTokenCounts } from '../capture/claude/stream/token-counts.js';
import type { ClaudeRunResult } from '../capture/claude/stream/types.js';
import {
  addTokenCountsChecked,
  checkCount,
  showValue,
  type TokenFieldNames,
} from '../util/checked-numbers.js';
import { isJsonObject, type JsonObject } from '../util/json-object.js';
import { emptyTokenCounts, type TokenCounts } from '../util/token-counts.js';
import { readJsonObjectFile, writeJsonFileAtomic } from './json-file.js';

/** Token counts of one model (`TokenUsage`; names follow Claude Code's `modelUsage`). */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

/** Token counts per model name (`ModelTokenUsage`). */
export type ModelTokenUsage = Record<string, TokenUsage>;

/** The four fields of a {@link TokenUsage}, in the order they are written. */
export const TOKEN_USAGE_FIELDS = [
  'inputTokens',
  'outputTokens',
  'cacheCreationInputTokens',
  'cacheReadInputTokens',
] as const satisfies readonly (keyof TokenUsage)[];

/** The internal counts each field of a {@link TokenUsage} holds, in the order they are written. */
const TOKEN_USAGE_NAMES = [
  ['input', 'inputTokens'],
  ['output', 'outputTokens'],
  ['cacheWrite', 'cacheCreationInputTokens'],
  ['cacheRead', 'cacheReadInputTokens'],
] as const satisfies TokenFieldNames;

/** All-zero counts. */
export function zeroTokenUsage(): TokenUsage {
  return { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
}

/** `t` as a state file writes it (the four fields; the 1-hour split and web searches are not kept). */
function toTokenUsage(t: TokenCounts): TokenUsage {
  const u = zeroTokenUsage();
  for (const [field, name] of TOKEN_USAGE_NAMES) u[name] = t[field];
  return u;
}

/** The counts of a state file's {@link TokenUsage}. */
function fromTokenUsage(u: TokenUsage): TokenCounts {
  const t = emptyTokenCounts();
  for (const [field, name] of TOKEN_USAGE_NAMES) t[field] = u[name];
  return t;
}

/** `sum` (the counts of a model so far, or none) plus `add`; throws, naming `what`, on overflow. */
function addUsage(sum: TokenUsage | undefined, add: TokenUsage, what: string): TokenUsage {
  const counts = sum === undefined ? emptyTokenCounts() : fromTokenUsage(sum);
  addTokenCountsChecked(counts, fromTokenUsage(add), TOKEN_USAGE_NAMES, what);
  return toTokenUsage(counts);
}

/**
 * Checks every count of `usage` (non-negative integers, all four fields present) and returns a copy
 * holding only the four fields. `what` names the value in the error, e.g. `usage`.
 */
export function checkModelUsage(usage: ModelTokenUsage, what = 'usage'): ModelTokenUsage {
  if (!isJsonObject(usage)) throw new Error(`${what} must be an object of model → token counts`);
  const out: ModelTokenUsage = {};
  for (const [model, counts] of Object.entries(usage)) {
    const at = `${what}[${JSON.stringify(model)}]`;
    if (!isJsonObject(counts))
      throw new Error(`${at} must be an object of token counts, got ${showValue(counts)}`);
    const copy = zeroTokenUsage();
    for (const field of TOKEN_USAGE_FIELDS) copy[field] = checkCount(counts[field], `${at}.${field}`);
    out[model] = copy;
  }
  return out;
}

/**
 * `a` plus `b`, model by model (a model in only one of them is copied). Pure: neither input is
 * changed. Throws when a count is missing, negative, not an integer or not finite.
 */
export function addModelUsage(a: ModelTokenUsage, b: ModelTokenUsage): ModelTokenUsage {
  const out = checkModelUsage(a, 'a');
  for (const [model, counts] of Object.entries(checkModelUsage(b, 'b'))) {
    out[model] = addUsage(out[model], counts, JSON.stringify(model));
  }
  return out;
}

/**
 * The per-model token counts of one `claude -p` run: {@link ClaudeRunResult.models} without the
 * cost, 1-hour cache split and web searches. A run with no usable usage (`source: 'none'`) gives `{}`.
 * Like `models`, the counts of a `--resume`d session are cumulative over the session.
 */
export function usageFromRun(result: ClaudeRunResult): ModelTokenUsage {
  const out: ModelTokenUsage = {};
  for (const [model, m] of Object.entries(result.models)) {
    out[model] = toTokenUsage(fromClaudeTokenCounts(m));
  }
  return checkModelUsage(out, 'run usage');
}

/**
 * Adds `usage` into the `ModelTokenUsage` object `stored` (changed in place) and returns the counts
 * it holds afterwards, every model included. Other keys of a stored model entry are kept; a count
 * missing from an entry counts as 0 (partial data). Every stored entry is checked before
 * anything is changed: one of the wrong type throws an Error naming `file` and `where`.
 */
function mergeInto(stored: JsonObject, usage: ModelTokenUsage, file: string, where: string): ModelTokenUsage {
  const totals: ModelTokenUsage = {};
  for (const [model, entry] of Object.entries(stored)) {
    const at = `${where}[${JSON.stringify(model)}]`;
    if (!isJsonObject(entry)) {
      throw new Error(`${file}: ${at} is ${showValue(entry)}, not an object; it was left unchanged`);
    }
    const counts = zeroTokenUsage();
    for (const field of TOKEN_USAGE_FIELDS) counts[field] = storedCount(entry[field], file, `${at}.${field}`);
    totals[model] = counts;
  }
  for (const [model, add] of Object.entries(usage)) {
    const sum = addUsage(totals[model], add, `${file}: ${where}[${JSON.stringify(model)}]`);
    totals[model] = sum;
    const entry = stored[model];
    stored[model] = { ...(isJsonObject(entry) ? entry : {}), ...sum };
  }
  return totals;
}

/** A count read from a state file: missing or null is 0; anything but a count throws. */
function storedCount(value: unknown, file: string, where: string): number {
  if (value === undefined || value === null) return 0;
  try {
    return checkCount(value, where);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}; it was left unchanged`);
  }
}

/** `obj[key]` as an object to merge into: a new one when missing or null; throws on anything else. */
function objectAt(obj: JsonObject, key: string, file: string, where: string): JsonObject {
  const value = obj[key];
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value)) {
    throw new Error(`${file}: ${where} is ${showValue(value)}, not an object; it was left unchanged`);
  }
  return value;
}

/**
 * Adds `usage` into the `tokenUsage` of the task state file `file` (creating `tokenUsage` when it is
 * missing or null) and rewrites the file atomically; every other field is left as it was. Returns the
 * file's `tokenUsage` after the merge.
 *
 * Throws, leaving the file unchanged, when `usage` has a bad count, the file does not exist, is not
 * valid JSON, is not an object, or its `tokenUsage` is not an object of counts.
 */
export function mergeTaskTokenUsage(file: string, usage: ModelTokenUsage): ModelTokenUsage {
  const add = checkModelUsage(usage);
  const { value: state, indent } = readJsonObjectFile(file);
  const tokenUsage = objectAt(state, 'tokenUsage', file, 'tokenUsage');
  const totals = mergeInto(tokenUsage, add, file, 'tokenUsage');
  state.tokenUsage = tokenUsage;
  writeJsonFileAtomic(file, state, indent);
  return totals;
}

/**
 * Adds `usage` into `stats.totalTokenUsage` of the sequence state file `file` and rewrites the file
 * atomically. When `stats` is null (or missing) it becomes `{ totalTokenUsage }` and nothing else;
 * other keys of an existing `stats` (`totalDuration`, …) are left as they were. Returns the file's
 * `stats.totalTokenUsage` after the merge.
 *
 * Throws, leaving the file unchanged, for the same reasons as {@link mergeTaskTokenUsage}, or when
 * `stats` is neither null nor an object.
 */
export function mergeSequenceTokenUsage(file: string, usage: ModelTokenUsage): ModelTokenUsage {
  const add = checkModelUsage(usage);
  const { value: state, indent } = readJsonObjectFile(file);
  const stats = objectAt(state, 'stats', file, 'stats');
  const total = objectAt(stats, 'totalTokenUsage', file, 'stats.totalTokenUsage');
  const totals = mergeInto(total, add, file, 'stats.totalTokenUsage');
  stats.totalTokenUsage = total;
  state.stats = stats;
  writeJsonFileAtomic(file, state, indent);
  return totals;
}
