/**
 * The one internal shape of token counts, for one API response or any sum of them, and the
 * arithmetic on it: every stage (capture, ledger, pricing, analysis, the front ends and the
 * orchestrator helpers) counts tokens in {@link TokenCounts}. Shapes other programs read (the
 * library's types, JSON output, state files) are converted from and to it where they are read or
 * written.
 * @module
 */

/** Token counts. Cache writes are split by TTL: `cacheWrite` is the total, `cacheWrite1h` ⊂ it. */
export interface TokenCounts {
  /** Uncached input tokens. */
  input: number;
  output: number;
  /** Cache writes, every TTL. */
  cacheWrite: number;
  /** The cache writes with the 1-hour TTL (priced higher); part of `cacheWrite`, not added to it. */
  cacheWrite1h: number;
  cacheRead: number;
  /** Web search requests. */
  webSearch: number;
}

/** All-zero counts. */
export function emptyTokenCounts(): TokenCounts {
  return { input: 0, output: 0, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0 };
}

/** Adds `from` into `into`, field by field (mutates and returns `into`; other fields of `into` stay). */
export function addTokenCounts<T extends TokenCounts>(into: T, from: TokenCounts): T {
  into.input += from.input;
  into.output += from.output;
  into.cacheWrite += from.cacheWrite;
  into.cacheWrite1h += from.cacheWrite1h;
  into.cacheRead += from.cacheRead;
  into.webSearch += from.webSearch;
  return into;
}

/**
 * The field-wise maximum of `into` and `from` into `into` (mutates and returns `into`): how the
 * lines of one response merge, since each repeats the response's usage so far.
 */
export function maxTokenCounts<T extends TokenCounts>(into: T, from: TokenCounts): T {
  into.input = Math.max(into.input, from.input);
  into.output = Math.max(into.output, from.output);
  into.cacheWrite = Math.max(into.cacheWrite, from.cacheWrite);
  into.cacheWrite1h = Math.max(into.cacheWrite1h, from.cacheWrite1h);
  into.cacheRead = Math.max(into.cacheRead, from.cacheRead);
  into.webSearch = Math.max(into.webSearch, from.webSearch);
  return into;
}

/** Total tokens as ccusage counts them: input + output + cache writes + cache reads (not web searches). */
export function totalTokens(t: TokenCounts): number {
  return t.input + t.output + t.cacheWrite + t.cacheRead;
}

/**
 * The cache hit rate: the share of prompt tokens served from cache, `cacheRead / (cacheRead +
 * input)`, a fraction in [0, 1]. Null when both are 0 (no prompt input at all, so there is no rate
 * rather than a rate of 0). Cache writes are not counted. Every report, file and summary uses this
 * one formula.
 */
export function cacheHitRate(cacheReadTokens: number, inputTokens: number): number | null {
  const base = cacheReadTokens + inputTokens;
  return base === 0 ? null : cacheReadTokens / base;
}
