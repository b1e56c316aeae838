/**
 * The stored form of "what drove a call" (see `call-activity-sql.ts` for the rule), the same on both
 * backends, so a report by tool, skill, MCP server or file reads no window over every usage row:
 *
 * - `call_driver`: per usage row and dimension (`kind`), each value of the dimension that drove the
 *   call, `(none)` or `(unknown)`: exactly the rows the read-time window joins. Rebuilt per dirty
 *   session (`activity_dirty`): triggers mark the session of every usage row inserted, deleted or
 *   moved in its thread order, and of every `call_activity` row written or deleted, so a late line
 *   in the middle of a thread, a call whose tool uses grow, a forgotten call all re-link the session.
 * - `activity_rollup`: the driven calls' usage by 15-minute bucket, dimension, value and the pricing
 *   key (as `usage_rollup`), plus kind `''`, each call once (the report's exact total). Rebuilt per
 *   dirty bucket (`activity_rollup_dirty`): the buckets of re-linked sessions' rows, and of rows whose
 *   sums or pricing key changed. A report filtered by dates only reads it; other filters join the
 *   usage rows to `call_driver`.
 * @module
 */
import { type ActivityDimension, NO_ACTIVITY_VALUE, UNKNOWN_ACTIVITY_VALUE } from './call-activity-sql.js';
import { cutDays, daySpanSql } from './day-spans.js';
import type { UsageFilter } from './usage-repository.js';
import { BUCKET_MS } from './usage-sums.js';

/** A dimension's value from `call_activity c` (null when the tool use gives it none). */
const VALUE: Record<ActivityDimension, string> = {
  tool: "CASE WHEN c.mcp_server IS NULL THEN c.tool ELSE 'mcp:' || c.mcp_server || '/' || c.tool END",
  mcpServer: 'c.mcp_server',
  skill: 'c.skill',
  file: 'c.file',
};

/** The kind of `activity_rollup` rows that hold each call once. */
export const WHOLE_KIND = '';

/** Every kind of `activity_rollup` rows, as an SQL list. */
export const ROLLUP_KINDS_SQL = [WHOLE_KIND, ...Object.keys(VALUE)].map((k) => `'${k}'`).join(', ');

/** A dimension's value of tool use `c` for the kind `d.kind`. */
const KIND_VALUE = `CASE d.kind ${Object.entries(VALUE)
  .map(([k, v]) => `WHEN '${k}' THEN ${v}`)
  .join(' ')} END`;

const KINDS = Object.keys(VALUE)
  .map((k) => `SELECT '${k}' AS kind`)
  .join(' UNION ALL ');

/**
 * The `call_driver` rows (usage_id, kind, value) of every usage row in a session of `sessions` (a
 * table of source and session_id: `activity_dirty`, or what a refresh took from it), possibly
 * repeated (the insert ignores repeats). The link is the read-time window's, restricted to those
 * sessions (a thread lies in one session). `textOrder` as in `activityJoins`; `join` joins the
 * sessions to their rows (SQLite: `CROSS JOIN`, which keeps the few marked sessions as the outer loop
 * instead of a scan of every usage row in thread order).
 */
export function driverRowsSql(textOrder: string, sessions: string, join = 'JOIN'): string {
  return `WITH s AS (
  SELECT u.id, u.dedup_key AS k, LAG(u.dedup_key) OVER (PARTITION BY u.source, u.session_id, u.agent_id, u.sidechain
      ORDER BY u.ts, u.dedup_key${textOrder}) AS prev
  FROM ${sessions} t ${join} usage u ON u.source = t.source AND u.session_id = t.session_id
), l AS (
  SELECT s.id, s.prev, CASE WHEN EXISTS (SELECT 1 FROM call_activity m WHERE m.dedup_key = s.prev)
      OR (s.prev IS NULL AND EXISTS (SELECT 1 FROM call_activity m WHERE m.dedup_key = s.k))
      THEN '${NO_ACTIVITY_VALUE}' ELSE '${UNKNOWN_ACTIVITY_VALUE}' END AS unset_value
  FROM s
)
SELECT l.id AS usage_id, d.kind, coalesce(${KIND_VALUE}, l.unset_value) AS value
FROM l CROSS JOIN (${KINDS}) d
LEFT JOIN call_activity c ON c.dedup_key = l.prev AND c.tool_use_id <> '' AND ${KIND_VALUE} IS NOT NULL`;
}

/** The usage ids of the sessions in `sessions` (as in {@link driverRowsSql}). */
export function sessionRowsSql(sessions: string, join = 'JOIN'): string {
  return `SELECT u.id FROM ${sessions} t ${join} usage u ON u.source = t.source AND u.session_id = t.session_id`;
}

/** The buckets of the usage rows in the sessions of `sessions`. */
export function sessionBucketsSql(sessions: string, join = 'JOIN'): string {
  return `SELECT DISTINCT u.ts / ${BUCKET_MS} FROM ${sessions} t
  ${join} usage u ON u.source = t.source AND u.session_id = t.session_id`;
}

