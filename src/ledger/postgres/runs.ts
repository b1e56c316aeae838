/**
 * `tokenledger run` results in the PostgreSQL store (as in `ledger/sqlite/tasks.ts`): the CLI's own
 * authoritative totals per run. Recording a run on a task clears that task's forgetting.
 * @module
 */
import { taskKey } from '../record-identity.js';
import type { RunRecord, RunRow } from '../run-repository.js';
import type { PgDb, PgQueryable } from './connection.js';
import { clearForgotten } from './forgotten.js';
import { parseLabels } from './tasks.js';

const RUN_COLUMNS = `session_id, task_id, stage, labels, started_at, ended_at, exit_code, signal, total_cost_usd, cost_usd,
  model_usage, num_turns, duration_ms, duration_api_ms, is_error, subtype, source`;

/** Inserts a run (inside the caller's transaction); returns its id. */
export async function insertRun(q: PgQueryable, run: RunRecord): Promise<number> {
  const rows = await q.query<{ id: number }>(
    `INSERT INTO runs (${RUN_COLUMNS})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
    [
      run.sessionId,
      run.taskId,
      run.stage,
      run.labels === null ? null : JSON.stringify(run.labels),
      run.startedAt,
      run.endedAt,
      run.exitCode,
      run.signal,
      run.totalCostUsd,
      run.costUsd,
      run.modelUsage === null ? null : JSON.stringify(run.modelUsage),
      run.numTurns,
      run.durationMs,
      run.durationApiMs,
      run.isError ? 1 : 0,
      run.subtype,
      run.source,
    ],
  );
  return Number(rows[0]?.id);
}

export async function recordRun(db: PgDb, run: RunRecord): Promise<number> {
  return db.transaction(async (q) => {
    if (run.taskId !== null) await clearForgotten(q, [taskKey(run.taskId)]);
    return insertRun(q, run);
  });
}

interface RunDbRow {
  id: number;
  session_id: string | null;
  task_id: string | null;
  stage: string | null;
  labels: string | null;
  started_at: number;
  ended_at: number;
  exit_code: number | null;
  signal: string | null;
  total_cost_usd: number | null;
  cost_usd: number | null;
  model_usage: string | null;
  num_turns: number | null;
  duration_ms: number | null;
  duration_api_ms: number | null;
  is_error: number;
  subtype: string | null;
  source: string;
}

/** Runs (read with `q`), ordered by start, then id. */
export async function runsIn(
  q: PgQueryable,
  filter: { sessionId?: string; tasks?: readonly string[] },
): Promise<RunRow[]> {
  const where: string[] = [];
  const params: (string | string[])[] = [];
  if (filter.sessionId !== undefined) {
    params.push(filter.sessionId);
    where.push(`session_id = $${params.length}`);
  }
  if (filter.tasks !== undefined) {
    params.push([...filter.tasks]);
    where.push(`task_id = ANY($${params.length}::text[])`);
  }
  const rows = await q.query<RunDbRow>(
    `SELECT id, ${RUN_COLUMNS} FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY started_at, id`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    sessionId: r.session_id,
    taskId: r.task_id,
    stage: r.stage,
    labels: r.labels === null ? null : parseLabels(r.labels),
    startedAt: r.started_at,
    endedAt: r.ended_at,
    exitCode: r.exit_code,
    signal: r.signal,
    totalCostUsd: r.total_cost_usd,
    costUsd: r.cost_usd,
    modelUsage: r.model_usage === null ? null : (JSON.parse(r.model_usage) as Record<string, unknown>),
    numTurns: r.num_turns,
    durationMs: r.duration_ms,
    durationApiMs: r.duration_api_ms,
    isError: r.is_error === 1,
    subtype: r.subtype,
    source: r.source,
  }));
}

export async function runs(
  db: PgDb,
  filter: { sessionId?: string; tasks?: readonly string[] },
): Promise<RunRow[]> {
  return runsIn(db, filter);
}
