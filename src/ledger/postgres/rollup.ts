/**
 * The 15-minute and hourly rollups of the PostgreSQL ledger: writers mark buckets dirty, readers
 * refresh them first (one refresher at a time, under an advisory lock), and reports read sums by
 * local day, grouped in the database span by span.
 * @module
 */
import type { BucketRow, DayRow, OffsetSpan } from '../usage-repository.js';
import { BUCKET_MS } from '../usage-sums.js';
import type { PgDb, PgQueryable } from './connection.js';
import { LOCKS } from './migrations.js';
import { KEY_ORDER, pricedSums, ROLLUP_SUMS, type RollupDbRow, usageSumsSql } from './sql.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Refreshes kept on record (rollup_changes), as on SQLite. */
const KEEP_CHANGES = 2_000;
/** Dirty buckets closer than this (a day) are rebuilt as one range. */
const MERGE_GAP = 96;

/**
 * Marks buckets for the next refresh (inside the caller's transaction). A mark already there is
 * locked until the caller commits, so a refresh cannot consume it before the caller's rows are visible.
 */
export async function markDirty(db: PgQueryable, buckets: Iterable<number>): Promise<void> {
  const list = [...new Set(buckets)].sort((a, b) => a - b);
  if (list.length === 0) return;
  await db.query(
    `INSERT INTO rollup_dirty (bucket) SELECT unnest($1::bigint[])
     ON CONFLICT (bucket) DO UPDATE SET bucket = EXCLUDED.bucket WHERE false`,
    [list],
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

/**
 * Brings the rollups up to date for every bucket written since the last refresh. Writers only mark
 * buckets dirty, so a long import refreshes once at the end instead of once per batch.
 */
export async function refreshRollup(db: PgDb): Promise<void> {
  const [any] = await db.query<{ dirty: boolean }>('SELECT EXISTS (SELECT 1 FROM rollup_dirty) AS dirty');
  if (any?.dirty !== true) return;
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.rollup]);
    const marked = await tx.query<{ bucket: number }>('DELETE FROM rollup_dirty RETURNING bucket');
    if (marked.length === 0) return;
    const [from, to] = ranges(marked.map((r) => r.bucket).sort((a, b) => a - b));
    const fromHour = from.map((b) => Math.floor(b / 4));
    const toHour = to.map((b) => Math.ceil(b / 4));
    await tx.query(
      `DELETE FROM usage_rollup r USING unnest($1::bigint[], $2::bigint[]) AS g (a, b)
       WHERE r.bucket >= g.a AND r.bucket < g.b`,
      [from, to],
    );
    await tx.query(
      `INSERT INTO usage_rollup (bucket, model, size_class, speed, geo, has_reported, input_tokens, output_tokens,
         cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests, reported_cost,
         reported_rows, responses, lower_bound)
       SELECT u.ts / ${BUCKET_MS} AS bucket, ${usageSumsSql('u.')}
       FROM unnest($1::bigint[], $2::bigint[]) AS g (a, b)
       JOIN usage u ON u.ts >= g.a * ${BUCKET_MS} AND u.ts < g.b * ${BUCKET_MS}
       GROUP BY 1, 2, 3, 4, 5, 6`,
      [from, to],
    );
    await tx.query(
      `DELETE FROM usage_rollup_hour r USING unnest($1::bigint[], $2::bigint[]) AS g (a, b)
       WHERE r.hour >= g.a AND r.hour < g.b`,
      [fromHour, toHour],
    );
    await tx.query(
      `INSERT INTO usage_rollup_hour (hour, model, size_class, speed, geo, has_reported, input_tokens, output_tokens,
         cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests, reported_cost,
         reported_rows, responses, lower_bound)
       SELECT r.bucket / 4, r.model, r.size_class, r.speed, r.geo, r.has_reported, ${ROLLUP_SUMS}
       FROM unnest($1::bigint[], $2::bigint[]) AS g (a, b)
       JOIN usage_rollup r ON r.bucket >= g.a * 4 AND r.bucket < g.b * 4
       GROUP BY 1, 2, 3, 4, 5, 6`,
      [fromHour, toHour],
    );
    // The generation moves with every refresh (SQLite's remembered day rows key on it).
    const [gen] = await tx.query<{ g: number }>(
      "UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'rollup_generation' RETURNING value::bigint AS g",
    );
    if (gen !== undefined) {
      await tx.query('DELETE FROM rollup_changes WHERE generation <= $1', [gen.g - KEEP_CHANGES]);
      await tx.query(
        'INSERT INTO rollup_changes (generation, from_hour, to_hour) SELECT $1, * FROM unnest($2::bigint[], $3::bigint[])',
        [gen.g, fromHour, toHour],
      );
    }
  });
}

