/**
 * `forget` in the SQLite ledger: removes a task and what was added for it, or what one source added
 * in a time range, in one write transaction; a dry run does the same and rolls it back, so it shows
 * exactly what the real run would do (attribution and the captured-wins rule of declared telemetry
 * included). Removed API calls, spans, runs, tasks and declarations are remembered as forgotten
 * (forgotten.ts), so no import brings them back.
 *
 * Usage that was only attributed to a forgotten task stays in the ledger: the attribute step gives
 * it whatever task the remaining spans give (often none), and the outcome says where it went.
 * @module
 */
import type { ForgetOutcome, ForgetSelection, Reattributed } from '../forget.js';
import type { SpanDbRow, TaskDbRow } from '../ledger-rows.js';
import { toSpanRecord } from '../ledger-rows.js';
import { declaredTaskKey, recordKey, taskKey, usageKey } from '../record-identity.js';
import type { StageMap } from '../task-repository.js';
import type { GroupRow } from '../usage-repository.js';
import type { SizeClass } from '../usage-sums.js';
import { attributePending } from './attribution.js';
import { addForgotten } from './forgotten.js';
import { runLedgerRecords } from './jsonl-records.js';
import { type RollupDbRow, sizeClassSql, toSums } from './sql.js';
import type { Statements } from './statements.js';
import { markCovered, task as taskRow } from './tasks.js';
import { reconcileDeclared, TELEMETRY_SOURCE, telemetrySession } from './telemetry.js';

/** Thrown inside the transaction to roll a dry run back with its outcome. */
class DryRun {
  constructor(readonly outcome: ForgetOutcome) {}
}

/** Span sources per forgettable source. */
const SPAN_SOURCES: Record<'run' | 'hook', readonly string[]> = { run: ['run'], hook: ['hook', 'prompt'] };

export function forget(
  s: Statements,
  sel: ForgetSelection,
  options: { apply: boolean; stageMap: StageMap; now: number },
): ForgetOutcome {
  try {
    return s.write(() => {
      const outcome = forgetIn(s, sel, options);
      if (!options.apply) throw new DryRun(outcome);
      return outcome;
    });
  } catch (error) {
    if (error instanceof DryRun) return error.outcome;
    throw error;
  } finally {
    s.db.exec('DROP TABLE IF EXISTS temp.forget_rows; DROP TABLE IF EXISTS temp.forget_moves');
  }
}

/** A WHERE clause and its parameters. */
interface Where {
  sql: string[];
  params: (string | number)[];
}

function where(): Where {
  return { sql: [], params: [] };
}

function and(w: Where, sql: string, ...params: (string | number)[]): Where {
  w.sql.push(sql);
  w.params.push(...params);
  return w;
}

function inRange(w: Where, column: string, sel: ForgetSelection): Where {
  if (sel.fromMs !== undefined) and(w, `${column} >= ?`, sel.fromMs);
  if (sel.toMs !== undefined) and(w, `${column} < ?`, sel.toMs);
  return w;
}

function clause(w: Where): string {
  return w.sql.length === 0 ? '1' : w.sql.join(' AND ');
}

const GROUP_COLUMNS = `(u.ts / 86400000) * 96 AS bucket, u.model AS model, ${sizeClassSql('u.')} AS size_class,
  coalesce(u.speed, '') AS speed, coalesce(u.geo, '') AS geo, u.reported_cost IS NOT NULL AS has_reported,
  sum(u.input_tokens) AS input_tokens, sum(u.output_tokens) AS output_tokens, sum(u.cache_write_tokens) AS cache_write_tokens,
  sum(u.cache_write_1h_tokens) AS cache_write_1h_tokens, sum(u.cache_read_tokens) AS cache_read_tokens,
  sum(u.web_search_requests) AS web_search_requests, coalesce(sum(u.reported_cost), 0) AS reported_cost,
  count(u.reported_cost) AS reported_rows, count(*) AS responses, sum(1 - u.output_final) AS lower_bound,
  min(u.ts) AS first_ts, max(u.ts) AS last_ts`;
const GROUP_BY = 'bucket, model, size_class, speed, geo, has_reported';

type GroupDbRow = RollupDbRow & { first_ts: number; last_ts: number };

function toGroup(r: GroupDbRow): GroupRow {
  return {
    values: {},
    bucket: r.bucket,
    model: r.model,
    sizeClass: r.size_class as SizeClass,
    speed: r.speed,
    geo: r.geo,
    firstTs: r.first_ts,
    lastTs: r.last_ts,
    ...toSums(r),
  };
}

