/**
 * Declared telemetry (seed 000) in the SQLite ledger: declarations merged per task, the error log,
 * and the rule that keeps anything from counting twice.
 *
 * The rule, per task: **captured usage wins**. While no usage captured from transcripts, hooks or
 * runs is attributed to a task, its declared entries count: each becomes one usage row with source
 * `telemetry` (so every report, budget and export sees it). As soon as captured usage is attributed
 * to the task, those rows are removed and the captured rows count instead; the declaration is kept,
 * so the two can be compared (mismatches go to the error log, see `ledger/telemetry-actions.ts`).
 * {@link reconcileDeclared} applies the rule; it runs after every declaration and after every
 * attribute step.
 * @module
 */

import { countedTokens, declaredDedupKey, telemetrySession } from '../declared-entries.js';
import { DECLARED_USAGE_SOURCE } from '../ledger-records.js';
import type {
  Declaration,
  DeclaredEntry,
  DeclaredTask,
  TelemetryErrorInput,
  TelemetryErrorKind,
  TelemetryErrorRow,
} from '../telemetry-repository.js';
import type { ImportOrigin } from '../usage-repository.js';
import { BUCKET_MS } from '../usage-sums.js';
import { markDirty } from './rollup.js';
import type { Statements } from './statements.js';
import { originIdOf } from './usage-writes.js';

/** The source of usage rows derived from declarations. */
export const TELEMETRY_SOURCE = DECLARED_USAGE_SOURCE;

export { telemetrySession };

export function declareTask(s: Statements, d: Declaration, origin: ImportOrigin): void {
  s.write(() => {
    const originId = originIdOf(s, origin);
    s.get(
      `INSERT INTO telemetry_tasks (task_id, ts, declared_at, summary, mode, project, origin_id, received_at, missing)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (task_id) DO UPDATE SET
         ts = CASE WHEN telemetry_tasks.declared_at IS NULL THEN excluded.ts ELSE telemetry_tasks.ts END,
         declared_at = coalesce(telemetry_tasks.declared_at, excluded.declared_at),
         summary = CASE WHEN excluded.summary = 'unavailable' THEN telemetry_tasks.summary ELSE excluded.summary END,
         mode = excluded.mode,
         project = coalesce(excluded.project, telemetry_tasks.project),
         origin_id = excluded.origin_id,
         received_at = excluded.received_at,
         missing = excluded.missing`,
    ).run(
      d.taskId,
      d.ts,
      d.declaredAt,
      d.summary,
      d.mode,
      d.project,
      originId,
      d.receivedAt,
      JSON.stringify(d.missing),
    );
    const upsert = s.get(
      `INSERT INTO telemetry_entries (task_id, agent, model, input_tokens, output_tokens, total_tokens, estimated_cost)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (task_id, agent, model) DO UPDATE SET
         input_tokens = coalesce(excluded.input_tokens, input_tokens),
         output_tokens = coalesce(excluded.output_tokens, output_tokens),
         total_tokens = coalesce(excluded.total_tokens, total_tokens),
         estimated_cost = coalesce(excluded.estimated_cost, estimated_cost)`,
    );
    for (const e of d.entries) {
      upsert.run(d.taskId, e.agent, e.model, e.inputTokens, e.outputTokens, e.totalTokens, e.estimatedCost);
    }
    reconcileTask(s, d.taskId);
  });
}

/** True when usage other than declared telemetry is attributed to the task. */
function isCaptured(s: Statements, taskId: string): boolean {
  return (
    s.get(`SELECT 1 FROM usage WHERE task_id = ? AND source <> '${TELEMETRY_SOURCE}' LIMIT 1`).get(taskId) !==
    undefined
  );
}

interface EntryDbRow {
  task_id: string;
  agent: string;
  model: string;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  estimated_cost: number | null;
}

/**
 * Re-derives one task's counted rows from its declaration: none when captured usage exists, else one
 * row per entry. The rows are replaced, not merged, so a corrected declaration lowers them too.
 */
function reconcileTask(s: Statements, taskId: string): void {
  const buckets = new Set<number>();
  const old = s
    .get(`SELECT ts FROM usage WHERE session_id = ? AND source = '${TELEMETRY_SOURCE}'`)
    .all(telemetrySession(taskId)) as { ts: number }[];
  for (const r of old) buckets.add(Math.floor(r.ts / BUCKET_MS));
  s.get(`DELETE FROM usage WHERE session_id = ? AND source = '${TELEMETRY_SOURCE}'`).run(
    telemetrySession(taskId),
  );
  s.get('DELETE FROM agents WHERE session_id = ?').run(telemetrySession(taskId));
  const task = s.get('SELECT ts, project, origin_id FROM telemetry_tasks WHERE task_id = ?').get(taskId) as
    | { ts: number; project: string | null; origin_id: number }
    | undefined;
  if (task !== undefined && !isCaptured(s, taskId)) {
    const entries = s.get('SELECT * FROM telemetry_entries WHERE task_id = ?').all(taskId) as EntryDbRow[];
    const insert = s.get(
      `INSERT INTO usage (dedup_key, source, ts, session_id, agent_id, sidechain, model, input_tokens, output_tokens,
         cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests, output_final, speed, geo,
         reported_cost, project, git_branch, agent_version, origin_id, attributed, task_id, stage)
       VALUES (?, '${TELEMETRY_SOURCE}', ?, ?, ?, 1, ?, ?, ?, 0, 0, 0, 0, 1, NULL, NULL, ?, ?, NULL, NULL, ?, 1, ?, ?)`,
    );
    const agent = s.get(
      'INSERT INTO agents (session_id, agent_id, agent_type, priority) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING',
    );
    for (const row of entries) {
      const e = toEntry(row);
      const { input, output } = countedTokens(e);
      insert.run(
        declaredDedupKey(taskId, e.agent, e.model),
        task.ts,
        telemetrySession(taskId),
        e.agent,
        e.model,
        input,
        output,
        e.estimatedCost,
        task.project,
        task.origin_id,
        taskId,
        e.agent,
      );
      agent.run(telemetrySession(taskId), e.agent, e.agent);
    }
    if (entries.length > 0) buckets.add(Math.floor(task.ts / BUCKET_MS));
  }
  markDirty(s, buckets);
}

