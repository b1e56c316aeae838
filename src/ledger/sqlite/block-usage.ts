/**
 * What billing blocks read: the time of every response (from the `ts` index alone), and the usage of
 * spans of time, from the 15-minute rollup for the buckets a span covers whole and from the usage
 * rows for the parts of buckets at its ends. A heavy user's history is a few hundred thousand
 * responses of a few hundred bytes each: reading them all would take seconds, these reads take
 * milliseconds. Rows derived from declared telemetry (one pseudo-session per task, see telemetry.ts)
 * are left out of both; the rollup holds them, so their sums are taken off again.
 * @module
 */
import { DECLARED_USAGE_SOURCE } from '../ledger-records.js';
import type { BucketRow, TimeCount, TimeSpan } from '../usage-repository.js';
import { addSums, BUCKET_MS, type SizeClass, type UsageSums } from '../usage-sums.js';
import { refreshRollup } from './rollup.js';
import { type RollupDbRow, sizeClassSql, toSums } from './sql.js';
import type { Statements } from './statements.js';
import { telemetrySession } from './telemetry.js';

/** Session ids of declared-telemetry rows start with this (`telemetry:<task>`). */
const PREFIX = telemetrySession('');
/** Declared-telemetry rows, found through the session index: ids from PREFIX up to the next prefix. */
const TELEMETRY_WHERE = `session_id >= '${PREFIX}' AND session_id < '${PREFIX.slice(0, -1)}${String.fromCharCode(PREFIX.charCodeAt(PREFIX.length - 1) + 1)}' AND source = '${DECLARED_USAGE_SOURCE}'`;

/** Usage rows summed as the rollup sums them, for `WHERE …` (parameters: the WHERE's). */
const GROUPED = (
  where: string,
) => `SELECT ts / ${BUCKET_MS} AS bucket, model, ${sizeClassSql('')} AS size_class,
    coalesce(speed, '') AS speed, coalesce(geo, '') AS geo, reported_cost IS NOT NULL AS has_reported,
    sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cache_write_tokens) AS cache_write_tokens,
    sum(cache_write_1h_tokens) AS cache_write_1h_tokens, sum(cache_read_tokens) AS cache_read_tokens,
    sum(web_search_requests) AS web_search_requests, coalesce(sum(reported_cost), 0) AS reported_cost,
    count(reported_cost) AS reported_rows, count(*) AS responses, sum(1 - output_final) AS lower_bound
  FROM usage WHERE ${where} GROUP BY 1, 2, 3, 4, 5, 6`;

type Row = RollupDbRow & { has_reported?: number };

function toBucketRow(r: Row): BucketRow {
  return {
    bucket: r.bucket,
    model: r.model,
    sizeClass: r.size_class as SizeClass,
    speed: r.speed,
    geo: r.geo,
    ...toSums(r),
  };
}

/** Rows of the same bucket and pricing key (reported costs or not) are one row. */
function keyOf(r: BucketRow): string {
  return `${r.bucket}\u0000${r.model}\u0000${r.sizeClass}\u0000${r.speed}\u0000${r.geo}\u0000${r.reportedRows > 0}`;
}

export function responseTimes(s: Statements): number[] {
  const all = s.get('SELECT ts FROM usage ORDER BY ts').pluck(true).all() as number[];
  const declared = s
    .get(`SELECT ts FROM usage WHERE ${TELEMETRY_WHERE} ORDER BY ts`)
    .pluck(true)
    .all() as number[];
  if (declared.length === 0) return all;
  // Both sorted: drop one time per declared row.
  const out: number[] = [];
  let j = 0;
  for (const ts of all) {
    while (j < declared.length && (declared[j] as number) < ts) j++;
    if (j < declared.length && declared[j] === ts) j++;
    else out.push(ts);
  }
  return out;
}

