/**
 * Tasks and small persistent values in the PostgreSQL store; the same rules as the SQLite store's
 * (`ledger/sqlite/tasks.ts`): a save merges labels, keeps what it does not set, and clears the task's
 * forgetting (the user declared it again).
 * @module
 */

import { type TaskDbRow, toTask } from '../ledger-rows.js';
import { taskKey } from '../record-identity.js';
import type { TaskRow, TaskStatus, TaskUpdate } from '../task-repository.js';
import type { PgDb, PgQueryable } from './connection.js';
import { clearForgotten } from './forgotten.js';

/** A `tasks` row as PostgreSQL returns it. */
/** The columns of `tasks`, in the order the INSERTs here list them. */
export const TASK_COLUMNS =
  'id, title, parent_id, status, estimate_tokens, estimate_usd, labels, stage, project, created_at, started_at, ended_at';

/** Parses a labels column into labels (empty when absent). */

/** One task, read with `q` (inside a transaction or not). */
export async function taskIn(q: PgQueryable, id: string, forUpdate = false): Promise<TaskRow | null> {
  const rows = await q.query<TaskDbRow>(
    `SELECT ${TASK_COLUMNS} FROM tasks WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  const r = rows[0];
  return r === undefined ? null : toTask(r);
}

export async function task(db: PgDb, id: string): Promise<TaskRow | null> {
  return taskIn(db, id);
}

export async function saveTask(db: PgDb, u: TaskUpdate): Promise<TaskRow> {
  return db.transaction(async (q) => {
    await clearForgotten(q, [taskKey(u.id)]);
    // The row is locked while it is merged: a concurrent save waits and then merges into this one.
    await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tokenledger:task:${u.id}`]);
    const now = Date.now();
    const old = await taskIn(q, u.id, true);
    const next: TaskRow = {
      id: u.id,
      title: u.title !== undefined ? u.title : (old?.title ?? null),
      parentId: u.parentId !== undefined ? u.parentId : (old?.parentId ?? null),
      // A task is only ever active through `task start` (startTask): one named otherwise is open.
      status: u.status ?? old?.status ?? 'open',
      estimateTokens: u.estimateTokens !== undefined ? u.estimateTokens : (old?.estimateTokens ?? null),
      estimateUsd: u.estimateUsd !== undefined ? u.estimateUsd : (old?.estimateUsd ?? null),
      labels: { ...(old?.labels ?? {}), ...(u.labels ?? {}) },
      stage: u.stage !== undefined ? u.stage : (old?.stage ?? null),
      project: u.project !== undefined ? u.project : (old?.project ?? null),
      createdAt: old?.createdAt ?? now,
      startedAt: u.startedAt ?? old?.startedAt ?? null,
      endedAt: u.endedAt !== undefined ? u.endedAt : (old?.endedAt ?? null),
    };
    await q.query(
      `INSERT INTO tasks (${TASK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (id) DO UPDATE SET title = excluded.title, parent_id = excluded.parent_id, status = excluded.status,
         estimate_tokens = excluded.estimate_tokens, estimate_usd = excluded.estimate_usd, labels = excluded.labels,
         stage = excluded.stage, project = excluded.project, started_at = excluded.started_at, ended_at = excluded.ended_at`,
      [
        next.id,
        next.title,
        next.parentId,
        next.status,
        next.estimateTokens,
        next.estimateUsd,
        Object.keys(next.labels).length > 0 ? JSON.stringify(next.labels) : null,
        next.stage,
        next.project,
        next.createdAt,
        next.startedAt,
        next.endedAt,
      ],
    );
    return next;
  });
}

export async function tasks(
  db: PgDb,
  filter: { status?: TaskStatus; project?: string } = {},
): Promise<TaskRow[]> {
  const where: string[] = [];
  const params: string[] = [];
  if (filter.status !== undefined) {
    params.push(filter.status);
    where.push(`status = $${params.length}`);
  }
  if (filter.project !== undefined) {
    params.push(filter.project);
    where.push(`project = $${params.length}`);
  }
  const rows = await db.query<TaskDbRow>(
    `SELECT ${TASK_COLUMNS} FROM tasks ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY created_at, id COLLATE "C"`,
    params,
  );
  return rows.map(toTask);
}

export async function taskTree(db: PgDb, id: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `WITH RECURSIVE tree(id) AS (SELECT $1::text UNION SELECT t.id FROM tasks t JOIN tree ON t.parent_id = tree.id)
     SELECT id FROM tree`,
    [id],
  );
  return rows.map((r) => r.id);
}

export async function metaValue(db: PgDb, key: string): Promise<string | null> {
  const rows = await db.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
  return rows[0]?.value ?? null;
}

export async function setMetaValue(db: PgDb, key: string, value: string): Promise<void> {
  await db.query(
    'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    [key, value],
  );
}

/** Compare-and-set: one statement, so atomic (see `TaskRepository.claimMetaValue`). */
export async function claimMetaValue(
  db: PgDb,
  key: string,
  expected: string | null,
  next: string | null,
): Promise<boolean> {
  if (expected === null && next === null) return (await metaValue(db, key)) === null;
  const rows =
    expected === null
      ? await db.query(
          'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key',
          [key, next],
        )
      : next === null
        ? await db.query('DELETE FROM meta WHERE key = $1 AND value = $2 RETURNING key', [key, expected])
        : await db.query('UPDATE meta SET value = $1 WHERE key = $2 AND value = $3 RETURNING key', [
            next,
            key,
            expected,
          ]);
  return rows.length > 0;
}
