/**
 * Versioned schema migrations for the SQLite ledger. Each runs once, in order, inside a write
 * transaction, and is recorded in `schema_migrations`. Never edit a shipped migration: add one.
 *
 * The SQL stays close to what PostgreSQL accepts (ON CONFLICT upserts, integer epoch milliseconds,
 * no SQLite-only column types), so the PostgreSQL backend can mirror it table for table.
 * @module
 */
import type { Migration } from './migration.js';
import { MIGRATION_6 } from './migration-6.js';
import { MIGRATION_7 } from './migration-7.js';
import { MIGRATION_8 } from './migration-8.js';
import { MIGRATION_9 } from './migration-9.js';
import { MIGRATION_10 } from './migration-10.js';
import { MIGRATION_11 } from './migration-11.js';
import { MIGRATION_12 } from './migration-12.js';
import { MIGRATION_13 } from './migration-13.js';
import { MIGRATION_14 } from './migration-14.js';
import { MIGRATION_15 } from './migration-15.js';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'usage ledger, rollup, cursors, problems, agents, cost-state',
    sql: `
-- Who imported a row: one machine and user per origin.
CREATE TABLE origins (
  id INTEGER PRIMARY KEY,
  machine TEXT NOT NULL,
  user_name TEXT NOT NULL,
  UNIQUE (machine, user_name)
);

-- One row per API call. dedup_key is message.id:requestId (or message.id); every token column is the
-- maximum over the lines merged into the row.
CREATE TABLE usage (
  id INTEGER PRIMARY KEY,
  dedup_key TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  ts INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  agent_id TEXT,
  sidechain INTEGER NOT NULL,
  model TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  cache_write_1h_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  web_search_requests INTEGER NOT NULL,
  output_final INTEGER NOT NULL,
  speed TEXT,
  geo TEXT,
  reported_cost REAL,
  project TEXT,
  git_branch TEXT,
  agent_version TEXT,
  origin_id INTEGER NOT NULL REFERENCES origins (id)
);
CREATE INDEX usage_ts ON usage (ts);

-- 15-minute rollup of usage, by the facts a price depends on (has_reported: the rows carry a cost
-- the source wrote, so --mode auto can use it exactly). Rebuilt per dirty bucket after writes.
CREATE TABLE usage_rollup (
  bucket INTEGER NOT NULL,
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
  PRIMARY KEY (bucket, model, size_class, speed, geo, has_reported)
);

-- The same by UTC hour: a quarter of the rows, for reports in whole-hour time zones.
CREATE TABLE usage_rollup_hour (
  hour INTEGER NOT NULL,
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
  PRIMARY KEY (hour, model, size_class, speed, geo, has_reported)
);

-- Buckets a row left when a merge moved its timestamp earlier; refreshed with the batch's own.
CREATE TABLE rollup_dirty (bucket INTEGER PRIMARY KEY);
CREATE TRIGGER usage_bucket_moved AFTER UPDATE OF ts ON usage
WHEN OLD.ts / 900000 <> NEW.ts / 900000
BEGIN
  INSERT OR IGNORE INTO rollup_dirty (bucket) VALUES (OLD.ts / 900000);
END;

CREATE TABLE files (
  path TEXT PRIMARY KEY,
  identity TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  read_offset INTEGER NOT NULL,
  head_hash TEXT NOT NULL,
  head_length INTEGER NOT NULL,
  tail_hash TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Directory listings from the last walk, so unchanged dirs are not listed again.
CREATE TABLE dir_listings (
  path TEXT PRIMARY KEY,
  mtime_ms REAL NOT NULL,
  listed_at INTEGER NOT NULL,
  entries TEXT NOT NULL
);

CREATE TABLE problems (
  id INTEGER PRIMARY KEY,
  file TEXT NOT NULL,
  line INTEGER,
  byte_offset INTEGER NOT NULL,
  severity TEXT NOT NULL,
  reason TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  UNIQUE (file, byte_offset, reason)
);

CREATE TABLE agents (
  session_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  agent_type TEXT NOT NULL,
  priority INTEGER NOT NULL,
  PRIMARY KEY (session_id, agent_id)
);

CREATE TABLE agent_spawns (
  session_id TEXT NOT NULL,
  tool_use_id TEXT NOT NULL,
  agent_id TEXT,
  agent_type TEXT,
  PRIMARY KEY (session_id, tool_use_id)
);

CREATE TABLE cost_states (
  session_id TEXT PRIMARY KEY,
  total_cost_usd REAL NOT NULL,
  models TEXT NOT NULL,
  file TEXT NOT NULL,
  byte_offset INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE import_runs (
  id INTEGER PRIMARY KEY,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  files_seen INTEGER NOT NULL,
  files_read INTEGER NOT NULL,
  bytes_read INTEGER NOT NULL,
  records INTEGER NOT NULL,
  problems INTEGER NOT NULL
);

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`,
  },
  {
    version: 2,
    name: 'tasks, attribution spans, runs; task/stage/labels on usage',
    sql: `
-- Attribution, materialized on each row by the attribute step (see ledger/attribution.ts).
ALTER TABLE usage ADD COLUMN task_id TEXT;
ALTER TABLE usage ADD COLUMN stage TEXT;
ALTER TABLE usage ADD COLUMN labels TEXT;
-- 0 while a row waits for the attribute step (only while attribution is active, see meta 'attribution').
ALTER TABLE usage ADD COLUMN attributed INTEGER NOT NULL DEFAULT 1;
CREATE INDEX usage_pending ON usage (id) WHERE attributed = 0;
CREATE INDEX usage_session ON usage (session_id);
CREATE INDEX usage_task ON usage (task_id) WHERE task_id IS NOT NULL;

-- Plans, sections and work items are tasks with parents; totals roll up the tree.
CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  title TEXT,
  parent_id TEXT,
  status TEXT NOT NULL,
  estimate_tokens INTEGER,
  estimate_usd REAL,
  labels TEXT,
  stage TEXT,
  project TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  ended_at INTEGER
);
CREATE INDEX tasks_parent ON tasks (parent_id);

-- (agent | session | project, time range) -> task, stage, labels. The most specific span wins.
CREATE TABLE spans (
  id INTEGER PRIMARY KEY,
  scope TEXT NOT NULL,
  session_id TEXT,
  agent_id TEXT,
  project TEXT,
  from_ts INTEGER NOT NULL,
  to_ts INTEGER,
  task_id TEXT,
  stage TEXT,
  labels TEXT,
  source TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX spans_session ON spans (session_id);
CREATE INDEX spans_project ON spans (project);

-- A task id found in a subagent's prompt (by the configured pattern) travels with its spawn.
ALTER TABLE agent_spawns ADD COLUMN task_id TEXT;

-- Results of \`tokenledger run -- claude -p ...\`: the CLI's own authoritative totals per run.
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  session_id TEXT,
  task_id TEXT,
  stage TEXT,
  labels TEXT,
  started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL,
  exit_code INTEGER,
  signal TEXT,
  total_cost_usd REAL,
  cost_usd REAL,
  model_usage TEXT,
  num_turns INTEGER,
  duration_ms INTEGER,
  duration_api_ms INTEGER,
  is_error INTEGER NOT NULL,
  subtype TEXT,
  source TEXT NOT NULL
);
CREATE INDEX runs_session ON runs (session_id);
CREATE INDEX runs_task ON runs (task_id);
`,
  },
  {
    version: 3,
    name: 'covering index for task totals',
    sql: `
-- A task's (or plan's) total is read on every hook call that adds to it: with every summed column in
-- the index, it is read from the index alone instead of one table lookup per row.
DROP INDEX usage_task;
CREATE INDEX usage_task ON usage (task_id, ts, model, input_tokens, output_tokens, cache_write_tokens,
  cache_write_1h_tokens, cache_read_tokens, web_search_requests, output_final, speed, geo, reported_cost)
  WHERE task_id IS NOT NULL;
`,
  },
  {
    version: 4,
    name: 'per-task daily rollup',
    sql: `
-- Each task's own usage by UTC day and by the facts a price depends on, so a task's or a plan's total
-- (read by every hook call that adds to it) costs a few rows per day instead of a scan of its usage.
-- Triggers mark the (task, day) pairs a change touches; readers refresh those first.
CREATE TABLE task_rollup (
  task_id TEXT NOT NULL,
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
  last_ts INTEGER NOT NULL,
  PRIMARY KEY (task_id, day, model, size_class, speed, geo, has_reported)
) WITHOUT ROWID;
CREATE TABLE task_rollup_dirty (
  task_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  PRIMARY KEY (task_id, day)
) WITHOUT ROWID;
CREATE TRIGGER usage_task_inserted AFTER INSERT ON usage WHEN new.task_id IS NOT NULL BEGIN
  INSERT OR IGNORE INTO task_rollup_dirty (task_id, day) VALUES (new.task_id, new.ts / 86400000);
END;
CREATE TRIGGER usage_task_updated AFTER UPDATE ON usage WHEN old.task_id IS NOT NULL OR new.task_id IS NOT NULL BEGIN
  INSERT OR IGNORE INTO task_rollup_dirty (task_id, day) SELECT old.task_id, old.ts / 86400000 WHERE old.task_id IS NOT NULL;
  INSERT OR IGNORE INTO task_rollup_dirty (task_id, day) SELECT new.task_id, new.ts / 86400000 WHERE new.task_id IS NOT NULL;
END;
CREATE TRIGGER usage_task_deleted AFTER DELETE ON usage WHEN old.task_id IS NOT NULL BEGIN
  INSERT OR IGNORE INTO task_rollup_dirty (task_id, day) VALUES (old.task_id, old.ts / 86400000);
END;
INSERT OR IGNORE INTO task_rollup_dirty (task_id, day)
  SELECT DISTINCT task_id, ts / 86400000 FROM usage WHERE task_id IS NOT NULL;
`,
  },
  {
    version: 5,
    name: 'declared usage-tracker telemetry: tasks, entries, error log',
    sql: `
-- What agents declared per task through usage-tracker telemetry (tokenledger record, MCP record_usage), as
-- sent: null where a value was missing. Usage rows with source 'telemetry' are derived from these
-- for the tasks that have no captured usage (see ledger/sqlite/telemetry.ts): captured usage wins.
CREATE TABLE telemetry_tasks (
  task_id TEXT PRIMARY KEY,
  -- The declared timestamp in epoch ms; when it arrived, while the declaration has none.
  ts INTEGER NOT NULL,
  -- The timestamp as sent; null while it is missing.
  declared_at TEXT,
  -- The caller's 2-4 line user_request_summary: the one piece of request text kept, because the
  -- telemetry format puts it in the task file; 'unavailable' when missing.
  summary TEXT NOT NULL,
  mode TEXT NOT NULL,
  project TEXT,
  origin_id INTEGER NOT NULL REFERENCES origins (id),
  received_at INTEGER NOT NULL,
  -- JSON array of the fields missing from the task's declarations now, e.g. ["entries[0].model"].
  missing TEXT NOT NULL
);
CREATE INDEX telemetry_tasks_ts ON telemetry_tasks (ts);

CREATE TABLE telemetry_entries (
  task_id TEXT NOT NULL,
  agent TEXT NOT NULL,
  model TEXT NOT NULL,
  input_tokens INTEGER,
  output_tokens INTEGER,
  total_tokens INTEGER,
  estimated_cost REAL,
  PRIMARY KEY (task_id, agent, model)
);

-- The usage-tracker error log: tracking failures and anomalies, with their resolution once reconciled.
CREATE TABLE telemetry_errors (
  id INTEGER PRIMARY KEY,
  -- What the entry is about, so the same problem seen again updates one entry.
  key TEXT NOT NULL UNIQUE,
  at INTEGER NOT NULL,
  task_id TEXT,
  field TEXT,
  kind TEXT NOT NULL,
  problem TEXT NOT NULL,
  resolution TEXT,
  resolved_at INTEGER
);
CREATE INDEX telemetry_errors_at ON telemetry_errors (at);
`,
  },
  MIGRATION_6,
  MIGRATION_7,
  MIGRATION_8,
  MIGRATION_9,
  MIGRATION_10,
  MIGRATION_11,
  MIGRATION_12,
  MIGRATION_13,
  MIGRATION_14,
  MIGRATION_15,
];