/**
 * Joins of `usage u` to each activity dimension's stored values (`ca_<dim>.value`): one row per call
 * and distinct value, the rows `activityJoins` makes at read time. `join` as in {@link driverRowsSql}
 * (SQLite: the filtered usage rows stay the outer loop, not a scan of every link).
 */
export function driverJoins(dims: readonly string[], join = 'JOIN'): string {
  return dims
    .filter((d): d is ActivityDimension => d in VALUE)
    .map((d) => `${join} call_driver ca_${d} ON ca_${d}.usage_id = u.id AND ca_${d}.kind = '${d}'`)
    .join('\n');
}

/**
 * Whether `activity_rollup` gives a group query's rows: no dimension, or one activity dimension, and a
 * filter by whole 15-minute buckets of time only. The kind it reads, else null.
 */
export function rollupKind(dims: readonly string[], filter: UsageFilter, whole: boolean): string | null {
  const keys = Object.entries(filter)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
  if (keys.some((k) => k !== 'fromMs' && k !== 'toMs')) return null;
  const aligned = (ms: number | undefined) =>
    ms === undefined || (Number.isSafeInteger(ms) && ms % BUCKET_MS === 0);
  if (!aligned(filter.fromMs) || !aligned(filter.toMs)) return null;
  if (dims.length === 0) return whole ? WHOLE_KIND : null;
  const [d] = dims;
  return dims.length === 1 && d !== undefined && d in VALUE ? d : null;
}

/** Buckets per UTC day. */
export const DAY_BUCKETS = 96;

/** A part of a bucket range read from one table: the daily rollup (`day`) or the 15-minute one. */
export interface RollupPart {
  table: 'activity_rollup' | 'activity_rollup_day';
  unit: 'bucket' | 'day';
  from: number;
  to: number;
}

/**
 * Where the rows of buckets [from, to) are read: with the day grain, the whole UTC days from the
 * daily rollup and the buckets of the days cut at either end from the 15-minute one.
 */
export function rollupParts([from, to]: [number, number], grain: 'bucket' | 'day'): RollupPart[] {
  const bucket = (a: number, b: number): RollupPart => ({
    table: 'activity_rollup',
    unit: 'bucket',
    from: a,
    to: b,
  });
  if (grain === 'bucket') return [bucket(from, to)];
  const dayFrom = Math.max(Math.ceil(from / DAY_BUCKETS), 0);
  const dayTo = Math.floor(Math.min(to, Number.MAX_SAFE_INTEGER - DAY_BUCKETS) / DAY_BUCKETS);
  if (dayFrom >= dayTo) return [bucket(from, to)];
  const parts: RollupPart[] = [{ table: 'activity_rollup_day', unit: 'day', from: dayFrom, to: dayTo }];
  if (from < dayFrom * DAY_BUCKETS) parts.push(bucket(from, dayFrom * DAY_BUCKETS));
  if (dayTo * DAY_BUCKETS < to) parts.push(bucket(dayTo * DAY_BUCKETS, to));
  return parts;
}

/** The columns of the activity rollups that a read sums, in a raw group row's order. */
export const SUMMED = [
  'input_tokens',
  'output_tokens',
  'cache_write_tokens',
  'cache_write_1h_tokens',
  'cache_read_tokens',
  'web_search_requests',
  'reported_cost',
  'reported_rows',
  'responses',
  'lower_bound',
];

/**
 * The rows of `kind` in `parts` (see {@link rollupParts}) summed per span of UTC days between `cuts`
 * (see `GroupQuery.cuts`): one row per value, span and pricing key, with columns `value, bucket,
 * model, size_class, speed, geo`, the sums in the rollup's order (named as its columns), `first_ts,
 * last_ts`. `param(v)` gives the backend's placeholder for a parameter.
 */
export function rollupSpansSql(
  kind: string,
  parts: readonly RollupPart[],
  cuts: readonly number[],
  param: (v: string | number) => string,
): string {
  const selects = parts.map(
    (p) => `SELECT value, ${p.unit === 'day' ? 'day' : 'bucket / 96 AS day'}, model, size_class, speed, geo,
      has_reported, ${SUMMED.join(', ')}, first_ts, last_ts
    FROM ${p.table} WHERE kind = ${param(kind)} AND ${p.unit} >= ${param(p.from)} AND ${p.unit} < ${param(p.to)}`,
  );
  return `SELECT value, min(day) * 96 AS bucket, model, size_class, speed, geo,
    ${SUMMED.map((c) => `sum(${c}) AS ${c}`).join(', ')}, min(first_ts) AS first_ts, max(last_ts) AS last_ts
  FROM (${selects.join('\n  UNION ALL\n  ')}) p
  GROUP BY value, ${cutDays(cuts).length > 0 ? `${daySpanSql('day', cuts)}, ` : ''}model, size_class, speed, geo, has_reported`;
}

/** The bucket range [from, to) of a date filter (see {@link rollupKind}). */
export function bucketRange(filter: UsageFilter): [number, number] {
  return [
    filter.fromMs === undefined ? Number.MIN_SAFE_INTEGER : filter.fromMs / BUCKET_MS,
    filter.toMs === undefined ? Number.MAX_SAFE_INTEGER : filter.toMs / BUCKET_MS,
  ];
}
