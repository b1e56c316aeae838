/**
 * Upkeep and reads of what drove each call in the PostgreSQL ledger (`call_driver`,
 * `activity_rollup`; see `call-driver-sql.ts`), as the SQLite store's call-drivers.ts: triggers mark
 * sessions and buckets, a refresh (one at a time, under an advisory lock) takes the marks, re-links
 * the marked sessions, then rebuilds the marked buckets.
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
import type { PgDb, PgQueryable } from './connection.js';
import { LOCKS } from './migrations.js';
import { pricedSums, ROLLUP_SUMS, type RollupDbRow, sizeClassSql } from './sql.js';

const SUMS = `sum(u.input_tokens), sum(u.output_tokens), sum(u.cache_write_tokens), sum(u.cache_write_1h_tokens),
  sum(u.cache_read_tokens), sum(u.web_search_requests), coalesce(sum(u.reported_cost), 0), count(u.reported_cost),
  count(*), sum(1 - u.output_final), min(u.ts), max(u.ts)`;
const KEY = `u.model, ${sizeClassSql('u.')}, coalesce(u.speed, ''), coalesce(u.geo, ''), (u.reported_cost IS NOT NULL)::int`;
const COLUMNS = `kind, bucket, value, model, size_class, speed, geo, has_reported, input_tokens, output_tokens,
  cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests, reported_cost, reported_rows,
  responses, lower_bound, first_ts, last_ts`;
/** Dirty buckets closer than this (a day) are rebuilt as one range. */
const MERGE_GAP = 96;

/** Brings `call_driver` and `activity_rollup` up to date (only when something is marked). */
export async function refreshActivity(db: PgDb): Promise<void> {
  const [any] = await db.query<{ dirty: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM activity_dirty) OR EXISTS (SELECT 1 FROM activity_rollup_dirty) AS dirty',
  );
  if (any?.dirty !== true) return;
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.activity]);
    await relinkSessions(tx);
    await rebuildBuckets(tx);
  });
}

async function relinkSessions(tx: PgQueryable): Promise<void> {
  await tx.query(
    `CREATE TEMP TABLE activity_relink ON COMMIT DROP AS
     WITH d AS (DELETE FROM activity_dirty RETURNING source, session_id) SELECT * FROM d`,
  );
  await tx.query(`DELETE FROM call_driver WHERE usage_id IN (${sessionRowsSql('activity_relink')})`);
  await tx.query(
    `INSERT INTO activity_rollup_dirty (bucket) ${sessionBucketsSql('activity_relink')} ON CONFLICT DO NOTHING`,
  );
  await tx.query(
    `INSERT INTO call_driver (usage_id, kind, value) ${driverRowsSql(' COLLATE "C"', 'activity_relink')}
     ON CONFLICT DO NOTHING`,
  );
}

/** Sorted buckets as ranges [from, to), nearby ones merged. */
function ranges(sorted: readonly number[]): [number[], number[]] {
  const from: number[] = [];
  const to: number[] = [];
  for (const b of sorted) {
    const last = to.length - 1;
    if (last >= 0 && b - (to[last] ?? 0) <= MERGE_GAP) to[last] = b + 1;
    else {
      from.push(b);
      to.push(b + 1);
    }
  }
  return [from, to];
}

async function rebuildBuckets(tx: PgQueryable): Promise<void> {
  const marked = await tx.query<{ bucket: number }>('DELETE FROM activity_rollup_dirty RETURNING bucket');
  if (marked.length === 0) return;
  const [from, to] = ranges(marked.map((r) => Number(r.bucket)).sort((a, b) => a - b));
  await tx.query(
    `DELETE FROM activity_rollup r USING unnest($1::bigint[], $2::bigint[]) AS g (a, b)
     WHERE r.kind IN (${ROLLUP_KINDS_SQL}) AND r.bucket >= g.a AND r.bucket < g.b`,
    [from, to],
  );
  const range = `unnest($1::bigint[], $2::bigint[]) AS g (a, b)
     JOIN usage u ON u.ts >= g.a * ${BUCKET_MS} AND u.ts < g.b * ${BUCKET_MS}`;
  await tx.query(
    `INSERT INTO activity_rollup (${COLUMNS})
     SELECT d.kind, u.ts / ${BUCKET_MS}, d.value, ${KEY}, ${SUMS}
     FROM ${range} JOIN call_driver d ON d.usage_id = u.id
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
     UNION ALL
     SELECT '${WHOLE_KIND}', u.ts / ${BUCKET_MS}, '', ${KEY}, ${SUMS}
     FROM ${range}
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
    [from, to],
  );
  const fromDay = from.map((b) => Math.floor(b / 96));
  const toDay = to.map((b) => Math.ceil(b / 96));
  await tx.query(
    `DELETE FROM activity_rollup_day r USING unnest($1::bigint[], $2::bigint[]) AS g (a, b)
     WHERE r.kind IN (${ROLLUP_KINDS_SQL}) AND r.day >= g.a AND r.day < g.b`,
    [fromDay, toDay],
  );
  await tx.query(
    `INSERT INTO activity_rollup_day (${COLUMNS.replace('bucket', 'day')})
     SELECT r.kind, r.bucket / 96, r.value, r.model, r.size_class, r.speed, r.geo, r.has_reported, ${ROLLUP_SUMS},
       min(r.first_ts), max(r.last_ts)
     FROM unnest($1::bigint[], $2::bigint[]) AS g (a, b)
     JOIN activity_rollup r ON r.kind IN (${ROLLUP_KINDS_SQL}) AND r.bucket >= g.a * 96 AND r.bucket < g.b * 96
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
    [fromDay, toDay],
  );
  await rebuildSpans(
    tx,
    fromDay.map((f, i): [number, number] => [f, toDay[i] ?? f]),
  );
}

