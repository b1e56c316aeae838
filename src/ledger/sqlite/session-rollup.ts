/**
 * The session rollup of the SQLite store (migration 15; see `../session-rollup-sql.ts`): a read it
 * serves rebuilds the marked sessions first, then groups the rollup's rows as {@link groups} groups
 * the usage rows.
 * @module
 */
import { SESSION_ROLLUP_ATTRIBUTES, withoutDates } from '../session-rollup-sql.js';
import type { GroupQuery, GroupRow } from '../usage-repository.js';
import { dimensionSql, usageWhere } from './queries.js';
import { type NamedGroupDbRow, namedGroupRow, sizeClassSql } from './sql.js';
import type { Statements } from './statements.js';

const DAY_MS = 86_400_000;
const ATTRIBUTES = SESSION_ROLLUP_ATTRIBUTES.join(', ');

/** Rebuilds the rows of the marked sessions (one write transaction, only when one is marked). */
export function refreshSessionRollup(s: Statements): void {
  if (s.get('SELECT 1 FROM session_rollup_dirty LIMIT 1').get() === undefined) return;
  s.write(() => {
    // Under the write lock: what another process rebuilt meanwhile is unmarked already.
    s.get(
      'DELETE FROM session_rollup WHERE session_id IN (SELECT session_id FROM session_rollup_dirty)',
    ).run();
    s.get(
      `INSERT INTO session_rollup (${ATTRIBUTES}, day, model, size_class, speed, geo, has_reported,
         input_tokens, output_tokens, cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests,
         reported_cost, reported_rows, responses, lower_bound, first_ts, last_ts)
       SELECT ${ATTRIBUTES}, ts / ${DAY_MS}, model, ${sizeClassSql('')}, coalesce(speed, ''), coalesce(geo, ''),
         reported_cost IS NOT NULL, sum(input_tokens), sum(output_tokens), sum(cache_write_tokens),
         sum(cache_write_1h_tokens), sum(cache_read_tokens), sum(web_search_requests), coalesce(sum(reported_cost), 0),
         count(reported_cost), count(*), sum(1 - output_final), min(ts), max(ts)
       FROM usage WHERE session_id IN (SELECT session_id FROM session_rollup_dirty)
       GROUP BY ${ATTRIBUTES}, 10, 11, 12, 13, 14, 15`,
    ).run();
    s.get('DELETE FROM session_rollup_dirty').run();
  });
}

/**
 * The rows of {@link groups} for `query` from the session rollup, over the UTC days `[from, to)`
 * (see `sessionRollupDays`).
 */
export function sessionRollupGroups(
  s: Statements,
  query: GroupQuery,
  days: { from?: number; to?: number },
): GroupRow[] {
  refreshSessionRollup(s);
  const dims = [...new Set(query.dimensions)];
  const stageMap = query.stageMap ?? {};
  const parts = dims.map((d) => dimensionSql(d, stageMap));
  const select = parts.map((p, i) => `${p.sql} AS d${i}`);
  const params: (string | number)[] = parts.flatMap((p) => p.params);
  const dayConditions: string[] = [];
  const dayParams: number[] = [];
  if (days.from !== undefined) {
    dayConditions.push('u.day >= ?');
    dayParams.push(days.from);
  }
  if (days.to !== undefined) {
    dayConditions.push('u.day < ?');
    dayParams.push(days.to);
  }
  params.push(...dayParams);
  const whereSql = usageWhere(withoutDates(query.filter), params, dayConditions);
  const joinAgents = dims.includes('agent') || dims.includes('stage');
  const joinOrigins = dims.includes('machine') || dims.includes('user');
  // In the order of the group keys, as grouping the usage rows gives them (the order a report adds
  // them in, so its totals sum alike).
  const keys = [
    ...dims.map((_, i) => `d${i}`),
    'bucket',
    'model',
    'size_class',
    'speed',
    'geo',
    'has_reported',
  ].join(', ');
  const sql = `SELECT ${[...select, 'u.day * 96 AS bucket'].join(', ')}, u.model AS model, u.size_class AS size_class,
      u.speed AS speed, u.geo AS geo, u.has_reported AS has_reported,
      sum(u.input_tokens) AS input_tokens, sum(u.output_tokens) AS output_tokens, sum(u.cache_write_tokens) AS cache_write_tokens,
      sum(u.cache_write_1h_tokens) AS cache_write_1h_tokens, sum(u.cache_read_tokens) AS cache_read_tokens,
      sum(u.web_search_requests) AS web_search_requests, sum(u.reported_cost) AS reported_cost,
      sum(u.reported_rows) AS reported_rows, sum(u.responses) AS responses, sum(u.lower_bound) AS lower_bound,
      min(u.first_ts) AS first_ts, max(u.last_ts) AS last_ts
    FROM session_rollup u ${joinAgents ? 'LEFT JOIN agents a ON a.session_id = u.session_id AND a.agent_id = u.agent_id' : ''}
    ${joinOrigins ? 'JOIN origins o ON o.id = u.origin_id' : ''}
    ${whereSql}
    GROUP BY ${keys} ORDER BY ${keys}`;
  const rows = s.get(sql).all(...params) as NamedGroupDbRow[];
  return rows.map((r) => namedGroupRow(r, dims));
}
