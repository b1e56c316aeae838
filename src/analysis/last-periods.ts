/**
 * ccusage's `--last N`: the last N days, weeks or months, the current one included (1 is today, this
 * week or this month), as the first local date of the range.
 * @module
 */
import { ExitCode, UserError } from '../util/errors.js';
import type { Period } from './reports.js';
import { addDays, type WeekStart, type ZonedClock } from './zoned-time.js';

/** Parses `--last`'s value: a whole number of periods, 1 or more. */
export function parseLast(value: string): number {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new UserError(
      `--last "${value}" is not a number of periods; use a whole number, 1 or more (1 = the current one).`,
      ExitCode.usage,
    );
  }
  return n;
}

/** The first local date (YYYY-MM-DD) of the last `n` periods up to the one holding `nowMs`. */
export function lastPeriodsSince(
  period: Period,
  n: number,
  clock: ZonedClock,
  weekStart: WeekStart,
  nowMs: number,
): string {
  if (period === 'day') return addDays(clock.dateOf(nowMs), -(n - 1));
  if (period === 'week') return addDays(clock.weekOf(nowMs, weekStart), -7 * (n - 1));
  const [y, m] = clock.monthOf(nowMs).split('-').map(Number) as [number, number];
  const months = y * 12 + (m - 1) - (n - 1);
  return `${String(Math.floor(months / 12)).padStart(4, '0')}-${String((months % 12) + 1).padStart(2, '0')}-01`;
}
