/**
 * Migration 9: `call_activity`, what each API call's response asked tools to do (tool, MCP server,
 * skill, subagent type, file; see `ledger/call-activity-sql.ts`). Tool uses are in transcript lines
 * the ledger already read, so every file's cursor and the scan snapshots are dropped: the next import
 * walks again and reads every transcript from its start (the usage merge makes that change no total).
 * Calls whose transcripts are gone show as `(unknown)`.
 * @module
 */
import { callActivityTable } from '../call-activity-sql.js';
import type { Migration } from './migration.js';

export const MIGRATION_9: Migration = {
  version: 9,
  name: 'call activity: tools, MCP servers, skills, subagent types and files per API call',
  sql: `${callActivityTable(' WITHOUT ROWID')}
DELETE FROM files;
DELETE FROM scan_snapshots;
`,
};
