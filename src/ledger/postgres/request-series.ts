/**
 * The per-request series of a few sessions in the PostgreSQL ledger (see `RequestSeriesRepository`),
 * read through the session index in one query.
 * @module
 */
import { REQUEST_POINT_COLUMNS, type RequestPointDbRow, toRequestPoint } from '../analysis-rows.js';
import { DECLARED_USAGE_SOURCE } from '../ledger-records.js';
import type { RequestPoint } from '../usage-repository.js';
import type { PgDb } from './connection.js';

export async function requestSeries(
  db: PgDb,
  sessionIds: readonly string[],
  span: { fromMs?: number; toMs?: number } = {},
): Promise<RequestPoint[]> {
  const ids = [...new Set(sessionIds)];
  if (ids.length === 0) return [];
  const params: unknown[] = [ids, DECLARED_USAGE_SOURCE];
  const where = ['session_id = ANY($1::text[])', 'source <> $2'];
  if (span.fromMs !== undefined) {
    params.push(span.fromMs);
    where.push(`ts >= $${params.length}`);
  }
  if (span.toMs !== undefined) {
    params.push(span.toMs);
    where.push(`ts < $${params.length}`);
  }
  // COLLATE "C": the same order as SQLite's byte-wise text comparison.
  const rows = await db.query<RequestPointDbRow>(
    `SELECT ${REQUEST_POINT_COLUMNS}
     FROM usage WHERE ${where.join(' AND ')}
     ORDER BY session_id COLLATE "C", coalesce(agent_id, '') COLLATE "C", ts, dedup_key COLLATE "C"`,
    params,
  );
  return rows.map(toRequestPoint);
}
