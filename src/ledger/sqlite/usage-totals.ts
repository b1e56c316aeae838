/**
 * Usage summed per task, session, stage and model in the SQLite ledger (see `UsageTotalsRepository`).
 * @module
 */
import type { StageMap } from '../task-repository.js';
import type { UsageFilter, UsageTotalRow } from '../usage-repository.js';
import { dimensionSql, usageWhere } from './queries.js';
import type { Statements } from './statements.js';

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

export function usageTotals(s: Statements, filter: UsageFilter, stageMap: StageMap = {}): UsageTotalRow[] {
  const stage = dimensionSql('stage', stageMap);
  const params: (string | number)[] = [...stage.params];
  const where = usageWhere(filter, params);
  const rows = s
    .get(
      `SELECT coalesce(u.task_id, '') AS task, u.session_id AS session, coalesce(${stage.sql}, '') AS stage,
         u.model AS model, sum(u.input_tokens) AS input, sum(u.output_tokens) AS output,
         sum(u.cache_write_tokens) AS cache_write, sum(u.cache_read_tokens) AS cache_read,
         count(*) AS responses, min(u.ts) AS first_ts, max(u.ts) AS last_ts
       FROM usage u LEFT JOIN agents a ON a.session_id = u.session_id AND a.agent_id = u.agent_id
       ${where}
       GROUP BY 1, 2, 3, 4`,
    )
    .all(...params) as Row[];
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
