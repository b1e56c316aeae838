/**
 * PostgreSQL migration 6: `usage_thread`, as SQLite migration 12 (see there). Dedup keys are in
 * bytewise order (`COLLATE "C"`), as the window that reads the index orders them; the index carries
 * the id too, so once (auto)vacuum has marked the table's pages the window reads the index alone.
 * @module
 */
import type { PgMigration } from './pg-migration.js';

/** The index's definition, also rebuilt after a cold import (bulk-import.ts). */
export const USAGE_THREAD_INDEX =
  'CREATE INDEX IF NOT EXISTS usage_thread ON usage (source, session_id, agent_id, sidechain, ts, dedup_key COLLATE "C") INCLUDE (id)';

export const MIGRATION_THREAD_INDEX: PgMigration = {
  version: 6,
  name: 'usage in thread order, for linking calls to the tool uses that drove them',
  sql: `${USAGE_THREAD_INDEX};\n`,
};
