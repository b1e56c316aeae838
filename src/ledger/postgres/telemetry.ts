/**
 * Declared telemetry (seed 000) in the PostgreSQL store: declarations merged per task, and the error
 * log, by the rules of `ledger/sqlite/telemetry.ts`. A declaration's entry replaces the one declared
 * before except that a null keeps the earlier value, and the first declared timestamp stays; then the
 * task's counted rows are re-derived (captured usage wins, see declared-usage.ts).
 * @module
 */
import { declaredTaskKey, taskKey } from '../record-identity.js';
import type {
  Declaration,
  DeclaredTask,
  TelemetryErrorInput,
  TelemetryErrorKind,
  TelemetryErrorRow,
} from '../telemetry-repository.js';
import type { ImportOrigin } from '../usage-repository.js';
import type { PgDb, PgQueryable } from './connection.js';
import {
  ENTRY_COLUMNS,
  type EntryDbRow,
  lockDeclared,
  reconcileTask,
  TELEMETRY_SOURCE,
  toEntry,
} from './declared-usage.js';
import { clearForgotten } from './forgotten.js';
import { originIdOf } from './usage-writes.js';

export async function declareTask(db: PgDb, d: Declaration, origin: ImportOrigin): Promise<void> {
  await db.transaction(async (q) => {
    await lockDeclared(q);
    await clearForgotten(q, [declaredTaskKey(d.taskId), taskKey(d.taskId)]);
    const originId = await originIdOf(q, origin);
    await q.query(
      `INSERT INTO telemetry_tasks (task_id, ts, declared_at, summary, mode, project, origin_id, received_at, missing)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (task_id) DO UPDATE SET
         ts = CASE WHEN telemetry_tasks.declared_at IS NULL THEN excluded.ts ELSE telemetry_tasks.ts END,
         declared_at = coalesce(telemetry_tasks.declared_at, excluded.declared_at),
         summary = CASE WHEN excluded.summary = 'unavailable' THEN telemetry_tasks.summary ELSE excluded.summary END,
         mode = excluded.mode,
         project = coalesce(excluded.project, telemetry_tasks.project),
         origin_id = excluded.origin_id,
         received_at = excluded.received_at,
         missing = excluded.missing`,
      [
        d.taskId,
        d.ts,
        d.declaredAt,
        d.summary,
        d.mode,
        d.project,
        originId,
        d.receivedAt,
        JSON.stringify(d.missing),
      ],
    );
    for (const e of d.entries) {
      await q.query(
        `INSERT INTO telemetry_entries (${ENTRY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (task_id, agent, model) DO UPDATE SET
           input_tokens = coalesce(excluded.input_tokens, telemetry_entries.input_tokens),
           output_tokens = coalesce(excluded.output_tokens, telemetry_entries.output_tokens),
           total_tokens = coalesce(excluded.total_tokens, telemetry_entries.total_tokens),
           estimated_cost = coalesce(excluded.estimated_cost, telemetry_entries.estimated_cost)`,
        [d.taskId, e.agent, e.model, e.inputTokens, e.outputTokens, e.totalTokens, e.estimatedCost],
      );
    }
    await reconcileTask(q, d.taskId);
  });
}

interface TaskDbRow {
  task_id: string;
  ts: number;
  declared_at: string | null;
  summary: string;
  mode: string;
  project: string | null;
  machine: string;
  user_name: string;
  received_at: number;
  missing: string;
  captured: boolean;
}

