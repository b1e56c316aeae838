/**
 * Spans of UTC days between cuts (the instants dated prices change): a group query without a time
 * dimension may sum each span's days into one row (`GroupQuery.cuts`), since a span's usage has the
 * same prices throughout. A day belongs to the span of the last cut at or before its start, so a day
 * is priced as the `day` grain prices it (at its start).
 * @module
 */

/** Milliseconds per UTC day. */
export const DAY_MS = 86_400_000;

/** The UTC day each span after a cut starts at, ascending, without repeats. */
export function cutDays(cuts: readonly number[]): number[] {
  const days = cuts.map((c) => Math.ceil(c / DAY_MS)).filter(Number.isSafeInteger);
  return [...new Set(days)].sort((a, b) => a - b);
}

/**
 * SQL of the span of the UTC day number `day` (an integer expression): 0 before the first cut, i
 * from the i-th on; `0` without cuts (never a GROUP BY term then: a number there names a column).
 * The same on both backends.
 */
export function daySpanSql(day: string, cuts: readonly number[]): string {
  const days = cutDays(cuts);
  if (days.length === 0) return '0';
  return `CASE ${days.map((d, i) => `WHEN ${day} < ${d} THEN ${i}`).join(' ')} ELSE ${days.length} END`;
}
