/**
 * Upkeep and reads of what drove each call in the SQLite ledger (`call_driver`, `activity_rollup`;
 * see `call-driver-sql.ts`): triggers mark sessions and buckets, a refresh re-links the marked
 * sessions, then rebuilds the marked buckets.
 * @module
 */

import {
  DAY_LIMIT,
  SPAN_CUTS_META,
  spanBounds,
  spanCutsValue,
  spanInsertSql,
  spanPlan,
  spanReadSql,
  spansMeeting,
} from '../activity-spans-sql.js';
import {
  type bucketRange,
  driverRowsSql,
  ROLLUP_KINDS_SQL,
  rollupParts,
  rollupSpansSql,
  sessionBucketsSql,
  sessionRowsSql,
  WHOLE_KIND,
} from '../call-driver-sql.js';
import { DAY_MS } from '../day-spans.js';
import type { GroupRow } from '../usage-repository.js';
import { BUCKET_MS } from '../usage-sums.js';
import { metaValue } from './meta-values.js';
import { type RawGroupRow, rawGroupRow, sizeClassSql } from './sql.js';
import type { Statements } from './statements.js';

const SUMS = `sum(u.input_tokens), sum(u.output_tokens), sum(u.cache_write_tokens), sum(u.cache_write_1h_tokens),
  sum(u.cache_read_tokens), sum(u.web_search_requests), coalesce(sum(u.reported_cost), 0), count(u.reported_cost),
  count(*), sum(1 - u.output_final), min(u.ts), max(u.ts)`;
const KEY = `u.model, ${sizeClassSql('u.')}, coalesce(u.speed, ''), coalesce(u.geo, ''), u.reported_cost IS NOT NULL`;
const COLUMNS = `kind, bucket, value, model, size_class, speed, geo, has_reported, input_tokens, output_tokens,
  cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests, reported_cost, reported_rows,
  responses, lower_bound, first_ts, last_ts`;

/** Rebuilds the rows of buckets [?, ?) (twice the range: the driven calls, then each call once). */
const REBUILD = `INSERT INTO activity_rollup (${COLUMNS})
  SELECT d.kind, u.ts / ${BUCKET_MS}, d.value, ${KEY}, ${SUMS}
  FROM usage u JOIN call_driver d ON d.usage_id = u.id WHERE u.ts >= ? AND u.ts < ?
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
  UNION ALL
  SELECT '${WHOLE_KIND}', u.ts / ${BUCKET_MS}, '', ${KEY}, ${SUMS}
  FROM usage u WHERE u.ts >= ? AND u.ts < ?
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;

/** Rebuilds the daily rows of the buckets [?, ?) (whole days) from the 15-minute ones. */
const REBUILD_DAYS = `INSERT INTO activity_rollup_day (${COLUMNS.replace('bucket', 'day')})
  SELECT kind, bucket / 96, value, model, size_class, speed, geo, has_reported, sum(input_tokens), sum(output_tokens),
    sum(cache_write_tokens), sum(cache_write_1h_tokens), sum(cache_read_tokens), sum(web_search_requests),
    sum(reported_cost), sum(reported_rows), sum(responses), sum(lower_bound), min(first_ts), max(last_ts)
  FROM activity_rollup WHERE kind IN (${ROLLUP_KINDS_SQL}) AND bucket >= ? AND bucket < ?
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;

/** Nearby dirty buckets (within a day) are rebuilt as one range. */
const MERGE_GAP = 96;

/** Brings `call_driver` and `activity_rollup` up to date (a write transaction, only when something is marked). */
export function refreshActivity(s: Statements): void {
  const marked = () =>
    s.get('SELECT 1 FROM activity_dirty LIMIT 1').get() !== undefined ||
    s.get('SELECT 1 FROM activity_rollup_dirty LIMIT 1').get() !== undefined;
  if (!marked()) return;
  s.write(() => {
    relinkSessions(s);
    rebuildBuckets(s);
  });
}

/** Links every call of the marked sessions again; marks their buckets. */
function relinkSessions(s: Statements): void {
  if (s.get('SELECT 1 FROM activity_dirty LIMIT 1').get() === undefined) return;
  s.get(
    `DELETE FROM call_driver WHERE usage_id IN (${sessionRowsSql('activity_dirty', 'CROSS JOIN')})`,
  ).run();
  s.get(
    `INSERT OR IGNORE INTO activity_rollup_dirty (bucket) ${sessionBucketsSql('activity_dirty', 'CROSS JOIN')}`,
  ).run();
  s.get(
    `INSERT OR IGNORE INTO call_driver (usage_id, kind, value) ${driverRowsSql('', 'activity_dirty', 'CROSS JOIN')}`,
  ).run();
  s.get('DELETE FROM activity_dirty').run();
}

