/**
 * `tokenledger run` results in the PostgreSQL store (as in `ledger/sqlite/tasks.ts`): the CLI's own
 * authoritative totals per run. Recording a run on a task clears that task's forgetting.
 * @module
 */

import { type RunDbRow, toRun } from '../ledger-rows.js';
import { taskKey } from '../record-identity.js';
import type { RunRecord, RunRow } from '../run-repository.js';
import type { PgDb, PgQueryable } from './connection.js';
import { clearForgotten } from './forgotten.js';

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
  return rows.map(toRun);
}

export async function runs(
  db: PgDb,
  filter: { sessionId?: string; tasks?: readonly string[] },
): Promise<RunRow[]> {
  return runsIn(db, filter);
}
