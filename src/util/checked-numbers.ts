/**
 * Checking the numbers the orchestrator helpers and the `.token-usage/` writers take (token counts,
 * costs, durations) and adding them without losing precision. They are printed with `util/format.ts`.
 * @module
 */
import { addTokenCounts, type TokenCounts } from './token-counts.js';

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

/** Internal token fields and the names a public shape gives them, in the order that shape writes them. */
export type TokenFieldNames = readonly (readonly [keyof TokenCounts, string])[];

/**
 * Adds `from` into `into` with {@link addTokenCounts}, after checking that none of the `names`d
 * fields leaves the safe integers; the Error names the field as the public shape does
 * (`${what}.inputTokens overflows: a + b`). Nothing is added when it throws.
 */
export function addTokenCountsChecked(
  into: TokenCounts,
  from: TokenCounts,
  names: TokenFieldNames,
  what: string,
): void {
  for (const [field, name] of names) addCounts(into[field], from[field], `${what}.${name}`);
  addTokenCounts(into, from);
}

/** Sum of two dollar amounts, rounded to 1e-10 USD so that float noise (0.1 + 0.2) does not pile up. */
export function addUsd(a: number, b: number): number {
  return Math.round((a + b) * 1e10) / 1e10;
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
