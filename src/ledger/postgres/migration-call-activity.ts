/**
 * PostgreSQL migration 3: `call_activity`, as SQLite migration 9 (see there): the table, and every
 * file's cursor and the scan snapshots dropped so the next import reads every transcript again.
 * @module
 */
import { callActivityTable } from '../call-activity-sql.js';
import type { PgMigration } from './pg-migration.js';

export const MIGRATION_CALL_ACTIVITY: PgMigration = {
  version: 3,
  name: 'call activity: tools, MCP servers, skills, subagent types and files per API call',
  sql: `${callActivityTable('')}
DELETE FROM files;
DELETE FROM scan_snapshots;
`,
};
