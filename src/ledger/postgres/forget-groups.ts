/**
 * Usage grouped by UTC day and pricing key for `forget`'s outcome (removed, before, after, moved),
 * in the order SQLite's grouping gives them (its GROUP BY sorts; text by code point, nulls first).
 * @module
 */
import type { Reattributed } from '../forget.js';
import type { GroupRow } from '../usage-repository.js';
import type { SizeClass } from '../usage-sums.js';
import type { PgQueryable } from './connection.js';

/** A WHERE clause over `usage u` and its parameters ($1, $2, … in order). */
export interface Where {
  sql: string[];
  params: unknown[];
}

export function where(): Where {
  return { sql: [], params: [] };
}

/** Adds a condition; `?` in it stands for the next parameter. */
export function and(w: Where, sql: string, ...params: unknown[]): Where {
  let text = sql;
  for (const p of params) {
    w.params.push(p);
    text = text.replace('?', `$${w.params.length}`);
  }
  w.sql.push(text);
  return w;
}

export function clause(w: Where): string {
  return w.sql.length === 0 ? 'true' : w.sql.join(' AND ');
}

const TOTAL = 'u.input_tokens + u.cache_write_tokens + u.cache_read_tokens';

const GROUP_COLUMNS = `(u.ts / 86400000) * 96 AS bucket, u.model AS model,
  CASE WHEN ${TOTAL} > 200000 THEN 2 WHEN ${TOTAL} > 100000 THEN 1 ELSE 0 END AS size_class,
  coalesce(u.speed, '') AS speed, coalesce(u.geo, '') AS geo, u.reported_cost IS NOT NULL AS has_reported,
  sum(u.input_tokens)::bigint AS input_tokens, sum(u.output_tokens)::bigint AS output_tokens,
  sum(u.cache_write_tokens)::bigint AS cache_write_tokens, sum(u.cache_write_1h_tokens)::bigint AS cache_write_1h_tokens,
  sum(u.cache_read_tokens)::bigint AS cache_read_tokens, sum(u.web_search_requests)::bigint AS web_search_requests,
  coalesce(sum(u.reported_cost), 0)::double precision AS reported_cost, count(u.reported_cost)::integer AS reported_rows,
  count(*)::integer AS responses, sum(1 - u.output_final)::integer AS lower_bound,
  min(u.ts) AS first_ts, max(u.ts) AS last_ts`;
const GROUP_BY = 'bucket, model, size_class, speed, geo, has_reported';
const ORDER_BY =
  'bucket, model COLLATE "C", size_class, speed COLLATE "C" NULLS FIRST, geo COLLATE "C" NULLS FIRST, has_reported';

interface GroupDbRow {
  bucket: number;
  model: string;
  size_class: number;
  speed: string;
  geo: string;
  input_tokens: number;
  output_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  cache_read_tokens: number;
  web_search_requests: number;
  reported_cost: number;
  reported_rows: number;
  responses: number;
  lower_bound: number;
  first_ts: number;
  last_ts: number;
}

function toGroup(r: GroupDbRow): GroupRow {
  return {
    values: {},
    bucket: r.bucket,
    model: r.model,
    sizeClass: r.size_class as SizeClass,
    speed: r.speed,
    geo: r.geo,
    firstTs: r.first_ts,
    lastTs: r.last_ts,
    input: r.input_tokens,
    output: r.output_tokens,
    cacheWrite: r.cache_write_tokens,
    cacheWrite1h: r.cache_write_1h_tokens,
    cacheRead: r.cache_read_tokens,
    webSearch: r.web_search_requests,
    reportedCost: r.reported_cost,
    reportedRows: r.reported_rows,
    responses: r.responses,
    lowerBound: r.lower_bound,
  };
}

/** Usage rows (`usage u`) matching `w`, grouped by UTC day and pricing key. */
export async function usageGroups(q: PgQueryable, w: Where): Promise<GroupRow[]> {
  const rows = await q.query<GroupDbRow>(
    `SELECT ${GROUP_COLUMNS} FROM usage u WHERE ${clause(w)} GROUP BY ${GROUP_BY} ORDER BY ${ORDER_BY}`,
    w.params,
  );
  return rows.map(toGroup);
}

/** Rows whose task changed (per `forget_moves`), grouped by the move (from, to), then by day and pricing key. */
export async function moves(q: PgQueryable): Promise<Reattributed[]> {
  const rows = await q.query<GroupDbRow & { from_task: string | null; to_task: string | null }>(
    `SELECT m.task_id AS from_task, u.task_id AS to_task, ${GROUP_COLUMNS}
     FROM forget_moves m JOIN usage u ON u.id = m.id
     WHERE u.task_id IS DISTINCT FROM m.task_id
     GROUP BY from_task, to_task, ${GROUP_BY}
     ORDER BY m.task_id COLLATE "C" NULLS FIRST, u.task_id COLLATE "C" NULLS FIRST, ${ORDER_BY}`,
  );
  const out: Reattributed[] = [];
  for (const r of rows) {
    let last = out.at(-1);
    if (last === undefined || last.from !== r.from_task || last.to !== r.to_task) {
      last = { from: r.from_task, to: r.to_task, usage: [] };
      out.push(last);
    }
    last.usage.push(toGroup(r));
  }
  return out;
}
