/**
 * The per-request series of a few sessions in the PostgreSQL ledger (see `RequestSeriesRepository`),
 * read through the session index in one query.
 * @module
 */
import { DECLARED_USAGE_SOURCE } from '../ledger-records.js';
import type { RequestPoint } from '../usage-repository.js';
import type { PgDb } from './connection.js';

interface Row {
  session_id: string;
  agent_id: string;
  dedup_key: string;
  ts: number;
  model: string;
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  cache_write_1h_tokens: number;
  web_search_requests: number;
  speed: string;
  geo: string;
  reported_cost: number | null;
}

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
  const rows = await db.query<Row>(
    `SELECT session_id, coalesce(agent_id, '') AS agent_id, dedup_key, ts, model, input_tokens,
       cache_read_tokens, cache_write_tokens, output_tokens, cache_write_1h_tokens, web_search_requests,
         coalesce(speed, '') AS speed, coalesce(geo, '') AS geo, reported_cost
     FROM usage WHERE ${where.join(' AND ')}
     ORDER BY session_id COLLATE "C", coalesce(agent_id, '') COLLATE "C", ts, dedup_key COLLATE "C"`,
    params,
  );
  return rows.map((r) => ({
    sessionId: r.session_id,
    agentId: r.agent_id,
    dedupKey: r.dedup_key,
    ts: r.ts,
    model: r.model,
    input: r.input_tokens,
    cacheRead: r.cache_read_tokens,
    cacheWrite: r.cache_write_tokens,
    output: r.output_tokens,
    cacheWrite1h: Number(r.cache_write_1h_tokens),
    webSearch: Number(r.web_search_requests),
    speed: r.speed,
    geo: r.geo,
    reportedCost: r.reported_cost === null ? null : Number(r.reported_cost),
  }));
}