/** Builds `activity_rollup_span` for `cuts` unless it holds their spans already. */
function keepSpans(s: Statements, cuts: readonly number[]): void {
  const value = spanCutsValue(cuts);
  if (metaValue(s, SPAN_CUTS_META) === value) return;
  s.write(() => {
    if (metaValue(s, SPAN_CUTS_META) === value) return;
    s.get('DELETE FROM activity_rollup_span').run();
    s.get(spanInsertSql(cuts, '?', '?')).run(0, DAY_LIMIT);
    s.get(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(SPAN_CUTS_META, value);
  });
}

/** The rows of spans [from, to) from the span rollup, built for `cuts` first when it holds other cuts. */
function spanRows(
  s: Statements,
  kind: string,
  spans: [number, number],
  cuts: readonly number[],
  read: (sql: string, params: (string | number)[]) => RawGroupRow[],
  valuesOf: (r: RawGroupRow) => Record<string, string>,
): GroupRow[] {
  for (;;) {
    keepSpans(s, cuts);
    const params: (string | number)[] = [];
    const rows = read(
      spanReadSql(kind, spans, cuts, (v) => {
        params.push(v);
        return '?';
      }),
      params,
    );
    // None: another process built the span rollup for other cuts between the two statements.
    if (rows.length > 0)
      return rows.filter((r) => r[0] !== null).map((r) => rawGroupRow(r, valuesOf(r), r[1]));
  }
}

/** Rebuilds the spans (of the cuts the span rollup holds, if any) that meet the rebuilt days. */
function rebuildSpans(s: Statements, days: readonly [number, number][]): void {
  const value = metaValue(s, SPAN_CUTS_META);
  if (value === null) return;
  const cuts = (JSON.parse(value) as number[]).map((d) => d * DAY_MS);
  const bounds = spanBounds(cuts);
  const spans = new Set(days.flatMap(([from, to]) => spansMeeting(cuts, from, to)));
  const del = s.get('DELETE FROM activity_rollup_span WHERE span = ?');
  const ins = s.get(spanInsertSql(cuts, '?', '?'));
  for (const i of spans) {
    del.run(i);
    ins.run(...(bounds[i] ?? [0, 0]));
  }
}

function rebuildBuckets(s: Statements): void {
  const sorted = s.get('SELECT bucket FROM activity_rollup_dirty ORDER BY bucket').pluck().all() as number[];
  if (sorted.length === 0) return;
  s.get('DELETE FROM activity_rollup_dirty').run();
  const del = s.get(
    `DELETE FROM activity_rollup WHERE kind IN (${ROLLUP_KINDS_SQL}) AND bucket >= ? AND bucket < ?`,
  );
  const ins = s.get(REBUILD);
  const delDays = s.get(
    `DELETE FROM activity_rollup_day WHERE kind IN (${ROLLUP_KINDS_SQL}) AND day >= ? AND day < ?`,
  );
  const insDays = s.get(REBUILD_DAYS);
  let start = sorted[0] ?? 0;
  let end = start + 1;
  const days: [number, number][] = [];
  const flush = () => {
    del.run(start, end);
    ins.run(start * BUCKET_MS, end * BUCKET_MS, start * BUCKET_MS, end * BUCKET_MS);
    const fromDay = Math.floor(start / 96);
    const toDay = Math.ceil(end / 96);
    delDays.run(fromDay, toDay);
    insDays.run(fromDay * 96, toDay * 96);
    days.push([fromDay, toDay]);
  };
  for (const b of sorted.slice(1)) {
    if (b - end <= MERGE_GAP) end = b + 1;
    else {
      flush();
      start = b;
      end = b + 1;
    }
  }
  flush();
  rebuildSpans(s, days);
}

/**
 * The rows `groups` gives for `kind` (one activity dimension, or {@link WHOLE_KIND} for none) and a
 * filter by whole buckets, read from `activity_rollup`.
 */
export function rollupGroups(
  s: Statements,
  kind: string,
  dimension: string | undefined,
  range: ReturnType<typeof bucketRange>,
  grain: 'bucket' | 'day',
  cuts?: readonly number[],
): GroupRow[] {
  refreshActivity(s);
  const out: GroupRow[] = [];
  const valuesOf = (r: RawGroupRow) => (dimension === undefined ? {} : { [dimension]: r[0] });
  if (grain === 'day' && cuts !== undefined) {
    const plan = spanPlan(range, cuts);
    const read = (sql: string, params: (string | number)[]) =>
      s
        .get(sql)
        .raw()
        .all(...params) as RawGroupRow[];
    if (plan.spans !== null) out.push(...spanRows(s, kind, plan.spans, cuts, read, valuesOf));
    if (plan.parts.length > 0) {
      const params: (string | number)[] = [];
      const sql = rollupSpansSql(kind, plan.parts, cuts, (v) => {
        params.push(v);
        return '?';
      });
      for (const r of read(sql, params)) out.push(rawGroupRow(r, valuesOf(r), r[1]));
    }
    return out;
  }
  for (const part of rollupParts(range, grain)) {
    // Rows of one table are one per key already; only buckets summed into days need grouping.
    const grouped = part.unit === 'bucket' && grain === 'day';
    const sums = grouped
      ? READ_SUMS.map((c) => `${c === 'first_ts' ? 'min' : c === 'last_ts' ? 'max' : 'sum'}(${c})`)
      : READ_SUMS;
    const bucket = part.unit === 'day' ? 'day * 96' : grouped ? '(bucket / 96) * 96' : 'bucket';
    const read = s
      .get(
        `SELECT value, ${bucket}, model, size_class, speed, geo, ${sums.join(', ')}
        FROM ${part.table} WHERE kind = ? AND ${part.unit} >= ? AND ${part.unit} < ?
        ${grouped ? 'GROUP BY 1, 2, 3, 4, 5, 6, has_reported' : ''}`,
      )
      .raw();
    for (const r of read.all(kind, part.from, part.to) as RawGroupRow[]) {
      out.push(rawGroupRow(r, valuesOf(r), r[1]));
    }
  }
  return out;
}

/** The summed columns read back, in {@link RawGroupRow}'s order. */
const READ_SUMS = [
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
  'first_ts',
  'last_ts',
];
