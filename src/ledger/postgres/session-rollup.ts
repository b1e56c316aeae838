/**
 * The session rollup of the PostgreSQL store (migration 9; see `../session-rollup-sql.ts`): a read it
 * serves rebuilds the marked sessions first (one refresher at a time, under an advisory lock), then
 * groups the rollup's rows as `groups` groups the usage rows.
 * @module
 */

import { groupValues } from '../ledger-rows.js';
import { SESSION_ROLLUP_ATTRIBUTES, withoutDates } from '../session-rollup-sql.js';
import type { GroupQuery, GroupRow } from '../usage-repository.js';
import type { PgDb } from './connection.js';
import { LOCKS } from './migrations.js';
import { dimensionSql, Params, usageWhere } from './queries.js';
import { pricedSums, type RollupDbRow, usageSumsSql } from './sql.js';

const DAY_MS = 86_400_000;
const ATTRIBUTES = SESSION_ROLLUP_ATTRIBUTES.join(', ');

/** Rebuilds the rows of the marked sessions (one transaction, only when one is marked). */
export async function refreshSessionRollup(db: PgDb): Promise<void> {
  const [any] = await db.query<{ dirty: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM session_rollup_dirty) AS dirty',
  );
  if (any?.dirty !== true) return;
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.sessionRollup]);
    // Taken under the lock: another process may have rebuilt them meanwhile.
    const marked = await tx.query<{ session_id: string }>(
      'DELETE FROM session_rollup_dirty RETURNING session_id',
    );
    if (marked.length === 0) return;
    const ids = marked.map((m) => m.session_id);
    await tx.query('DELETE FROM session_rollup WHERE session_id = ANY($1::text[])', [ids]);
    await tx.query(
      `INSERT INTO session_rollup (${ATTRIBUTES}, day, model, size_class, speed, geo, has_reported,
         input_tokens, output_tokens, cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests,
         reported_cost, reported_rows, responses, lower_bound, first_ts, last_ts)
       SELECT ${SESSION_ROLLUP_ATTRIBUTES.map((c) => `u.${c}`).join(', ')}, u.ts / ${DAY_MS}, ${usageSumsSql('u.')},
         min(u.ts), max(u.ts)
       FROM usage u WHERE u.session_id = ANY($1::text[])
       GROUP BY ${Array.from({ length: SESSION_ROLLUP_ATTRIBUTES.length + 6 }, (_, i) => i + 1).join(', ')}`,
      [ids],
    );
  });
}

type GroupDbRow = RollupDbRow & Record<string, unknown> & { first_ts: number; last_ts: number };

/**
 * The rows of `groups` for `query` from the session rollup, over the UTC days `[from, to)` (see
 * `sessionRollupDays`).
 */
export async function sessionRollupGroups(
  db: PgDb,
  query: GroupQuery,
  days: { from?: number; to?: number },
): Promise<GroupRow[]> {
  await refreshSessionRollup(db);
  const dims = [...new Set(query.dimensions)];
  const stageMap = query.stageMap ?? {};
  const p = new Params();
  const select = dims.map((d, i) => `${dimensionSql(d, stageMap, p)} AS d${i}`);
  const dayConditions: string[] = [];
  if (days.from !== undefined) dayConditions.push(`u.day >= ${p.add(days.from)}::bigint`);
  if (days.to !== undefined) dayConditions.push(`u.day < ${p.add(days.to)}::bigint`);
  const whereSql = usageWhere(withoutDates(query.filter), p, dayConditions);
  const joinAgents = dims.includes('agent') || dims.includes('stage');
  const joinOrigins = dims.includes('machine') || dims.includes('user');
  // Grouped by position, as the usage rows are; in the order of the group keys, as a sorted grouping
  // of the usage rows gives them (the order a report adds them in, so its totals sum alike).
  const positions = Array.from({ length: dims.length + 6 }, (_, i) => i + 1).join(', ');
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
    GROUP BY ${positions} ORDER BY ${positions}`;
  const rows = await db.query<GroupDbRow>(sql, p.values);
  return rows.map((r) => ({
    values: groupValues(r, dims),
    bucket: r.bucket,
    ...pricedSums(r),
    firstTs: r.first_ts,
    lastTs: r.last_ts,
  }));
}
