/**
 * The 15-minute and hourly rollups: writers mark buckets dirty, readers refresh them first, and
 * reports read sums by local day span by span.
 * @module
 */

import type { BucketRow, DayRow, OffsetSpan } from '../usage-repository.js';
import { BUCKET_MS, type SizeClass } from '../usage-sums.js';
import { cachedDays, nextRollupGeneration, recordRollupChange } from './rollup-cache.js';
import { REFRESH_HOURS, REFRESH_ROLLUP, type RollupDbRow, toSums } from './sql.js';
import type { Statements } from './statements.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export function markDirty(s: Statements, buckets: Set<number>): void {
  const stmt = s.get('INSERT OR IGNORE INTO rollup_dirty (bucket) VALUES (?)');
  for (const b of buckets) stmt.run(b);
}

/**
 * Brings the rollups up to date for every bucket written since the last refresh. Writers only mark
 * buckets dirty (cheap), so a long import refreshes once at the end instead of once per batch.
 */
export function refreshRollup(s: Statements): void {
  if (s.get('SELECT 1 FROM rollup_dirty LIMIT 1').get() === undefined) return;
  s.write(() => refreshDirty(s));
}

/** Rebuilds the rollup rows of every dirty bucket (written to, or a row's timestamp moved out of). */
function refreshDirty(s: Statements): void {
  const sorted = (s.get('SELECT bucket FROM rollup_dirty ORDER BY bucket').all() as { bucket: number }[]).map(
    (r) => r.bucket,
  );
  if (sorted.length === 0) return;
  s.get('DELETE FROM rollup_dirty').run();
  const generation = nextRollupGeneration(s);
  const del = s.get('DELETE FROM usage_rollup WHERE bucket >= ? AND bucket < ?');
  const ins = s.get(REFRESH_ROLLUP);
  const delHours = s.get('DELETE FROM usage_rollup_hour WHERE hour >= ? AND hour < ?');
  const insHours = s.get(REFRESH_HOURS);
  let start = sorted[0] ?? 0;
  let end = start + 1;
  const flush = () => {
    del.run(start, end);
    ins.run(start * BUCKET_MS, end * BUCKET_MS);
    const fromHour = Math.floor(start / 4);
    const toHour = Math.ceil(end / 4);
    delHours.run(fromHour, toHour);
    insHours.run(fromHour, toHour);
    recordRollupChange(s, generation, fromHour, toHour);
  };
  for (let i = 1; i < sorted.length; i++) {
    const b = sorted[i] ?? 0;
    // Merge nearby buckets into one range: fewer statements, same result.
    if (b - end <= 96) end = b + 1;
    else {
      flush();
      start = b;
      end = b + 1;
    }
  }
  flush();
}

export function buckets(s: Statements, fromMs: number | null, toMs: number | null): BucketRow[] {
  refreshRollup(s);
  const from = fromMs === null ? Number.MIN_SAFE_INTEGER : Math.floor(fromMs / BUCKET_MS);
  const to = toMs === null ? Number.MAX_SAFE_INTEGER : Math.ceil(toMs / BUCKET_MS);
  const rows = s
    .get('SELECT * FROM usage_rollup WHERE bucket >= ? AND bucket < ?')
    .all(from, to) as RollupDbRow[];
  return rows.map((r) => ({
    bucket: r.bucket,
    model: r.model,
    sizeClass: r.size_class as SizeClass,
    speed: r.speed,
    geo: r.geo,
    ...toSums(r),
  }));
}

export function days(s: Statements, spans: readonly OffsetSpan[]): DayRow[] {
  refreshRollup(s);
  // Whole-hour offsets (nearly every zone) can use the hourly rollup, a quarter of the rows.
  const hourly = spans.every(
    (x) => x.offsetMs % HOUR_MS === 0 && x.fromMs % HOUR_MS === 0 && x.toMs % HOUR_MS === 0,
  );
  const [table, unit, unitMs] = hourly
    ? ['usage_rollup_hour', 'hour', HOUR_MS]
    : ['usage_rollup', 'bucket', BUCKET_MS];
  const stmt =
    s.get(`SELECT (${unit} * ${unitMs} + CAST(? AS INTEGER)) / 86400000 AS day, model, size_class, speed, geo, has_reported,
      sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cache_write_tokens) AS cache_write_tokens,
      sum(cache_write_1h_tokens) AS cache_write_1h_tokens, sum(cache_read_tokens) AS cache_read_tokens,
      sum(web_search_requests) AS web_search_requests, sum(reported_cost) AS reported_cost, sum(reported_rows) AS reported_rows,
      sum(responses) AS responses, sum(lower_bound) AS lower_bound
    FROM ${table} WHERE ${unit} >= ? AND ${unit} < ? GROUP BY 1, 2, 3, 4, 5, 6`);
  const key = `days:${unit}:${spans.map((x) => `${x.fromMs}/${x.toMs}/${x.offsetMs}`).join(',')}`;
  return cachedDays(s, key, {
    spans,
    unitMs,
    query: (i, fromUnit, toUnit) => {
      const rows = stmt.all(spans[i]?.offsetMs ?? 0, fromUnit, toUnit) as (RollupDbRow & { day: number })[];
      return rows.map((r) => ({
        day: r.day,
        model: r.model,
        sizeClass: r.size_class as SizeClass,
        speed: r.speed,
        geo: r.geo,
        ...toSums(r),
      }));
    },
  });
}

export function rollupRange(s: Statements): { fromMs: number; toMs: number } | null {
  refreshRollup(s);
  // Two queries: min() or max() alone is an index lookup; both in one query scan the table.
  const a = (s.get('SELECT min(bucket) AS v FROM usage_rollup').get() as { v: number | null }).v;
  const b = (s.get('SELECT max(bucket) AS v FROM usage_rollup').get() as { v: number | null }).v;
  if (a === null || b === null) return null;
  // Widened to whole UTC days (no data lies outside): whole-hour zones can read the hourly rollup,
  // and a report's spans (the key of its remembered rows, rollup-cache.ts) change at most daily.
  return {
    fromMs: Math.floor((a * BUCKET_MS) / DAY_MS) * DAY_MS,
    toMs: Math.ceil(((b + 1) * BUCKET_MS) / DAY_MS) * DAY_MS,
  };
}
