/**
 * The attribute step: gives every pending usage row its task, stage and labels from the spans that
 * cover it. It runs over pending rows only (new rows, and rows a span change touched), so it is cheap
 * after an import or a hook; `reattributeAll` re-applies everything.
 *
 * Precedence, per field:
 * - task: an agent span; the task named in the subagent's prompt (its spawn); a session span; a
 *   project span (the deepest directory first). Within a scope, the latest declaration wins.
 * - stage: an agent span; for subagent rows the stage map's entry for the agent type; a session span;
 *   a project span; for subagent rows the agent type itself. The main thread without context has none.
 * - labels: project, then session, then agent span labels, merged (the more specific wins per key).
 * @module
 */
import type { StageMap } from '../task-repository.js';
import type { Statements } from './statements.js';
import { reconcileDeclared, TELEMETRY_SOURCE } from './telemetry.js';

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

function stageMapSql(map: StageMap): { sql: string; params: string[] } {
  const entries = Object.entries(map);
  if (entries.length === 0) return { sql: 'NULL', params: [] };
  return {
    sql: `CASE coalesce(${AGENT_TYPE}, 'subagent') ${entries.map(() => 'WHEN ? THEN ?').join(' ')} END`,
    params: entries.flat(),
  };
}

function updateSql(map: StageMap): { sql: string; params: string[] } {
  const mapped = stageMapSql(map);
  const sql = `UPDATE usage SET
    task_id = coalesce(
      ${pick('task_id', AGENT, LATEST)},
      CASE WHEN usage.sidechain = 1 THEN (SELECT p.task_id FROM agent_spawns p WHERE p.session_id = usage.session_id
        AND p.agent_id = usage.agent_id AND p.task_id IS NOT NULL LIMIT 1) END,
      ${pick('task_id', SESSION, LATEST)},
      ${pick('task_id', PROJECT, DEEPEST)}),
    stage = coalesce(
      ${pick('stage', AGENT, LATEST)},
      CASE WHEN usage.sidechain = 1 THEN ${mapped.sql} END,
      ${pick('stage', SESSION, LATEST)},
      ${pick('stage', PROJECT, DEEPEST)},
      CASE WHEN usage.sidechain = 1 THEN coalesce(${AGENT_TYPE}, 'subagent') END),
    labels = nullif(json_patch(json_patch(json_patch('{}',
      coalesce(${pick('labels', PROJECT, DEEPEST)}, '{}')),
      coalesce(${pick('labels', SESSION, LATEST)}, '{}')),
      coalesce(${pick('labels', AGENT, LATEST)}, '{}')), '{}'),
    attributed = 1
  WHERE attributed = 0`;
  return { sql, params: mapped.params };
}

/** Attributes the pending rows. Returns how many rows it attributed. */
export function attributePending(s: Statements, map: StageMap): number {
  if (s.get('SELECT 1 FROM usage WHERE attributed = 0 LIMIT 1').get() === undefined) return 0;
  const { sql, params } = updateSql(map);
  const changes = s.write(() => {
    // Rows derived from declared telemetry carry their task themselves: spans never move them.
    s.get(`UPDATE usage SET attributed = 1 WHERE attributed = 0 AND source = '${TELEMETRY_SOURCE}'`).run();
    return s.get(sql).run(...params).changes;
  });
  // Captured usage may have just reached (or left) a task that was declared: captured usage wins.
  reconcileDeclared(s);
  return changes;
}

/** Re-applies every span to every row. */
export function reattributeAll(s: Statements, map: StageMap): number {
  s.write(() => {
    s.get(
      "INSERT INTO meta (key, value) VALUES ('attribution', 'on') ON CONFLICT (key) DO UPDATE SET value = 'on'",
    ).run();
    s.get(`UPDATE usage SET attributed = 0 WHERE source <> '${TELEMETRY_SOURCE}'`).run();
  });
  return attributePending(s, map);
}
