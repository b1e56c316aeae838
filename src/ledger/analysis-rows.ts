/**
 * The rows of the per-request series and the usage totals as both backends' queries return them
 * (the same columns), and how they become the repository's {@link RequestPoint} and
 * {@link UsageTotalRow}: written once. PostgreSQL gives some sums as strings, hence `Number`.
 * @module
 */
import type { RequestPoint, UsageTotalRow } from './usage-repository.js';

export interface RequestPointDbRow {
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

/** The columns of {@link RequestPointDbRow} over `usage` (no alias). */
export const REQUEST_POINT_COLUMNS = `session_id, coalesce(agent_id, '') AS agent_id, dedup_key, ts, model, input_tokens,
  cache_read_tokens, cache_write_tokens, output_tokens, cache_write_1h_tokens, web_search_requests,
  coalesce(speed, '') AS speed, coalesce(geo, '') AS geo, reported_cost`;

export function toRequestPoint(r: RequestPointDbRow): RequestPoint {
  return {
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
  };
}

export interface UsageTotalDbRow {
  task: string;
  session: string;
  stage: string;
  model: string;
  input: number;
  output: number;
  cache_write: number;
  cache_read: number;
  responses: number;
  first_ts: number;
  last_ts: number;
}

/**
 * The query of {@link UsageTotalDbRow}s: usage summed per task, session, stage and model, with the
 * backend's stage expression and WHERE clause. The rows are summed first by their own columns (the
 * subagent among them) and only those sums joined to their subagent's type: one lookup per
 * subagent and model instead of one per row, which on a window of 100k rows is most of the join.
 */
export function usageTotalsSql(stageSql: string, whereSql: string): string {
  return `SELECT coalesce(u.task_id, '') AS task, u.session_id AS session, coalesce(${stageSql}, '') AS stage,
    u.model AS model, sum(u.input) AS input, sum(u.output) AS output,
    sum(u.cache_write) AS cache_write, sum(u.cache_read) AS cache_read,
    sum(u.responses) AS responses, min(u.first_ts) AS first_ts, max(u.last_ts) AS last_ts
  FROM (SELECT u.task_id, u.session_id, u.agent_id, u.sidechain, u.stage, u.model,
      sum(u.input_tokens) AS input, sum(u.output_tokens) AS output,
      sum(u.cache_write_tokens) AS cache_write, sum(u.cache_read_tokens) AS cache_read,
      count(*) AS responses, min(u.ts) AS first_ts, max(u.ts) AS last_ts
    FROM usage u
    ${whereSql}
    GROUP BY u.session_id, u.agent_id, u.task_id, u.stage, u.sidechain, u.model) u
  LEFT JOIN agents a ON a.session_id = u.session_id AND a.agent_id = u.agent_id
  GROUP BY 1, 2, 3, 4`;
}

export function toUsageTotalRow(r: UsageTotalDbRow): UsageTotalRow {
  return {
    task: r.task,
    session: r.session,
    stage: r.stage,
    model: r.model,
    input: r.input,
    output: r.output,
    cacheWrite: r.cache_write,
    cacheRead: r.cache_read,
    responses: r.responses,
    firstTs: r.first_ts,
    lastTs: r.last_ts,
  };
}
