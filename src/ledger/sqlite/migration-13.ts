/**
 * Migration 13: what drove each call, kept at write time (see `call-driver-sql.ts`): `call_driver`,
 * `activity_rollup`, their dirty marks and the triggers that set them. An existing ledger marks every
 * session dirty, so the first refresh (the next import's end, or the next report by tool) links them
 * all. The triggers' inserts say ON CONFLICT DO NOTHING, not OR IGNORE: inside a trigger, the usage
 * upsert's own conflict rule would override OR IGNORE. `IF NOT EXISTS` throughout: a ledger taken back to an older schema by hand runs it again.
 * @module
 */
import { BUCKET_MS } from '../usage-sums.js';
import type { Migration } from './migration.js';

const B = BUCKET_MS;
/** Columns whose change moves a row in its thread's order (or to another thread). */
const THREAD_COLUMNS = ['ts', 'source', 'session_id', 'agent_id', 'sidechain', 'dedup_key'];
/** Columns the rollup sums or keys on. */
const SUMMED_COLUMNS = [
  'model',
  'input_tokens',
  'output_tokens',
  'cache_write_tokens',
  'cache_write_1h_tokens',
  'cache_read_tokens',
  'web_search_requests',
  'output_final',
  'speed',
  'geo',
  'reported_cost',
];
const changed = (cols: readonly string[]) => cols.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ');

export const MIGRATION_13: Migration = {
  version: 13,
  name: 'what drove each call, linked at write time, and its rollup',
  sql: `
CREATE TABLE IF NOT EXISTS call_driver (
  usage_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (usage_id, kind, value)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS activity_dirty (
  source TEXT NOT NULL,
  session_id TEXT NOT NULL,
  PRIMARY KEY (source, session_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS activity_rollup_dirty (bucket INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS activity_rollup (
  kind TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  value TEXT NOT NULL,
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
  PRIMARY KEY (kind, bucket, value, model, size_class, speed, geo, has_reported)
) WITHOUT ROWID;
-- The same by UTC day, rebuilt from it: what a report without a time dimension reads.
CREATE TABLE IF NOT EXISTS activity_rollup_day (
  kind TEXT NOT NULL,
  day INTEGER NOT NULL,
  value TEXT NOT NULL,
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
  PRIMARY KEY (kind, day, value, model, size_class, speed, geo, has_reported)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS usage_activity_inserted AFTER INSERT ON usage BEGIN
  INSERT INTO activity_dirty (source, session_id) VALUES (NEW.source, NEW.session_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER IF NOT EXISTS usage_activity_moved AFTER UPDATE ON usage WHEN ${changed(THREAD_COLUMNS)} BEGIN
  INSERT INTO activity_dirty (source, session_id) VALUES (OLD.source, OLD.session_id) ON CONFLICT DO NOTHING;
  INSERT INTO activity_dirty (source, session_id) VALUES (NEW.source, NEW.session_id) ON CONFLICT DO NOTHING;
  INSERT INTO activity_rollup_dirty (bucket) VALUES (OLD.ts / ${B}) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER IF NOT EXISTS usage_activity_summed AFTER UPDATE ON usage WHEN ${changed(SUMMED_COLUMNS)} BEGIN
  INSERT INTO activity_rollup_dirty (bucket) VALUES (OLD.ts / ${B}) ON CONFLICT DO NOTHING;
  INSERT INTO activity_rollup_dirty (bucket) VALUES (NEW.ts / ${B}) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER IF NOT EXISTS usage_activity_deleted AFTER DELETE ON usage BEGIN
  DELETE FROM call_driver WHERE usage_id = OLD.id;
  INSERT INTO activity_dirty (source, session_id) VALUES (OLD.source, OLD.session_id) ON CONFLICT DO NOTHING;
  INSERT INTO activity_rollup_dirty (bucket) VALUES (OLD.ts / ${B}) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER IF NOT EXISTS call_activity_added AFTER INSERT ON call_activity BEGIN
  INSERT INTO activity_dirty (source, session_id) SELECT source, session_id FROM usage WHERE dedup_key = NEW.dedup_key ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER IF NOT EXISTS call_activity_changed AFTER UPDATE ON call_activity BEGIN
  INSERT INTO activity_dirty (source, session_id) SELECT source, session_id FROM usage WHERE dedup_key IN (OLD.dedup_key, NEW.dedup_key) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER IF NOT EXISTS call_activity_removed AFTER DELETE ON call_activity BEGIN
  INSERT INTO activity_dirty (source, session_id) SELECT source, session_id FROM usage WHERE dedup_key = OLD.dedup_key ON CONFLICT DO NOTHING;
END;
INSERT OR IGNORE INTO activity_dirty (source, session_id) SELECT DISTINCT source, session_id FROM usage;
`,
};