function toBucketRow(r: RollupDbRow): BucketRow {
  return { bucket: r.bucket, ...pricedSums(r) };
}

export async function buckets(db: PgDb, fromMs: number | null, toMs: number | null): Promise<BucketRow[]> {
  await refreshRollup(db);
  const from = fromMs === null ? Number.MIN_SAFE_INTEGER : Math.floor(fromMs / BUCKET_MS);
  const to = toMs === null ? Number.MAX_SAFE_INTEGER : Math.ceil(toMs / BUCKET_MS);
  const rows = await db.query<RollupDbRow & Record<string, unknown>>(
    'SELECT * FROM usage_rollup WHERE bucket >= $1 AND bucket < $2 ORDER BY bucket',
    [from, to],
  );
  return rows.map(toBucketRow);
}

export async function days(db: PgDb, spans: readonly OffsetSpan[]): Promise<DayRow[]> {
  await refreshRollup(db);
  if (spans.length === 0) return [];
  // Whole-hour offsets (nearly every zone) can use the hourly rollup, a quarter of the rows.
  const hourly = spans.every(
    (x) => x.offsetMs % HOUR_MS === 0 && x.fromMs % HOUR_MS === 0 && x.toMs % HOUR_MS === 0,
  );
  const [table, unit, unitMs] = hourly
    ? ['usage_rollup_hour', 'hour', HOUR_MS]
    : ['usage_rollup', 'bucket', BUCKET_MS];
  const rows = await db.query<RollupDbRow & { day: number } & Record<string, unknown>>(
    `SELECT * FROM (
       SELECT s.i AS span, (r.${unit} * ${unitMs} + s.off) / ${DAY_MS} AS day, r.model, r.size_class, r.speed, r.geo,
         r.has_reported, ${ROLLUP_SUMS}
       FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS s (a, b, off, i)
       JOIN ${table} r ON r.${unit} >= s.a AND r.${unit} < s.b
       GROUP BY 1, 2, 3, 4, 5, 6, 7
     ) q ORDER BY ${KEY_ORDER('span, day')}`,
    [
      spans.map((x) => Math.floor(x.fromMs / unitMs)),
      spans.map((x) => Math.ceil(x.toMs / unitMs)),
      spans.map((x) => x.offsetMs),
    ],
  );
  return rows.map((r) => ({ day: r.day, ...pricedSums(r) }));
}

export async function rollupRange(db: PgDb): Promise<{ fromMs: number; toMs: number } | null> {
  await refreshRollup(db);
  const [row] = await db.query<{ a: number | null; b: number | null }>(
    'SELECT (SELECT min(bucket) FROM usage_rollup) AS a, (SELECT max(bucket) FROM usage_rollup) AS b',
  );
  if (row === undefined || row.a === null || row.b === null) return null;
  // Widened to whole UTC days (no data lies outside), as on SQLite.
  return {
    fromMs: Math.floor((row.a * BUCKET_MS) / DAY_MS) * DAY_MS,
    toMs: Math.ceil(((row.b + 1) * BUCKET_MS) / DAY_MS) * DAY_MS,
  };
}