/** Declared tasks (read with `q`), ordered by timestamp, then id. */
export async function declaredTasksIn(
  q: PgQueryable,
  filter: { fromMs?: number; toMs?: number; taskIds?: readonly string[] },
): Promise<DeclaredTask[]> {
  const where: string[] = [];
  const params: (number | string[])[] = [];
  if (filter.fromMs !== undefined) {
    params.push(filter.fromMs);
    where.push(`t.ts >= $${params.length}`);
  }
  if (filter.toMs !== undefined) {
    params.push(filter.toMs);
    where.push(`t.ts < $${params.length}`);
  }
  if (filter.taskIds !== undefined) {
    if (filter.taskIds.length === 0) return [];
    params.push([...filter.taskIds]);
    where.push(`t.task_id = ANY($${params.length}::text[])`);
  }
  const rows = await q.query<TaskDbRow>(
    `SELECT t.task_id, t.ts, t.declared_at, t.summary, t.mode, t.project, t.received_at, t.missing,
       o.machine, o.user_name,
       EXISTS (SELECT 1 FROM usage u WHERE u.task_id = t.task_id AND u.source <> '${TELEMETRY_SOURCE}') AS captured
     FROM telemetry_tasks t JOIN origins o ON o.id = t.origin_id
     ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
     ORDER BY t.ts, t.task_id COLLATE "C"`,
    params,
  );
  if (rows.length === 0) return [];
  const entryRows = await q.query<EntryDbRow>(
    `SELECT ${ENTRY_COLUMNS} FROM telemetry_entries WHERE task_id = ANY($1::text[])
     ORDER BY agent COLLATE "C", model COLLATE "C"`,
    [rows.map((r) => r.task_id)],
  );
  const entries = new Map<string, EntryDbRow[]>();
  for (const e of entryRows) {
    const list = entries.get(e.task_id);
    if (list === undefined) entries.set(e.task_id, [e]);
    else list.push(e);
  }
  return rows.map((r) => ({
    taskId: r.task_id,
    ts: r.ts,
    declaredAt: r.declared_at,
    summary: r.summary,
    mode: r.mode,
    project: r.project,
    machine: r.machine,
    user: r.user_name,
    receivedAt: r.received_at,
    missing: JSON.parse(r.missing) as string[],
    entries: (entries.get(r.task_id) ?? []).map(toEntry),
    captured: r.captured,
  }));
}

export async function declaredTasks(
  db: PgDb,
  filter: { fromMs?: number; toMs?: number; taskIds?: readonly string[] },
): Promise<DeclaredTask[]> {
  return declaredTasksIn(db, filter);
}

export async function saveTelemetryErrors(db: PgDb, list: readonly TelemetryErrorInput[]): Promise<void> {
  if (list.length === 0) return;
  const now = Date.now();
  await db.transaction(async (q) => {
    for (const e of list) {
      await q.query(
        `INSERT INTO telemetry_errors (key, at, task_id, field, kind, problem, resolution, resolved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (key) DO UPDATE SET task_id = excluded.task_id, field = excluded.field, kind = excluded.kind,
           problem = excluded.problem, resolution = excluded.resolution,
           resolved_at = CASE WHEN excluded.resolution IS NULL THEN NULL
             WHEN telemetry_errors.resolution IS NOT DISTINCT FROM excluded.resolution THEN telemetry_errors.resolved_at
             ELSE excluded.resolved_at END`,
        [e.key, e.at, e.taskId, e.field, e.kind, e.problem, e.resolution, e.resolution === null ? null : now],
      );
    }
  });
}

interface ErrorDbRow {
  id: number;
  key: string;
  at: number;
  task_id: string | null;
  field: string | null;
  kind: string;
  problem: string;
  resolution: string | null;
  resolved_at: number | null;
}

/** Error-log entries (read with `q`), ordered by time, then id. */
export async function telemetryErrorsIn(
  q: PgQueryable,
  filter: { fromMs?: number; toMs?: number; pending?: boolean },
): Promise<TelemetryErrorRow[]> {
  const where: string[] = [];
  const params: number[] = [];
  if (filter.fromMs !== undefined) {
    params.push(filter.fromMs);
    where.push(`at >= $${params.length}`);
  }
  if (filter.toMs !== undefined) {
    params.push(filter.toMs);
    where.push(`at < $${params.length}`);
  }
  if (filter.pending === true) where.push('resolution IS NULL');
  const rows = await q.query<ErrorDbRow>(
    `SELECT id, key, at, task_id, field, kind, problem, resolution, resolved_at FROM telemetry_errors
     ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY at, id`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    at: r.at,
    taskId: r.task_id,
    field: r.field,
    kind: r.kind as TelemetryErrorKind,
    problem: r.problem,
    resolution: r.resolution,
    resolvedAt: r.resolved_at,
  }));
}

export async function telemetryErrors(
  db: PgDb,
  filter: { fromMs?: number; toMs?: number; pending?: boolean },
): Promise<TelemetryErrorRow[]> {
  return telemetryErrorsIn(db, filter);
}
