/**
 * Migration 15: the session rollup (`session_rollup`; see `../session-rollup-sql.ts`). Triggers mark
 * the sessions a write to `usage` touches in `session_rollup_dirty`; a read the rollup serves rebuilds
 * them first. An existing ledger marks every session: its first such read builds the rollup.
 * @module
 */
import type { Migration } from './migration.js';

export const MIGRATION_15: Migration = {
  version: 15,
  name: 'the usage rolled up per session, agent, UTC day and attributes',
  sql: `
CREATE TABLE IF NOT EXISTS session_rollup (
  session_id TEXT NOT NULL,
  agent_id TEXT,
  sidechain INTEGER NOT NULL,
  project TEXT,
  git_branch TEXT,
  task_id TEXT,
  stage TEXT,
  labels TEXT,
  origin_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  model TEXT NOT NULL,
  size_class INTEGER NOT NULL,
  speed TEXT NOT NULL,
  geo TEXT NOT NULL,
  has_reported INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  cache_write_1h_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  web_search_requests INTEGER NOT NULL,
  reported_cost REAL NOT NULL,
  reported_rows INTEGER NOT NULL,
  responses INTEGER NOT NULL,
  lower_bound INTEGER NOT NULL,
  first_ts INTEGER NOT NULL,
  last_ts INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS session_rollup_session ON session_rollup (session_id);
-- Marks with ON CONFLICT DO NOTHING: the conflict policy of the write that fires a trigger (such as
-- INSERT OR REPLACE) would override an OR IGNORE in it.
CREATE TABLE IF NOT EXISTS session_rollup_dirty (session_id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS usage_session_inserted AFTER INSERT ON usage BEGIN
  INSERT INTO session_rollup_dirty (session_id) VALUES (NEW.session_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER IF NOT EXISTS usage_session_updated AFTER UPDATE ON usage BEGIN
  INSERT INTO session_rollup_dirty (session_id) VALUES (OLD.session_id) ON CONFLICT DO NOTHING;
  INSERT INTO session_rollup_dirty (session_id) VALUES (NEW.session_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER IF NOT EXISTS usage_session_deleted AFTER DELETE ON usage BEGIN
  INSERT INTO session_rollup_dirty (session_id) VALUES (OLD.session_id) ON CONFLICT DO NOTHING;
END;
INSERT OR IGNORE INTO session_rollup_dirty (session_id) SELECT DISTINCT session_id FROM usage;
`,
};
