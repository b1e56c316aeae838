/**
 * Tasks, attribution spans and `run` results in the SQLite store.
 * @module
 */

import { type RunDbRow, type SpanDbRow, type TaskDbRow, toRun, toSpan, toTask } from '../ledger-rows.js';
import type { RunRecord, RunRow } from '../run-repository.js';
import type { SpanInput, SpanRow, TaskRow, TaskStatus, TaskUpdate } from '../task-repository.js';
import type { Statements } from './statements.js';

/** A `tasks` row as SQLite returns it. */

export function task(s: Statements, id: string): TaskRow | null {
  const r = s.get('SELECT * FROM tasks WHERE id = ?').get(id) as TaskDbRow | undefined;
  return r === undefined ? null : toTask(r);
}

export function saveTask(s: Statements, u: TaskUpdate): TaskRow {
  return s.write(() => {
    const now = Date.now();
    const old = task(s, u.id);
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
    s.get(
      `INSERT INTO tasks (id, title, parent_id, status, estimate_tokens, estimate_usd, labels, stage, project, created_at, started_at, ended_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET title = excluded.title, parent_id = excluded.parent_id, status = excluded.status,
         estimate_tokens = excluded.estimate_tokens, estimate_usd = excluded.estimate_usd, labels = excluded.labels,
         stage = excluded.stage, project = excluded.project, started_at = excluded.started_at, ended_at = excluded.ended_at`,
    ).run(
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
    );
    return next;
  });
}

export function tasks(s: Statements, filter: { status?: TaskStatus; project?: string } = {}): TaskRow[] {
  const where: string[] = [];
  const params: string[] = [];
  if (filter.status !== undefined) {
    where.push('status = ?');
    params.push(filter.status);
  }
  if (filter.project !== undefined) {
    where.push('project = ?');
    params.push(filter.project);
  }
  const rows = s
    .get(
      `SELECT * FROM tasks ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`,
    )
    .all(...params) as TaskDbRow[];
  return rows.map(toTask);
}

export function taskTree(s: Statements, id: string): string[] {
  const rows = s
    .get(
      `WITH RECURSIVE tree(id) AS (SELECT ? UNION SELECT t.id FROM tasks t JOIN tree ON t.parent_id = tree.id)
       SELECT id FROM tree`,
    )
    .raw()
    .all(id) as [string][];
  return rows.map((r) => r[0]);
}

/** Rows a span covers are marked pending, so the attribute step revisits them. */
export function markCovered(
  s: Statements,
  span: {
    scope: string;
    session_id: string | null;
    agent_id: string | null;
    project: string | null;
    from_ts: number;
  },
): void {
  if (span.scope === 'project' && span.project !== null) {
    s.get(
      `UPDATE usage SET attributed = 0 WHERE ts >= ? AND attributed = 1
         AND (project = ? OR substr(project, 1, length(?) + 1) = ? || '/')`,
    ).run(span.from_ts, span.project, span.project, span.project);
  } else if (span.session_id !== null) {
    s.get('UPDATE usage SET attributed = 0 WHERE session_id = ? AND ts >= ? AND attributed = 1').run(
      span.session_id,
      span.from_ts,
    );
  }
}

function attributionOn(s: Statements): void {
  s.get(
    "INSERT INTO meta (key, value) VALUES ('attribution', 'on') ON CONFLICT (key) DO UPDATE SET value = 'on'",
  ).run();
}

export function openSpan(s: Statements, span: SpanInput): number {
  return s.write(() => {
    attributionOn(s);
    const r = s
      .get(
        `INSERT INTO spans (scope, session_id, agent_id, project, from_ts, to_ts, task_id, stage, labels, source, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        span.scope,
        span.sessionId ?? null,
        span.agentId ?? null,
        span.project ?? null,
        span.fromTs,
        span.toTs ?? null,
        span.taskId ?? null,
        span.stage ?? null,
        span.labels && Object.keys(span.labels).length > 0 ? JSON.stringify(span.labels) : null,
        span.source,
        Date.now(),
      );
    markCovered(s, {
      scope: span.scope,
      session_id: span.sessionId ?? null,
      agent_id: span.agentId ?? null,
      project: span.project ?? null,
      from_ts: span.fromTs,
    });
    return Number(r.lastInsertRowid);
  });
}

const MATCH_COLUMNS = {
  scope: 'scope',
  sessionId: 'session_id',
  agentId: 'agent_id',
  project: 'project',
  taskId: 'task_id',
  source: 'source',
} as const;

export function closeSpans(
  s: Statements,
  match: Partial<Record<keyof typeof MATCH_COLUMNS, string | null>>,
  atTs: number,
): number {
  return s.write(() => {
    const where = ['to_ts IS NULL'];
    const params: (string | number)[] = [];
    for (const [key, column] of Object.entries(MATCH_COLUMNS)) {
      const v = match[key as keyof typeof MATCH_COLUMNS];
      if (v === undefined) continue;
      if (v === null) where.push(`${column} IS NULL`);
      else {
        where.push(`${column} = ?`);
        params.push(v);
      }
    }
    const open = s.get(`SELECT * FROM spans WHERE ${where.join(' AND ')}`).all(...params) as SpanDbRow[];
    const end = s.get('UPDATE spans SET to_ts = ? WHERE id = ?');
    for (const span of open) {
      const endTs = Math.max(atTs, span.from_ts);
      end.run(endTs, span.id);
      // Only usage from the end on loses this span.
      markCovered(s, { ...span, from_ts: endTs });
    }
    return open.length;
  });
}

export function openProjectSpans(s: Statements, project?: string): SpanRow[] {
  if (project === undefined) {
    const all = s
      .get("SELECT * FROM spans WHERE scope = 'project' AND to_ts IS NULL ORDER BY from_ts DESC, id DESC")
      .all() as SpanDbRow[];
    return all.map(toSpan);
  }
  const rows = s
    .get(
      `SELECT * FROM spans WHERE scope = 'project' AND to_ts IS NULL
         AND (project = ? OR substr(?, 1, length(project) + 1) = project || '/')
       ORDER BY length(project) DESC, from_ts DESC, id DESC`,
    )
    .all(project, project) as SpanDbRow[];
  return rows.map(toSpan);
}

export function openSessionSpans(s: Statements, sessionId: string): SpanRow[] {
  const rows = s
    .get(
      "SELECT * FROM spans WHERE scope = 'session' AND session_id = ? AND to_ts IS NULL ORDER BY from_ts DESC, id DESC",
    )
    .all(sessionId) as SpanDbRow[];
  return rows.map(toSpan);
}

export function recordRun(s: Statements, run: RunRecord): number {
  const r = s
    .get(
      `INSERT INTO runs (session_id, task_id, stage, labels, started_at, ended_at, exit_code, signal, total_cost_usd, cost_usd,
         model_usage, num_turns, duration_ms, duration_api_ms, is_error, subtype, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
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
    );
  return Number(r.lastInsertRowid);
}

export function runs(s: Statements, filter: { sessionId?: string; tasks?: readonly string[] }): RunRow[] {
  const where: string[] = [];
  const params: string[] = [];
  if (filter.sessionId !== undefined) {
    where.push('session_id = ?');
    params.push(filter.sessionId);
  }
  if (filter.tasks !== undefined) {
    where.push(filter.tasks.length === 0 ? '0' : `task_id IN (${filter.tasks.map(() => '?').join(', ')})`);
    params.push(...filter.tasks);
  }
  const rows = s
    .get(
      `SELECT * FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at, id`,
    )
    .all(...params) as RunDbRow[];
  return rows.map(toRun);
}