/** Distinct instants before `beforeMs`, newest first, from the `ts` index alone; declared rows taken off. */
export function responseTimesBefore(s: Statements, beforeMs: number | null, limit: number): TimeCount[] {
  const rows = (
    beforeMs === null
      ? s.get('SELECT ts, count(*) AS n FROM usage GROUP BY ts ORDER BY ts DESC LIMIT ?').all(limit)
      : s
          .get('SELECT ts, count(*) AS n FROM usage WHERE ts < ? GROUP BY ts ORDER BY ts DESC LIMIT ?')
          .all(beforeMs, limit)
  ) as { ts: number; n: number }[];
  const newest = rows[0];
  const oldest = rows[rows.length - 1];
  if (newest === undefined || oldest === undefined) return [];
  const declared = new Map(
    (
      s
        .get(
          `SELECT ts, count(*) AS n FROM usage WHERE ${TELEMETRY_WHERE} AND ts BETWEEN ? AND ? GROUP BY ts`,
        )
        .all(oldest.ts, newest.ts) as { ts: number; n: number }[]
    ).map((r) => [r.ts, r.n]),
  );
  return rows.map((r) => ({ ts: r.ts, responses: r.n - (declared.get(r.ts) ?? 0) }));
}

export function usageInSpans(s: Statements, spans: readonly TimeSpan[]): BucketRow[][] {
  if (spans.length === 0) return [];
  refreshRollup(s);
  const rollup = s.get('SELECT * FROM usage_rollup WHERE bucket >= ? AND bucket < ?');
  const rows = s.get(GROUPED(`ts >= ? AND ts <= ? AND source <> '${DECLARED_USAGE_SOURCE}'`));
  // One snapshot for all spans: an import running beside us changes nothing half-way.
  return s.db.transaction(() => {
    // Declared rows are few: all of them at once, by bucket, through the session index.
    const declared = new Map<number, BucketRow[]>();
    for (const r of s.get(GROUPED(TELEMETRY_WHERE)).all() as Row[]) {
      const d = toBucketRow(r);
      declared.set(d.bucket, [...(declared.get(d.bucket) ?? []), d]);
    }
    return spans.map(({ fromMs, toMs }) => {
      const firstWhole = Math.ceil(fromMs / BUCKET_MS);
      const endWhole = Math.floor((toMs + 1) / BUCKET_MS);
      if (endWhole <= firstWhole) return (rows.all(fromMs, toMs) as Row[]).map(toBucketRow);
      const out = new Map<string, BucketRow>();
      const add = (r: BucketRow) => {
        const have = out.get(keyOf(r));
        if (have === undefined) out.set(keyOf(r), r);
        else addSums(have, r);
      };
      for (const r of rollup.all(firstWhole, endWhole) as Row[]) add(toBucketRow(r));
      for (const [bucket, ds] of declared) {
        if (bucket < firstWhole || bucket >= endWhole) continue;
        for (const d of ds) {
          const have = out.get(keyOf(d));
          if (have === undefined)
            throw new Error(`rollup bucket ${d.bucket} lacks the declared usage it holds`);
          subtract(have, d);
          if (have.responses === 0) out.delete(keyOf(d));
        }
      }
      if (fromMs < firstWhole * BUCKET_MS)
        for (const r of rows.all(fromMs, firstWhole * BUCKET_MS - 1) as Row[]) add(toBucketRow(r));
      if (endWhole * BUCKET_MS <= toMs)
        for (const r of rows.all(endWhole * BUCKET_MS, toMs) as Row[]) add(toBucketRow(r));
      return [...out.values()];
    });
  })();
}

function subtract(from: UsageSums, d: UsageSums): void {
  from.input -= d.input;
  from.output -= d.output;
  from.cacheWrite -= d.cacheWrite;
  from.cacheWrite1h -= d.cacheWrite1h;
  from.cacheRead -= d.cacheRead;
  from.webSearch -= d.webSearch;
  from.reportedCost -= d.reportedCost;
  from.reportedRows -= d.reportedRows;
  from.responses -= d.responses;
  from.lowerBound -= d.lowerBound;
}
