/**
 * The SQL both backends share for what each API call's response asked tools to do (the
 * `call_activity` table, written from capture's `CallActivity` rows) and for grouping usage by it.
 *
 * The rule that links tool uses to tokens: a response that asks for tools is followed, in its
 * transcript, by the tools' results and then by the next request of the same thread, whose input
 * carries those results. So the tool uses issued by call N drive call N+1, where the calls of a
 * thread are the usage rows of one source, session, agent id and sidechain flag, ordered by time
 * (then dedup key). The link is made when the ledger is read, with `LAG` over those rows, so the
 * order in which files and lines were imported never matters. The first call of a thread was driven
 * by no tool (a prompt). The `usage_thread` index holds the rows in exactly that order, so the window
 * streams it without a sort, and its rows carry the usage id to join back on (the primary key, not the
 * long dedup key).
 *
 * A call's value for a dimension is each distinct value among the tool uses that drove it (a call
 * driven by Read and Grep is in the row of each), `(none)` when they have none (no tool, or no tool
 * with a file, a skill, an MCP server), and `(unknown)` when the ledger never read the previous call's
 * tool uses (usage imported before they were recorded whose transcript is gone, or declared usage).
 * @module
 */

/** The report dimensions read from `call_activity`. */
export const ACTIVITY_DIMENSIONS = ['tool', 'skill', 'mcpServer', 'file'] as const;
export type ActivityDimension = (typeof ACTIVITY_DIMENSIONS)[number];

/** The value of a call for a dimension when no tool use gave it one. */
export const NO_ACTIVITY_VALUE = '(none)';
/** The value of a call whose driving tool uses the ledger never read. */
export const UNKNOWN_ACTIVITY_VALUE = '(unknown)';

/**
 * The `call_activity` table, the same on both backends; `tableOptions` ends its definition (SQLite:
 * `WITHOUT ROWID`, so a row is stored once, in its key's order).
 */
export function callActivityTable(tableOptions: string): string {
  return `
-- What each API call's response asked tools to do: identifiers only. tool_use_id '' is the row of a
-- call that asked for nothing (so "no tool" differs from "not known").
CREATE TABLE call_activity (
  dedup_key TEXT NOT NULL,
  tool_use_id TEXT NOT NULL,
  tool TEXT,
  mcp_server TEXT,
  skill TEXT,
  agent_type TEXT,
  file TEXT,
  file_op TEXT,
  PRIMARY KEY (dedup_key, tool_use_id)
)${tableOptions};
`;
}

/** A tool's label: its name, or `mcp:<server>/<tool>` for an MCP tool. */
const VALUE: Record<ActivityDimension, string> = {
  tool: "CASE WHEN c.mcp_server IS NULL THEN c.tool ELSE 'mcp:' || c.mcp_server || '/' || c.tool END",
  mcpServer: 'c.mcp_server',
  skill: 'c.skill',
  file: 'c.file',
};

/** The alias of a dimension's joined values (its `value` column is the dimension's value). */
export function activityAlias(d: ActivityDimension): string {
  return `ca_${d}`;
}

export function isActivityDimension(d: string): d is ActivityDimension {
  return (ACTIVITY_DIMENSIONS as readonly string[]).includes(d);
}

/**
 * Joins of `usage u` to each dimension's values per call (one row per call and distinct value), linked
 * at read time: the definition that the stored links (`call-driver-sql.ts`) must equal, and what a
 * group query with `linkAtRead` uses.
 * `textOrder` orders dedup keys bytewise on the backend (PostgreSQL: `COLLATE "C"`), so ties in time
 * break the same way everywhere.
 */
export function activityJoins(dims: readonly string[], textOrder: string): string {
  return dims
    .filter(isActivityDimension)
    .map((d) => {
      const a = activityAlias(d);
      return `JOIN (
  SELECT s.id, CASE WHEN x.v IS NOT NULL THEN x.v
      WHEN EXISTS (SELECT 1 FROM call_activity m WHERE m.dedup_key = s.prev)
        OR (s.prev IS NULL AND EXISTS (SELECT 1 FROM call_activity m WHERE m.dedup_key = s.k)) THEN '${NO_ACTIVITY_VALUE}'
      ELSE '${UNKNOWN_ACTIVITY_VALUE}' END AS value
  FROM (SELECT id, dedup_key AS k, LAG(dedup_key) OVER (PARTITION BY source, session_id, agent_id, sidechain
      ORDER BY ts, dedup_key${textOrder}) AS prev FROM usage) s
  LEFT JOIN (SELECT DISTINCT c.dedup_key, ${VALUE[d]} AS v FROM call_activity c
      WHERE c.tool_use_id <> '' AND ${VALUE[d]} IS NOT NULL) x ON x.dedup_key = s.prev
) ${a} ON ${a}.id = u.id`;
    })
    .join('\n');
}
