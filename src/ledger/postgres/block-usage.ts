/**
 * What billing blocks read, in the PostgreSQL ledger: the time of every response, and the usage of
 * spans of time, from the 15-minute rollup for the buckets a span covers whole and from the usage
 * rows for the parts of buckets at its ends (see the SQLite store's block-usage.ts). Rows derived from
 * declared telemetry (one pseudo-session `telemetry:<task>` per task) are left out of both; the
 * rollup holds them, so their sums are taken off again. All spans are read in three queries.
 * @module
 */
import { DECLARED_USAGE_SOURCE } from '../ledger-records.js';
import type { BucketRow, TimeCount, TimeSpan } from '../usage-repository.js';
import { addSums, BUCKET_MS, type UsageSums } from '../usage-sums.js';
import type { PgDb } from './connection.js';
import { refreshRollup } from './rollup.js';
import { KEY_ORDER, pricedSums, type RollupDbRow, usageSumsSql } from './sql.js';

/** Declared-telemetry rows, through the session index (its prefix is a LIKE-able range). */
const DECLARED_WHERE = `session_id LIKE 'telemetry:%' AND source = '${DECLARED_USAGE_SOURCE}'`;

type Row = RollupDbRow & { span: number; has_reported: number } & Record<string, unknown>;

function toBucketRow(r: RollupDbRow): BucketRow {
  return { bucket: r.bucket, ...pricedSums(r) };
}

/** Rows of the same bucket and pricing key (reported costs or not) are one row. */
function keyOf(r: BucketRow): string {
  return `${r.bucket}\u0000${r.model}\u0000${r.sizeClass}\u0000${r.speed}\u0000${r.geo}\u0000${r.reportedRows > 0}`;
}

export async function responseTimes(db: PgDb): Promise<number[]> {
  // One row with every time: a hundred thousand rows as objects would cost more than the query.
  const [row] = await db.query<{ t: string | null }>(
    `SELECT string_agg(ts::text, ',' ORDER BY ts) AS t FROM usage WHERE NOT (${DECLARED_WHERE})`,
  );
  return row?.t == null ? [] : row.t.split(',').map(Number);
}

/** Distinct instants before `beforeMs`, newest first (through the `ts` index); declared rows not counted. */
export async function responseTimesBefore(
  db: PgDb,
  beforeMs: number | null,
  limit: number,
): Promise<TimeCount[]> {
  const rows = await db.query<{ ts: string | number; n: string | number }>(
    `SELECT ts, count(*) FILTER (WHERE NOT (${DECLARED_WHERE})) AS n FROM usage
      WHERE $1::bigint IS NULL OR ts < $1::bigint GROUP BY ts ORDER BY ts DESC LIMIT $2`,
    [beforeMs, limit],
  );
  return rows.map((r) => ({ ts: Number(r.ts), responses: Number(r.n) }));
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

/** A span's parts: whole buckets [firstWhole, endWhole) from the rollup, the rest from usage rows. */
interface Parts {
  firstWhole: number;
  endWhole: number;
  /** Inclusive ranges of ms read from usage rows. */
  raw: [number, number][];
}

function partsOf({ fromMs, toMs }: TimeSpan): Parts {
  const firstWhole = Math.ceil(fromMs / BUCKET_MS);
  const endWhole = Math.floor((toMs + 1) / BUCKET_MS);
  if (endWhole <= firstWhole) return { firstWhole, endWhole: firstWhole, raw: [[fromMs, toMs]] };
  const raw: [number, number][] = [];
  if (fromMs < firstWhole * BUCKET_MS) raw.push([fromMs, firstWhole * BUCKET_MS - 1]);
  if (endWhole * BUCKET_MS <= toMs) raw.push([endWhole * BUCKET_MS, toMs]);
  return { firstWhole, endWhole, raw };
}

export async function usageInSpans(db: PgDb, spans: readonly TimeSpan[]): Promise<BucketRow[][]> {
  if (spans.length === 0) return [];
  await refreshRollup(db);
  const parts = spans.map(partsOf);
  const whole = parts.flatMap((p, i) => (p.endWhole > p.firstWhole ? [[i, p.firstWhole, p.endWhole]] : []));
  const raw = parts.flatMap((p, i) => p.raw.map(([a, b]) => [i, a, b]));
  // One snapshot for all spans: an import running beside us changes nothing half-way.
  const [declaredRows, wholeRows, rawRows] = await db.transaction(
    async (tx) => [
      await tx.query<Row>(
        `SELECT 0 AS span, ts / ${BUCKET_MS} AS bucket, ${usageSumsSql('')} FROM usage WHERE ${DECLARED_WHERE}
         GROUP BY 1, 2, 3, 4, 5, 6, 7`,
      ),
      await tx.query<Row>(
        `SELECT s.i AS span, r.* FROM unnest($1::int[], $2::bigint[], $3::bigint[]) AS s (i, a, b)
         JOIN usage_rollup r ON r.bucket >= s.a AND r.bucket < s.b
         ORDER BY s.i, r.bucket, r.model COLLATE "C", r.size_class, r.speed COLLATE "C", r.geo COLLATE "C", r.has_reported`,
        [whole.map((w) => w[0]), whole.map((w) => w[1]), whole.map((w) => w[2])],
      ),
      await tx.query<Row>(
        `SELECT * FROM (
           SELECT s.i AS span, u.ts / ${BUCKET_MS} AS bucket, ${usageSumsSql('u.')}
           FROM unnest($1::int[], $2::bigint[], $3::bigint[]) AS s (i, a, b)
           JOIN usage u ON u.ts >= s.a AND u.ts <= s.b AND u.source <> '${DECLARED_USAGE_SOURCE}'
           GROUP BY 1, 2, 3, 4, 5, 6, 7
         ) q ORDER BY ${KEY_ORDER('span, bucket')}`,
        [raw.map((w) => w[0]), raw.map((w) => w[1]), raw.map((w) => w[2])],
      ),
    ],
    { isolation: 'repeatable read', readOnly: true },
  );
  const declared = new Map<number, BucketRow[]>();
  for (const r of declaredRows) {
    const d = toBucketRow(r);
    declared.set(d.bucket, [...(declared.get(d.bucket) ?? []), d]);
  }
  const out = spans.map(() => new Map<string, BucketRow>());
  const add = (r: Row) => {
    const map = out[r.span];
    if (map === undefined) return;
    const row = toBucketRow(r);
    const have = map.get(keyOf(row));
    if (have === undefined) map.set(keyOf(row), row);
    else addSums(have, row);
  };
  for (const r of wholeRows) add(r);
  parts.forEach((p, i) => {
    const map = out[i];
    if (map === undefined) return;
    for (const [bucket, ds] of declared) {
      if (bucket < p.firstWhole || bucket >= p.endWhole) continue;
      for (const d of ds) {
        const have = map.get(keyOf(d));
        if (have === undefined)
          throw new Error(`rollup bucket ${d.bucket} lacks the declared usage it holds`);
        subtract(have, d);
        if (have.responses === 0) map.delete(keyOf(d));
      }
    }
  });
  for (const r of rawRows) add(r);
  return out.map((m) => [...m.values()]);
}