/**
 * Applies the captured-wins rule to every declared task whose state changed: rows derived for a task
 * that now has captured usage are removed, and rows come back for a task that lost it (its usage was
 * attributed elsewhere). Cheap when nothing changed: one pass over the declared tasks.
 */
export function reconcileDeclared(s: Statements): void {
  if (s.get('SELECT 1 FROM telemetry_tasks LIMIT 1').get() === undefined) return;
  const stale = s
    .get(
      `SELECT t.task_id FROM telemetry_tasks t
       WHERE EXISTS (SELECT 1 FROM telemetry_entries e WHERE e.task_id = t.task_id)
         AND (EXISTS (SELECT 1 FROM usage u WHERE u.task_id = t.task_id AND u.source <> '${TELEMETRY_SOURCE}'))
           = (EXISTS (SELECT 1 FROM usage u WHERE u.session_id = 'telemetry:' || t.task_id AND u.source = '${TELEMETRY_SOURCE}'))`,
    )
    .all() as { task_id: string }[];
  if (stale.length === 0) return;
  s.write(() => {
    for (const r of stale) reconcileTask(s, r.task_id);
  });
}

function toEntry(r: EntryDbRow): DeclaredEntry {
  return {
    agent: r.agent,
    model: r.model,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    totalTokens: r.total_tokens,
    estimatedCost: r.estimated_cost,
  };
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
  captured: number;
}

export function declaredTasks(
  s: Statements,
  filter: { fromMs?: number; toMs?: number; taskIds?: readonly string[] },
): DeclaredTask[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.fromMs !== undefined) {
    where.push('t.ts >= ?');
    params.push(filter.fromMs);
  }
  if (filter.toMs !== undefined) {
    where.push('t.ts < ?');
    params.push(filter.toMs);
  }
  if (filter.taskIds !== undefined) {
    if (filter.taskIds.length === 0) return [];
    where.push(`t.task_id IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(filter.taskIds));
  }
  const rows = s
    .get(
      `SELECT t.*, o.machine, o.user_name,
         EXISTS (SELECT 1 FROM usage u WHERE u.task_id = t.task_id AND u.source <> '${TELEMETRY_SOURCE}') AS captured
       FROM telemetry_tasks t JOIN origins o ON o.id = t.origin_id
       ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
       ORDER BY t.ts, t.task_id`,
    )
    .all(...params) as TaskDbRow[];
  const entries = s.get('SELECT * FROM telemetry_entries WHERE task_id = ? ORDER BY agent, model');
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
    entries: (entries.all(r.task_id) as EntryDbRow[]).map(toEntry),
    captured: r.captured === 1,
  }));
}

export function saveTelemetryErrors(s: Statements, list: readonly TelemetryErrorInput[], now: number): void {
  if (list.length === 0) return;
  const stmt = s.get(
    `INSERT INTO telemetry_errors (key, at, task_id, field, kind, problem, resolution, resolved_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET task_id = excluded.task_id, field = excluded.field, kind = excluded.kind,
       problem = excluded.problem, resolution = excluded.resolution,
       resolved_at = CASE WHEN excluded.resolution IS NULL THEN NULL
         WHEN telemetry_errors.resolution IS excluded.resolution THEN telemetry_errors.resolved_at
         ELSE excluded.resolved_at END`,
  );
  s.write(() => {
    for (const e of list) {
      stmt.run(
        e.key,
        e.at,
        e.taskId,
        e.field,
        e.kind,
        e.problem,
        e.resolution,
        e.resolution === null ? null : now,
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

export function telemetryErrors(
  s: Statements,
  filter: { fromMs?: number; toMs?: number; pending?: boolean },
): TelemetryErrorRow[] {
  const where: string[] = [];
  const params: number[] = [];
  if (filter.fromMs !== undefined) {
    where.push('at >= ?');
    params.push(filter.fromMs);
  }
  if (filter.toMs !== undefined) {
    where.push('at < ?');
    params.push(filter.toMs);
  }
  if (filter.pending === true) where.push('resolution IS NULL');
  const rows = s
    .get(
      `SELECT * FROM telemetry_errors ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY at, id`,
    )
    .all(...params) as ErrorDbRow[];
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
