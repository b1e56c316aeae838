/**
 * The per-request series of a few sessions in the SQLite ledger (see `RequestSeriesRepository`),
 * read through the session index, a chunk of sessions per query.
 * @module
 */
import { DECLARED_USAGE_SOURCE } from '../ledger-records.js';
import type { RequestPoint } from '../usage-repository.js';
import type { Statements } from './statements.js';

/** Sessions per query: far below SQLite's limit of bound parameters. */
const CHUNK = 500;

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
        `SELECT session_id, coalesce(agent_id, '') AS agent_id, dedup_key, ts, model, input_tokens,
           cache_read_tokens, cache_write_tokens, output_tokens, cache_write_1h_tokens, web_search_requests,
         coalesce(speed, '') AS speed, coalesce(geo, '') AS geo, reported_cost
         FROM usage WHERE ${where.join(' AND ')}
         ORDER BY session_id, coalesce(agent_id, ''), ts, dedup_key`,
      )
      .all(...params) as Row[];
    for (const r of rows) {
      out.push({
        sessionId: r.session_id,
        agentId: r.agent_id,
        dedupKey: r.dedup_key,
        ts: r.ts,
        model: r.model,
        input: r.input_tokens,
        cacheRead: r.cache_read_tokens,
        cacheWrite: r.cache_write_tokens,
        output: r.output_tokens,
        cacheWrite1h: r.cache_write_1h_tokens,
        webSearch: r.web_search_requests,
        speed: r.speed,
        geo: r.geo,
        reportedCost: r.reported_cost,
      });
    }
  }
  return out;
}
