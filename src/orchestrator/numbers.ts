/**
 * Checking and printing the numbers the orchestrator helpers take: token counts, costs, durations.
 * @module
 */

/**
 * Checks that `value` is a token count: a non-negative safe integer. Returns it; throws an Error
 * naming `what` (e.g. `usage["claude-x"].inputTokens`) otherwise.
 */
export function checkCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${what} must be a non-negative integer, got ${showValue(value)}`);
  }
  return value;
}

/** Like {@link checkCount}, but null passes (a count that was not reported). */
export function checkCountOrNull(value: unknown, what: string): number | null {
  return value === null ? null : checkCount(value, what);
}

/**
 * Checks that `value` is a finite number ≥ 0 (a cost, a duration, a number of turns) or null.
 * Returns it; throws an Error naming `what` otherwise.
 */
export function checkAmountOrNull(value: unknown, what: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${what} must be a finite number ≥ 0 or null, got ${showValue(value)}`);
  }
  return value;
}

/** Sum of two counts; throws when it is no longer a safe integer. */
export function addCounts(a: number, b: number, what: string): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new Error(`${what} overflows: ${a} + ${b}`);
  return sum;
}

/** Sum of two dollar amounts, rounded to 1e-10 USD so that float noise (0.1 + 0.2) does not pile up. */
export function addUsd(a: number, b: number): number {
  return Math.round((a + b) * 1e10) / 1e10;
}

/**
 * The cache hit rate: `cacheRead / (cacheRead + input)`, a fraction in [0, 1]. Null when both
 * are 0 (no input at all, so there is no rate rather than a rate of 0). Cache writes are not counted.
 */
export function cacheHitRate(cacheReadTokens: number, inputTokens: number): number | null {
  const base = cacheReadTokens + inputTokens;
  return base === 0 ? null : cacheReadTokens / base;
}

/** A fraction as a percentage with one decimal (`0.8904` → `89.0%`); `n/a` for null. */
export function formatPercent(fraction: number | null): string {
  return fraction === null ? 'n/a' : `${(fraction * 100).toFixed(1)}%`;
}

/** `12345678` → `12,345,678` (no locale: the same output everywhere). */
export function groupDigits(n: number): string {
  const [whole = '', fraction] = String(n).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** Dollars for people: `$1.23`; amounts below one cent keep 4 decimals (`$0.0042`) so they do not read as 0. */
export function formatUsd(usd: number): string {
  return usd > 0 && usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** A value for an error message: JSON when possible, else its type. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value);
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}
