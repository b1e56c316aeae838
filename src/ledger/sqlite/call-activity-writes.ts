/**
 * Writes of `call_activity` in the SQLite ledger. A row already there is the same tool use and is
 * kept. A call's "no tool" row (tool use id `''`) is kept only while the call has no other, so the
 * table is the same whatever the order in which a response's lines were read. (One row per statement:
 * with better-sqlite3, binding many rows to one statement is slower.)
 * @module
 */
import type { CallActivity } from '../../capture/types.js';
import type { Statements } from './statements.js';

/** Writes the rows; returns how many were new. */
export function writeCallActivities(s: Statements, list: readonly CallActivity[]): number {
  if (list.length === 0) return 0;
  let added = 0;
  const tool = s.get(
    `INSERT INTO call_activity (dedup_key, tool_use_id, tool, mcp_server, skill, agent_type, file, file_op)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const dropNoTool = s.get("DELETE FROM call_activity WHERE dedup_key = ? AND tool_use_id = ''");
  const noTool = s.get(
    `INSERT INTO call_activity (dedup_key, tool_use_id) SELECT ?, '' WHERE NOT EXISTS
       (SELECT 1 FROM call_activity WHERE dedup_key = ?)`,
  );
  const withTools = new Set<string>();
  for (const a of list) {
    if (a.toolUseId === '') continue;
    added += tool.run(
      a.dedupKey,
      a.toolUseId,
      a.tool,
      a.mcpServer,
      a.skill,
      a.agentType,
      a.file,
      a.fileOp,
    ).changes;
    if (!withTools.has(a.dedupKey)) {
      withTools.add(a.dedupKey);
      dropNoTool.run(a.dedupKey);
    }
  }
  for (const a of list)
    if (a.toolUseId === '' && !withTools.has(a.dedupKey)) added += noTool.run(a.dedupKey, a.dedupKey).changes;
  return added;
}
