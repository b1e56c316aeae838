/**
 * The activity rollup summed per span of constant prices (`activity_rollup_span`, the same on both
 * backends): a report by tool, skill, MCP server or file without a time dimension reads a row per
 * value, pricing key and span (see `GroupQuery.cuts`) for the spans its dates cover whole, instead of
 * a row per day. The table holds the spans of one set of cuts at a time (meta `activity_span_cuts`):
 * the first read with other cuts builds it from the daily rollup, and a refresh that rebuilds days
 * rebuilds the spans holding them, so it always sums what the daily rollup holds.
 * @module
 */
import { DAY_BUCKETS, type RollupPart, rollupParts, SUMMED } from './call-driver-sql.js';
import { cutDays, daySpanSql } from './day-spans.js';

/** The meta key naming the cuts `activity_rollup_span` was built for. */
export const SPAN_CUTS_META = 'activity_span_cuts';

/** The meta value of a set of cuts. */
export function spanCutsValue(cuts: readonly number[]): string {
  return JSON.stringify(cutDays(cuts));
}

/** The last day (exclusive) the daily rollup is read for, as `rollupParts` bounds it. */
export const DAY_LIMIT = Math.floor((Number.MAX_SAFE_INTEGER - DAY_BUCKETS) / DAY_BUCKETS);

/** The UTC days [from, to) of each span (by its number), within the daily rollup's days [0, DAY_LIMIT). */
export function spanBounds(cuts: readonly number[]): [number, number][] {
  const days = cutDays(cuts);
  const clip = (d: number) => Math.min(Math.max(d, 0), DAY_LIMIT);
  return [...days, DAY_LIMIT].map((hi, i) => [clip(i === 0 ? 0 : (days[i - 1] ?? 0)), clip(hi)]);
}

/** The numbers [from, to) of the spans whose days meet days [from, to). */
export function spansMeeting(cuts: readonly number[], from: number, to: number): number[] {
  return spanBounds(cuts).flatMap(([lo, hi], i) => (lo < hi && lo < to && from < hi ? [i] : []));
}

/** How a read of buckets `range` by spans goes: the spans it covers whole, and the rest of it. */
export interface SpanPlan {
  /** Span numbers [from, to) read from `activity_rollup_span`; null for none. */
  spans: [number, number] | null;
  /** The rest, summed per span from the daily and 15-minute rollups. */
  parts: RollupPart[];
}

export function spanPlan(range: [number, number], cuts: readonly number[]): SpanPlan {
  const parts = rollupParts(range, 'day');
  const day = parts.find((p) => p.unit === 'day');
  if (day === undefined) return { spans: null, parts };
  const whole = spanBounds(cuts)
    .map(([lo, hi], i) => ({ lo, hi, i }))
    .filter((s) => s.lo < s.hi && s.lo >= day.from && s.hi <= day.to);
  const first = whole[0];
  const last = whole[whole.length - 1];
  if (first === undefined || last === undefined) return { spans: null, parts };
  const rest = parts.filter((p) => p !== day);
  if (day.from < first.lo) rest.push({ ...day, to: first.lo });
  if (last.hi < day.to) rest.push({ ...day, from: last.hi });
  return { spans: [first.i, last.i + 1], parts: rest };
}

/** Inserts the span rows of the daily rows in days [`from`, `to`) (placeholders) for `cuts`. */
export function spanInsertSql(cuts: readonly number[], from: string, to: string): string {
  return `INSERT INTO activity_rollup_span (kind, span, value, model, size_class, speed, geo, has_reported,
    first_day, ${SUMMED.join(', ')}, first_ts, last_ts)
  SELECT kind, ${daySpanSql('day', cuts)}, value, model, size_class, speed, geo, has_reported, min(day),
    ${SUMMED.map((c) => `sum(${c})`).join(', ')}, min(first_ts), max(last_ts)
  FROM activity_rollup_day WHERE day >= ${from} AND day < ${to}
  GROUP BY kind, 2, value, model, size_class, speed, geo, has_reported`;
}

/**
 * Reads the rows of `kind` in spans [from, to) as a raw group row, if the span rollup holds the spans
 * of `cuts`: then one row at least (a row of nulls when none), else none (another process built it
 * for other cuts meanwhile; build it again and read again). `param(v)` gives a placeholder.
 */
export function spanReadSql(
  kind: string,
  [from, to]: [number, number],
  cuts: readonly number[],
  param: (v: string | number) => string,
): string {
  return `SELECT r.value, r.first_day * 96 AS bucket, r.model, r.size_class, r.speed, r.geo,
    ${SUMMED.map((c) => `r.${c}`).join(', ')}, r.first_ts, r.last_ts
  FROM meta m LEFT JOIN activity_rollup_span r
    ON r.kind = ${param(kind)} AND r.span >= ${param(from)} AND r.span < ${param(to)}
  WHERE m.key = '${SPAN_CUTS_META}' AND m.value = ${param(spanCutsValue(cuts))}`;
}
