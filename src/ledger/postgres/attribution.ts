/**
 * The attribute step in the PostgreSQL store: gives every pending usage row its task, stage and
 * labels from the spans that cover it, by the same precedence as `ledger/sqlite/attribution.ts`:
 *
 * - task: an agent span; the task named in the subagent's prompt (its spawn); a session span; a
 *   project span (the deepest directory first). Within a scope, the latest declaration wins.
 * - stage: an agent span; for subagent rows the stage map's entry for the agent type; a session span;
 *   a project span; for subagent rows the agent type itself. The main thread without context has none.
 * - labels: project, then session, then agent span labels, merged (the more specific wins per key),
 *   with `tl_merge_labels` (SQLite's `json_patch` of flat objects, same text; migration-labels.ts).
 *
 * Rows derived from declared telemetry carry their task themselves; after the step, the
 * captured-wins rule is applied again (declared-usage.ts).
 * @module
 */
import type { StageMap } from '../task-repository.js';
import type { PgDb, PgQueryable } from './connection.js';
import { lockDeclared, reconcileDeclared, TELEMETRY_SOURCE } from './declared-usage.js';
import { attributionOn, lockAttribution } from './spans.js';

const COVERS = '(s.from_ts <= usage.ts AND (s.to_ts IS NULL OR usage.ts < s.to_ts))';
const AGENT = `s.scope = 'agent' AND s.session_id = usage.session_id AND s.agent_id = usage.agent_id AND ${COVERS}`;
const SESSION = `s.scope = 'session' AND s.session_id = usage.session_id AND ${COVERS}`;
const PROJECT = `s.scope = 'project' AND usage.project IS NOT NULL
  AND (usage.project = s.project OR substr(usage.project, 1, length(s.project) + 1) = s.project || '/') AND ${COVERS}`;
const LATEST = 'ORDER BY s.from_ts DESC, s.id DESC LIMIT 1';
const DEEPEST = 'ORDER BY length(s.project) DESC, s.from_ts DESC, s.id DESC LIMIT 1';

function pick(column: string, where: string, order: string): string {
  return `(SELECT s.${column} FROM spans s WHERE ${where} AND s.${column} IS NOT NULL ${order})`;
}

const AGENT_TYPE = `(SELECT a.agent_type FROM agents a WHERE a.session_id = usage.session_id AND a.agent_id = usage.agent_id)`;

/** The spawn's task: SQLite reads the first by its primary key, (session, tool_use_id). */
const SPAWN_TASK = `(SELECT p.task_id FROM agent_spawns p WHERE p.session_id = usage.session_id
  AND p.agent_id = usage.agent_id AND p.task_id IS NOT NULL ORDER BY p.tool_use_id COLLATE "C" LIMIT 1)`;

function stageMapSql(map: StageMap): { sql: string; params: string[] } {
  const entries = Object.entries(map);
  if (entries.length === 0) return { sql: 'NULL::text', params: [] };
  const whens = entries.map((_, i) => `WHEN $${2 * i + 1}::text THEN $${2 * i + 2}::text`);
  return {
    sql: `CASE coalesce(${AGENT_TYPE}, 'subagent') ${whens.join(' ')} END`,
    params: entries.flat(),
  };
}

/**
 * The attribute step as one statement that returns how many rows it attributed. Each pending row's
 * task, stage and span labels are picked first; the labels are merged once per distinct combination
 * (a merge costs far more than a pick, and a few spans give few combinations).
 */
function attributeSql(map: StageMap): { sql: string; params: string[] } {
  const mapped = stageMapSql(map);
  const sql = `WITH picked AS (
    SELECT usage.id,
      coalesce(
        ${pick('task_id', AGENT, LATEST)},
        CASE WHEN usage.sidechain = 1 THEN ${SPAWN_TASK} END,
        ${pick('task_id', SESSION, LATEST)},
        ${pick('task_id', PROJECT, DEEPEST)}) AS task_id,
      coalesce(
        ${pick('stage', AGENT, LATEST)},
        CASE WHEN usage.sidechain = 1 THEN ${mapped.sql} END,
        ${pick('stage', SESSION, LATEST)},
        ${pick('stage', PROJECT, DEEPEST)},
        CASE WHEN usage.sidechain = 1 THEN coalesce(${AGENT_TYPE}, 'subagent') END) AS stage,
      coalesce(${pick('labels', PROJECT, DEEPEST)}, '') AS project_labels,
      coalesce(${pick('labels', SESSION, LATEST)}, '') AS session_labels,
      coalesce(${pick('labels', AGENT, LATEST)}, '') AS agent_labels
    FROM usage WHERE usage.attributed = 0
  ), merged AS (
    SELECT c.project_labels, c.session_labels, c.agent_labels,
      tl_merge_labels(nullif(c.project_labels, ''), nullif(c.session_labels, ''), nullif(c.agent_labels, '')) AS labels
    FROM (SELECT DISTINCT project_labels, session_labels, agent_labels FROM picked) c
  ), attributed_rows AS (
    UPDATE usage SET task_id = p.task_id, stage = p.stage, labels = m.labels, attributed = 1
    FROM picked p JOIN merged m ON m.project_labels = p.project_labels AND m.session_labels = p.session_labels
      AND m.agent_labels = p.agent_labels
    WHERE usage.id = p.id
    RETURNING 1
  )
  SELECT count(*)::integer AS n FROM attributed_rows`;
  return { sql, params: mapped.params };
}

/** Attributes the pending rows inside the caller's transaction. Returns how many rows it attributed. */
export async function attributePendingIn(q: PgQueryable, map: StageMap): Promise<number> {
  await lockDeclared(q);
  // No span, spawn task or pending row arrives while the step runs (see lockAttribution).
  await lockAttribution(q);
  const rows = await q.query('SELECT 1 FROM usage WHERE attributed = 0 LIMIT 1');
  if (rows.length === 0) return 0;
  // Rows derived from declared telemetry carry their task themselves: spans never move them.
  await q.query(`UPDATE usage SET attributed = 1 WHERE attributed = 0 AND source = '${TELEMETRY_SOURCE}'`);
  const { sql, params } = attributeSql(map);
  const [done] = await q.query<{ n: number }>(sql, params);
  const changes = done?.n ?? 0;
  // Captured usage may have just reached (or left) a task that was declared: captured usage wins.
  await reconcileDeclared(q);
  return changes;
}

export async function attributePending(db: PgDb, map: StageMap): Promise<number> {
  // Cheap when nothing waits: no transaction, no lock.
  const rows = await db.query('SELECT 1 FROM usage WHERE attributed = 0 LIMIT 1');
  if (rows.length === 0) return 0;
  return db.transaction((q) => attributePendingIn(q, map));
}

/** Re-applies every span to every row. */
export async function reattributeAll(db: PgDb, map: StageMap): Promise<number> {
  return db.transaction(async (q) => {
    await lockDeclared(q);
    await attributionOn(q);
    await q.query(`UPDATE usage SET attributed = 0 WHERE source <> '${TELEMETRY_SOURCE}'`);
    return attributePendingIn(q, map);
  });
}
