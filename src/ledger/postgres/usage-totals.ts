/**
 * Usage summed per task, session, stage and model in the PostgreSQL ledger (see
 * `UsageTotalsRepository`): the same rows as the SQLite store's usage-totals.ts.
 * @module
 */
import type { StageMap } from '../task-repository.js';
import type { UsageFilter, UsageTotalRow } from '../usage-repository.js';
import type { PgQueryable } from './connection.js';
import { dimensionSql, Params, usageWhere } from './queries.js';

interface Row {
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

export async function usageTotals(
  db: PgQueryable,
  filter: UsageFilter,
  stageMap: StageMap = {},
): Promise<UsageTotalRow[]> {
  const p = new Params();
  const stage = dimensionSql('stage', stageMap, p);
  const where = usageWhere(filter, p);
  const rows = await db.query<Row>(
    `SELECT coalesce(u.task_id, '') AS task, u.session_id AS session, coalesce(${stage}, '') AS stage,
       u.model AS model, sum(u.input_tokens) AS input, sum(u.output_tokens) AS output,
       sum(u.cache_write_tokens) AS cache_write, sum(u.cache_read_tokens) AS cache_read,
       count(*) AS responses, min(u.ts) AS first_ts, max(u.ts) AS last_ts
     FROM usage u LEFT JOIN agents a ON a.session_id = u.session_id AND a.agent_id = u.agent_id
     ${where}
     GROUP BY 1, 2, 3, 4`,
    p.values,
  );
  return rows.map((r) => ({
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
  }));
}