/** The cuts `activity_rollup_span` holds the spans of, or null. */
async function spanCuts(db: PgQueryable): Promise<string | null> {
  const [row] = await db.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [SPAN_CUTS_META]);
  return row?.value ?? null;
}

/** Builds `activity_rollup_span` for `cuts` unless it holds their spans already. */
async function keepSpans(db: PgDb, cuts: readonly number[]): Promise<void> {
  const value = spanCutsValue(cuts);
  if ((await spanCuts(db)) === value) return;
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.activity]);
    if ((await spanCuts(tx)) === value) return;
    await tx.query('DELETE FROM activity_rollup_span');
    await tx.query(spanInsertSql(cuts, '$1::bigint', '$2::bigint'), [0, DAY_LIMIT]);
    await tx.query(
      'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
      [SPAN_CUTS_META, value],
    );
  });
}

/** Rebuilds the spans (of the cuts the span rollup holds, if any) that meet the rebuilt days. */
async function rebuildSpans(tx: PgQueryable, days: readonly [number, number][]): Promise<void> {
  const value = await spanCuts(tx);
  if (value === null) return;
  const cuts = (JSON.parse(value) as number[]).map((d) => d * DAY_MS);
  const bounds = spanBounds(cuts);
  for (const i of new Set(days.flatMap(([from, to]) => spansMeeting(cuts, from, to)))) {
    await tx.query('DELETE FROM activity_rollup_span WHERE span = $1', [i]);
    await tx.query(spanInsertSql(cuts, '$1::bigint', '$2::bigint'), bounds[i] ?? [0, 0]);
  }
}

/**
 * The rows `groups` gives for `kind` (one activity dimension, or {@link WHOLE_KIND} for none) and a
 * filter by whole buckets, read from `activity_rollup`.
 */
export async function rollupGroups(
  db: PgDb,
  kind: string,
  dimension: string | undefined,
  range: ReturnType<typeof bucketRange>,
  grain: 'bucket' | 'day',
  cuts?: readonly number[],
): Promise<GroupRow[]> {
  await refreshActivity(db);
  const rows: (RollupDbRow & { value: string; first_ts: number; last_ts: number })[] = [];
  if (grain === 'day' && cuts !== undefined) {
    const plan = spanPlan(range, cuts);
    const read = async (sql: (param: (v: string | number) => string) => string) => {
      const params: (string | number)[] = [];
      const text = sql((v) => {
        params.push(v);
        return `$${params.length}${typeof v === 'string' ? '::text' : '::bigint'}`;
      });
      return db.query<(typeof rows)[number]>(text, params);
    };
    const spans = plan.spans;
    while (spans !== null) {
      await keepSpans(db, cuts);
      const got = await read((param) => spanReadSql(kind, spans, cuts, param));
      // None: another process built the span rollup for other cuts between the two statements.
      if (got.length === 0) continue;
      for (const r of got) if (r.value !== null) rows.push(r);
      break;
    }
    if (plan.parts.length > 0)
      for (const r of await read((param) => rollupSpansSql(kind, plan.parts, cuts, param))) rows.push(r);
  }
  for (const part of grain === 'day' && cuts !== undefined ? [] : rollupParts(range, grain)) {
    const bucket = part.unit === 'day' ? 'day * 96' : grain === 'day' ? '(bucket / 96) * 96' : 'bucket';
    const read = await db.query<(typeof rows)[number]>(
      `SELECT value, ${bucket} AS bucket, model, size_class, speed, geo, has_reported, ${ROLLUP_SUMS},
         min(first_ts) AS first_ts, max(last_ts) AS last_ts
       FROM ${part.table} WHERE kind = $1 AND ${part.unit} >= $2 AND ${part.unit} < $3
       GROUP BY 1, 2, 3, 4, 5, 6, 7`,
      [kind, part.from, part.to],
    );
    for (const r of read) rows.push(r);
  }
  return rows.map((r) => ({
    values: dimension === undefined ? {} : { [dimension]: r.value },
    bucket: r.bucket,
    ...pricedSums(r),
    firstTs: r.first_ts,
    lastTs: r.last_ts,
  }));
}
