/**
 * The per-request series of a few sessions in the SQLite ledger (see `RequestSeriesRepository`),
 * read through the session index, a chunk of sessions per query.
 * @module
 */
import { REQUEST_POINT_COLUMNS, type RequestPointDbRow, toRequestPoint } from '../analysis-rows.js';
import { DECLARED_USAGE_SOURCE } from '../ledger-records.js';
import type { RequestPoint } from '../usage-repository.js';
import type { Statements } from './statements.js';

/** Sessions per query: far below SQLite's limit of bound parameters. */
const CHUNK = 500;

export function requestSeries(
  s: Statements,
  sessionIds: readonly string[],
  span: { fromMs?: number; toMs?: number } = {},
): RequestPoint[] {
  const ids = [...new Set(sessionIds)].sort();
  const out: RequestPoint[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const where = [`session_id IN (${chunk.map(() => '?').join(', ')})`, 'source <> ?'];
    const params: (string | number)[] = [...chunk, DECLARED_USAGE_SOURCE];
    if (span.fromMs !== undefined) {
      where.push('ts >= ?');
      params.push(span.fromMs);
    }
    if (span.toMs !== undefined) {
      where.push('ts < ?');
      params.push(span.toMs);
    }
    const rows = s
      .get(
        `SELECT ${REQUEST_POINT_COLUMNS}
         FROM usage WHERE ${where.join(' AND ')}
         ORDER BY session_id, coalesce(agent_id, ''), ts, dedup_key`,
      )
      .all(...params) as RequestPointDbRow[];
    for (const r of rows) out.push(toRequestPoint(r));
  }
  return out;
}
