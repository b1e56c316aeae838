/**
 * Migration 8: cost checkpoints keyed by source and session (they were Claude Code's `cost_states`,
 * keyed by session). Every row so far came from Claude Code. Scan snapshots are keyed by source and
 * roots now; the old ones, keyed by roots alone, are dropped (the next import walks once).
 * @module
 */
import type { Migration } from './migration.js';

export const MIGRATION_8: Migration = {
  version: 8,
  name: 'cost checkpoints by source',
  sql: `
CREATE TABLE cost_checkpoints (
  source TEXT NOT NULL,
  session_id TEXT NOT NULL,
  total_cost_usd REAL NOT NULL,
  models TEXT NOT NULL,
  file TEXT NOT NULL,
  byte_offset INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (source, session_id)
);
INSERT INTO cost_checkpoints (source, session_id, total_cost_usd, models, file, byte_offset, updated_at)
  SELECT 'claude-code', session_id, total_cost_usd, models, file, byte_offset, updated_at FROM cost_states;
DROP TABLE cost_states;
DELETE FROM scan_snapshots;
`,
};