/** Usage rows (`usage u`) matching `w`, grouped by UTC day and pricing key. */
function usageGroups(s: Statements, w: Where): GroupRow[] {
  const rows = s.db
    .prepare(`SELECT ${GROUP_COLUMNS} FROM usage u WHERE ${clause(w)} GROUP BY ${GROUP_BY}`)
    .all(...w.params) as GroupDbRow[];
  return rows.map(toGroup);
}

function ids(s: Statements, sql: string, params: readonly (string | number)[]): string[] {
  return (
    s.db
      .prepare(sql)
      .raw()
      .all(...params) as [string][]
  ).map((r) => r[0]);
}

function markDirtyWhere(s: Statements, w: Where): void {
  s.db
    .prepare(
      `INSERT OR IGNORE INTO rollup_dirty (bucket) SELECT DISTINCT ts / 900000 FROM usage u WHERE ${clause(w)}`,
    )
    .run(...w.params);
}

function forgetIn(
  s: Statements,
  sel: ForgetSelection,
  options: { apply: boolean; stageMap: StageMap; now: number },
): ForgetOutcome {
  const { taskId, source } = sel;
  const wholeTask = taskId !== undefined && source === undefined;
  // Settle what is pending, so that what moves below is only what this forget moves.
  attributePending(s, options.stageMap);
  s.db.exec(`CREATE TEMP TABLE IF NOT EXISTS forget_rows (id INTEGER PRIMARY KEY);
    CREATE TEMP TABLE IF NOT EXISTS forget_moves (id INTEGER PRIMARY KEY, task_id TEXT);
    DELETE FROM temp.forget_rows; DELETE FROM temp.forget_moves`);
  const keys: string[] = [];
  const calls: string[] = [];

  // API calls from transcripts.
  if (source === 'claude') {
    const w = inRange(and(where(), `u.source <> '${TELEMETRY_SOURCE}'`), 'u.ts', sel);
    if (taskId !== undefined) and(w, 'u.task_id = ?', taskId);
    s.db
      .prepare(`INSERT INTO temp.forget_rows (id) SELECT u.id FROM usage u WHERE ${clause(w)}`)
      .run(...w.params);
    calls.push(...ids(s, 'SELECT dedup_key FROM usage WHERE id IN (SELECT id FROM temp.forget_rows)', []));
  }
  const removedRows = and(where(), 'u.id IN (SELECT id FROM temp.forget_rows)');
  const removedCalls = usageGroups(s, removedRows);

  // Declared telemetry.
  const declaredIds = source === 'telemetry' || wholeTask ? declaredTaskIds(s, sel) : [];
  const sessions = JSON.stringify(declaredIds.map(telemetrySession));
  const declaredRows = and(
    where(),
    `u.source = '${TELEMETRY_SOURCE}' AND u.session_id IN (SELECT value FROM json_each(?))`,
    sessions,
  );
  const removedDeclared = usageGroups(s, declaredRows);
  const entries = (
    s.db
      .prepare(
        'SELECT count(*) AS n FROM telemetry_entries WHERE task_id IN (SELECT value FROM json_each(?))',
      )
      .get(JSON.stringify(declaredIds)) as { n: number }
  ).n;
  const errorIds = JSON.stringify(wholeTask && taskId !== undefined ? [...declaredIds, taskId] : declaredIds);
  const errorLogEntries = s.db
    .prepare('DELETE FROM telemetry_errors WHERE task_id IN (SELECT value FROM json_each(?))')
    .run(errorIds).changes;

  // Before: the rows that go, and every declared row (the captured-wins rule may flip some).
  const allDeclared = and(where(), `u.source = '${TELEMETRY_SOURCE}'`);
  const before = [...removedCalls, ...usageGroups(s, allDeclared)];

  // Spans and runs.
  const spanWhere = where();
  if (wholeTask) and(spanWhere, 'task_id = ?', taskId);
  else if (source === 'run' || source === 'hook') {
    const sources = SPAN_SOURCES[source];
    and(spanWhere, `source IN (${sources.map(() => '?').join(', ')})`, ...sources);
    inRange(spanWhere, 'from_ts', sel);
    if (taskId !== undefined) and(spanWhere, 'task_id = ?', taskId);
  } else and(spanWhere, '0');
  const spanRows = s.db
    .prepare(`SELECT * FROM spans WHERE ${clause(spanWhere)}`)
    .all(...spanWhere.params) as SpanDbRow[];
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
  } else and(runWhere, '0');
  const runIds = new Set(
    (
      s.db
        .prepare(`SELECT id FROM runs WHERE ${clause(runWhere)}`)
        .raw()
        .all(...runWhere.params) as [number][]
    ).map((r) => r[0]),
  );
  const runs = runLedgerRecords(s, (id) => runIds.has(id));
  for (const r of runs) keys.push(recordKey(r));

  // The task itself.
  const task = wholeTask && taskId !== undefined ? taskRow(s, taskId) : null;
  const children = wholeTask
    ? (s.db.prepare('SELECT * FROM tasks WHERE parent_id = ? ORDER BY id').all(taskId) as TaskDbRow[]).map(
        (c) => ({
          id: c.id,
          parentId: task?.parentId ?? null,
        }),
      )
    : [];

  // What may move to another task: rows of the task, rows its spans covered, and subagent rows of
  // sessions whose spawn named it.
  if (wholeTask) {
    s.get(`UPDATE usage SET attributed = 0 WHERE task_id = ? AND source <> '${TELEMETRY_SOURCE}'`).run(
      taskId,
    );
    s.get(
      `UPDATE usage SET attributed = 0 WHERE sidechain = 1
         AND session_id IN (SELECT session_id FROM agent_spawns WHERE task_id = ?)`,
    ).run(taskId);
  }
  for (const span of spanRows) markCovered(s, span);
  s.db.exec(`INSERT INTO temp.forget_moves (id, task_id)
    SELECT id, task_id FROM usage WHERE attributed = 0 AND source <> '${TELEMETRY_SOURCE}'
      AND id NOT IN (SELECT id FROM temp.forget_rows)`);

  // Remove.
  markDirtyWhere(s, removedRows);
  markDirtyWhere(s, declaredRows);
  s.db.exec(
    'DELETE FROM call_activity WHERE dedup_key IN (SELECT dedup_key FROM usage WHERE id IN (SELECT id FROM temp.forget_rows))',
  );
  s.db.exec('DELETE FROM usage WHERE id IN (SELECT id FROM temp.forget_rows)');
  s.db
    .prepare(
      `DELETE FROM usage WHERE source = '${TELEMETRY_SOURCE}' AND session_id IN (SELECT value FROM json_each(?))`,
    )
    .run(sessions);
  s.db.prepare('DELETE FROM agents WHERE session_id IN (SELECT value FROM json_each(?))').run(sessions);
  const declared = JSON.stringify(declaredIds);
  s.db
    .prepare('DELETE FROM telemetry_entries WHERE task_id IN (SELECT value FROM json_each(?))')
    .run(declared);
  s.db.prepare('DELETE FROM telemetry_tasks WHERE task_id IN (SELECT value FROM json_each(?))').run(declared);
  s.db.prepare(`DELETE FROM spans WHERE ${clause(spanWhere)}`).run(...spanWhere.params);
  s.db.prepare(`DELETE FROM runs WHERE ${clause(runWhere)}`).run(...runWhere.params);
  if (wholeTask && taskId !== undefined) {
    s.get('UPDATE tasks SET parent_id = ? WHERE parent_id = ?').run(task?.parentId ?? null, taskId);
    s.get('UPDATE agent_spawns SET task_id = NULL WHERE task_id = ?').run(taskId);
    s.get('DELETE FROM tasks WHERE id = ?').run(taskId);
    keys.push(taskKey(taskId));
  }
  for (const id of declaredIds) keys.push(declaredTaskKey(id));

  // Attribute again: moved rows get the task the remaining spans give; declared telemetry follows.
  attributePending(s, options.stageMap);
  reconcileDeclared(s);
  const after = usageGroups(s, allDeclared);
  const reattributed = moves(s);

  let remembered = 0;
  if (options.apply) {
    remembered = addForgotten(s, calls.map(usageKey), options.now);
    addForgotten(s, keys, options.now);
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
function declaredTaskIds(s: Statements, sel: ForgetSelection): string[] {
  const w = inRange(where(), 'ts', sel);
  if (sel.taskId !== undefined) and(w, 'task_id = ?', sel.taskId);
  return ids(s, `SELECT task_id FROM telemetry_tasks WHERE ${clause(w)} ORDER BY ts, task_id`, w.params);
}

/** Rows whose task changed, grouped by the move (from, to), then by day and pricing key. */
function moves(s: Statements): Reattributed[] {
  const rows = s.db
    .prepare(
      `SELECT m.task_id AS from_task, u.task_id AS to_task, ${GROUP_COLUMNS}
       FROM temp.forget_moves m JOIN usage u ON u.id = m.id
       WHERE u.task_id IS NOT m.task_id
       GROUP BY from_task, to_task, ${GROUP_BY}
       ORDER BY from_task, to_task`,
    )
    .all() as (GroupDbRow & { from_task: string | null; to_task: string | null })[];
  const out: Reattributed[] = [];
  for (const r of rows) {
    let last = out.at(-1);
    if (last === undefined || last.from !== r.from_task || last.to !== r.to_task) {
      last = { from: r.from_task, to: r.to_task, usage: [] };
      out.push(last);
    }
    last.usage.push(toGroup(r));
  }
  return out;
}
