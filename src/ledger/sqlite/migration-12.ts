/**
 * Migration 12: `usage_thread`, the calls of each thread in the order that links a call to the tool
 * uses of the previous one (call-activity-sql.ts). The window over it reads this index in order instead
 * of sorting every usage row at each report by tool, skill, MCP server or file.
 * @module
 */
import type { Migration } from './migration.js';

/** The index's definition, also rebuilt after a cold import (deferred-indexes.ts). */
export const USAGE_THREAD_INDEX =
  'CREATE INDEX IF NOT EXISTS usage_thread ON usage (source, session_id, agent_id, sidechain, ts, dedup_key)';

export const MIGRATION_12: Migration = {
  version: 12,
  name: 'usage in thread order, for linking calls to the tool uses that drove them',
  sql: `${USAGE_THREAD_INDEX};\n`,
};
