/**
 * `forget` in the PostgreSQL ledger, the twin of `ledger/sqlite/forget.ts`: removes a task and what
 * was added for it, or what one source added in a time range, in one transaction; a dry run does the
 * same and rolls it back, so it shows exactly what the real run would do (attribution and the
 * captured-wins rule of declared telemetry included). Removed API calls, spans, runs, tasks and
 * declarations are remembered as forgotten (forgotten.ts), so no import brings them back.
 *
 * Usage that was only attributed to a forgotten task stays in the ledger: the attribute step gives
 * it whatever task the remaining spans give (often none), and the outcome says where it went.
 * @module
 */
import type { ForgetOptions, ForgetOutcome, ForgetSelection } from '../forget.js';
import type { SpanDbRow } from '../ledger-rows.js';
import { toSpanRecord } from '../ledger-rows.js';
import { declaredTaskKey, recordKey, taskKey, usageKey } from '../record-identity.js';
import type { StageMap } from '../task-repository.js';
import { BUCKET_MS } from '../usage-sums.js';
import { attributePendingIn } from './attribution.js';
import type { PgDb, PgQueryable } from './connection.js';
import { lockDeclared, reconcileDeclared, TELEMETRY_SOURCE, telemetrySession } from './declared-usage.js';
import { and, clause, moves, usageGroups, type Where, where } from './forget-groups.js';
import { addForgotten, forgottenAmong } from './forgotten.js';
import { runLedgerRecords } from './record-exports.js';
import { markDirty } from './rollup.js';
import { markCovered, SPAN_COLUMNS } from './spans.js';
import { taskIn } from './tasks.js';

/** Thrown inside the transaction to roll a dry run back with its outcome. */
class DryRun {
  constructor(readonly outcome: ForgetOutcome) {}
}

/** Span sources per forgettable source. */
const SPAN_SOURCES: Record<'run' | 'hook', readonly string[]> = { run: ['run'], hook: ['hook', 'prompt'] };

export async function forget(db: PgDb, sel: ForgetSelection, options: ForgetOptions): Promise<ForgetOutcome> {
  const settings = { ...options, now: Date.now() };
  try {
    return await db.transaction(async (q) => {
      const outcome = await forgetIn(q, sel, settings);
      if (!options.apply) throw new DryRun(outcome);
      return outcome;
    });
  } catch (error) {
    if (error instanceof DryRun) return error.outcome;
    throw error;
  }
}

export async function forgottenKeys(db: PgDb, keys: readonly string[]): Promise<Set<string>> {
  return forgottenAmong(db, keys);
}

function inRange(w: Where, column: string, sel: ForgetSelection): Where {
  if (sel.fromMs !== undefined) and(w, `${column} >= ?`, sel.fromMs);
  if (sel.toMs !== undefined) and(w, `${column} < ?`, sel.toMs);
  return w;
}

async function strings(q: PgQueryable, sql: string, params: readonly unknown[]): Promise<string[]> {
  const rows = await q.query<{ v: string }>(sql, [...params]);
  return rows.map((r) => r.v);
}

async function markDirtyWhere(q: PgQueryable, w: Where): Promise<void> {
  const rows = await q.query<{ bucket: number }>(
    `SELECT DISTINCT u.ts / ${BUCKET_MS} AS bucket FROM usage u WHERE ${clause(w)}`,
    w.params,
  );
  await markDirty(
    q,
    rows.map((r) => r.bucket),
  );
}

/** Runs a DELETE or UPDATE; returns how many rows it changed. */
async function count(q: PgQueryable, sql: string, params: readonly unknown[]): Promise<number> {
  const [row] = await q.query<{ n: number }>(
    `WITH changed AS (${sql} RETURNING 1) SELECT count(*)::integer AS n FROM changed`,
    [...params],
  );
  return row?.n ?? 0;
}

async function forgetIn(
  q: PgQueryable,
  sel: ForgetSelection,
  options: { apply: boolean; stageMap: StageMap; now: number },
): Promise<ForgetOutcome> {
  const { taskId, source } = sel;
  const wholeTask = taskId !== undefined && source === undefined;
  await lockDeclared(q);
  // Settle what is pending, so that what moves below is only what this forget moves.
  await attributePendingIn(q, options.stageMap);
  await q.query('CREATE TEMP TABLE forget_rows (id bigint PRIMARY KEY) ON COMMIT DROP');
  await q.query('CREATE TEMP TABLE forget_moves (id bigint PRIMARY KEY, task_id text) ON COMMIT DROP');
  const keys: string[] = [];
  let calls: string[] = [];

  // API calls from transcripts.
  if (source === 'claude') {
    const w = inRange(and(where(), `u.source <> '${TELEMETRY_SOURCE}'`), 'u.ts', sel);
    if (taskId !== undefined) and(w, 'u.task_id = ?', taskId);
    await q.query(`INSERT INTO forget_rows (id) SELECT u.id FROM usage u WHERE ${clause(w)}`, w.params);
    calls = await strings(q, 'SELECT dedup_key AS v FROM usage WHERE id IN (SELECT id FROM forget_rows)', []);
  }
  const removedRows = and(where(), 'u.id IN (SELECT id FROM forget_rows)');
  const removedCalls = await usageGroups(q, removedRows);

  // Declared telemetry.
  const declaredIds = source === 'telemetry' || wholeTask ? await declaredTaskIds(q, sel) : [];
  const sessions = declaredIds.map(telemetrySession);
  const declaredRows = and(
    where(),
    `u.source = '${TELEMETRY_SOURCE}' AND u.session_id = ANY(?::text[])`,
    sessions,
  );
  const removedDeclared = await usageGroups(q, declaredRows);
  const entryCount = await q.query<{ n: number }>(
    'SELECT count(*)::integer AS n FROM telemetry_entries WHERE task_id = ANY($1::text[])',
    [declaredIds],
  );
  const entries = entryCount[0]?.n ?? 0;
  const errorIds = wholeTask && taskId !== undefined ? [...declaredIds, taskId] : declaredIds;
  const errorLogEntries = await count(q, 'DELETE FROM telemetry_errors WHERE task_id = ANY($1::text[])', [
    errorIds,
  ]);

  // Before: the rows that go, and every declared row (the captured-wins rule may flip some).
  const allDeclared = and(where(), `u.source = '${TELEMETRY_SOURCE}'`);
  const before = [...removedCalls, ...(await usageGroups(q, allDeclared))];

  // Spans and runs.
  const spanWhere = where();
  if (wholeTask) and(spanWhere, 'task_id = ?', taskId);
  else if (source === 'run' || source === 'hook') {
    and(spanWhere, 'source = ANY(?::text[])', [...SPAN_SOURCES[source]]);
    inRange(spanWhere, 'from_ts', sel);
    if (taskId !== undefined) and(spanWhere, 'task_id = ?', taskId);
  } else and(spanWhere, 'false');
  const spanRows = await q.query<SpanDbRow>(
    `SELECT ${SPAN_COLUMNS} FROM spans WHERE ${clause(spanWhere)} ORDER BY id`,
    spanWhere.params,
  );
  const spans: Record<string, number> = {};
  for (const span of spanRows) {
    spans[span.source] = (spans[span.source] ?? 0) + 1;
    keys.push(recordKey(toSpanRecord(span)));
  }
  const runWhere = where();
  if (wholeTask) and(runWhere, 'task_id = ?', taskId);
  else if (source === 'run') {
    inRange(runWhere, 'started_at', sel);
    if (taskId !== undefined) and(runWhere, 'task_id = ?', taskId);
  } else and(runWhere, 'false');
  const runIdRows = await q.query<{ id: number }>(
    `SELECT id FROM runs WHERE ${clause(runWhere)}`,
    runWhere.params,
  );
  const runIds = new Set(runIdRows.map((r) => r.id));
  const runs = await runLedgerRecords(q, (id) => runIds.has(id));
  for (const r of runs) keys.push(recordKey(r));

  // The task itself.
  const task = wholeTask && taskId !== undefined ? await taskIn(q, taskId) : null;
  const children = wholeTask
    ? (
        await strings(q, 'SELECT id AS v FROM tasks WHERE parent_id = $1 ORDER BY id COLLATE "C"', [taskId])
      ).map((id) => ({ id, parentId: task?.parentId ?? null }))
    : [];

  // What may move to another task: rows of the task, rows its spans covered, and subagent rows of
  // sessions whose spawn named it.
  if (wholeTask) {
    await q.query(`UPDATE usage SET attributed = 0 WHERE task_id = $1 AND source <> '${TELEMETRY_SOURCE}'`, [
      taskId,
    ]);
    await q.query(
      `UPDATE usage SET attributed = 0 WHERE sidechain = 1
         AND session_id IN (SELECT session_id FROM agent_spawns WHERE task_id = $1)`,
      [taskId],
    );
  }
  for (const span of spanRows) await markCovered(q, span);
  await q.query(`INSERT INTO forget_moves (id, task_id)
    SELECT id, task_id FROM usage WHERE attributed = 0 AND source <> '${TELEMETRY_SOURCE}'
      AND id NOT IN (SELECT id FROM forget_rows)`);

  // Remove.
  await markDirtyWhere(q, removedRows);
  await markDirtyWhere(q, declaredRows);
  await q.query(
    'DELETE FROM call_activity WHERE dedup_key IN (SELECT dedup_key FROM usage WHERE id IN (SELECT id FROM forget_rows))',
  );
  await q.query('DELETE FROM usage WHERE id IN (SELECT id FROM forget_rows)');
  await q.query(`DELETE FROM usage WHERE source = '${TELEMETRY_SOURCE}' AND session_id = ANY($1::text[])`, [
    sessions,
  ]);
  await q.query('DELETE FROM agents WHERE session_id = ANY($1::text[])', [sessions]);
  await q.query('DELETE FROM telemetry_entries WHERE task_id = ANY($1::text[])', [declaredIds]);
  await q.query('DELETE FROM telemetry_tasks WHERE task_id = ANY($1::text[])', [declaredIds]);
  await q.query(`DELETE FROM spans WHERE ${clause(spanWhere)}`, spanWhere.params);
  await q.query(`DELETE FROM runs WHERE ${clause(runWhere)}`, runWhere.params);
  if (wholeTask && taskId !== undefined) {
    await q.query('UPDATE tasks SET parent_id = $1 WHERE parent_id = $2', [task?.parentId ?? null, taskId]);
    await q.query('UPDATE agent_spawns SET task_id = NULL WHERE task_id = $1', [taskId]);
    await q.query('DELETE FROM tasks WHERE id = $1', [taskId]);
    keys.push(taskKey(taskId));
  }
  for (const id of declaredIds) keys.push(declaredTaskKey(id));

  // Attribute again: moved rows get the task the remaining spans give; declared telemetry follows.
  await attributePendingIn(q, options.stageMap);
  await reconcileDeclared(q);
  const after = await usageGroups(q, allDeclared);
  const reattributed = await moves(q);

  let remembered = 0;
  if (options.apply) {
    remembered = await addForgotten(q, calls.map(usageKey), options.now);
    await addForgotten(q, keys, options.now);
  } else remembered = calls.length;

  return {
    applied: options.apply,
    tasks: task === null ? [] : [task],
    children,
    spans,
    runs: { count: runs.length, claudeCostUsd: runs.reduce((sum, r) => sum + (r.costUsd ?? 0), 0) },
    declared: { taskIds: declaredIds, entries },
    errorLogEntries,
    removedCalls,
    removedDeclared,
    before,
    after,
    reattributed,
    remembered,
  };
}

/** The declared tasks the selection holds (by declared time and task). */
async function declaredTaskIds(q: PgQueryable, sel: ForgetSelection): Promise<string[]> {
  const w = inRange(where(), 'ts', sel);
  if (sel.taskId !== undefined) and(w, 'task_id = ?', sel.taskId);
  return strings(
    q,
    `SELECT task_id AS v FROM telemetry_tasks WHERE ${clause(w)} ORDER BY ts, task_id COLLATE "C"`,
    w.params,
  );
}
