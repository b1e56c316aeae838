/**
 * PostgreSQL migration 7: what drove each call, kept at write time, as SQLite migration 13 (see
 * there and `call-driver-sql.ts`). The marks are set by statement-level triggers over the changed
 * rows; a mark already there is locked until the writer commits (`DO UPDATE … WHERE false`), so a
 * refresh cannot consume it before the writer's rows are visible, and marks are taken in key order
 * so two writers never wait on each other in a cycle. An existing ledger marks every session.
 * @module
 */
import { BUCKET_MS } from '../usage-sums.js';
import type { PgMigration } from './pg-migration.js';

const B = BUCKET_MS;
const THREAD_COLUMNS = ['ts', 'source', 'session_id', 'agent_id', 'sidechain', 'dedup_key'];
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
const changed = (cols: readonly string[]) => cols.map((c) => `o.${c} IS DISTINCT FROM n.${c}`).join(' OR ');
const MARK_SESSIONS = `ORDER BY 1, 2
    ON CONFLICT (source, session_id) DO UPDATE SET source = EXCLUDED.source WHERE false;`;
const MARK_BUCKETS = `ORDER BY 1
    ON CONFLICT (bucket) DO UPDATE SET bucket = EXCLUDED.bucket WHERE false;`;

export const MIGRATION_CALL_DRIVERS: PgMigration = {
  version: 7,
  name: 'what drove each call, linked at write time, and its rollup',
  sql: `
CREATE TABLE call_driver (
  usage_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (usage_id, kind, value)
);
CREATE TABLE activity_dirty (
  source TEXT NOT NULL,
  session_id TEXT NOT NULL,
  PRIMARY KEY (source, session_id)
);
CREATE TABLE activity_rollup_dirty (bucket BIGINT PRIMARY KEY);
CREATE TABLE activity_rollup (
  kind TEXT NOT NULL,
  bucket BIGINT NOT NULL,
  value TEXT NOT NULL,
  model TEXT NOT NULL,
  size_class INTEGER NOT NULL,
  speed TEXT NOT NULL,
  geo TEXT NOT NULL,
  has_reported INTEGER NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cache_write_tokens BIGINT NOT NULL,
  cache_write_1h_tokens BIGINT NOT NULL,
  cache_read_tokens BIGINT NOT NULL,
  web_search_requests BIGINT NOT NULL,
  reported_cost DOUBLE PRECISION NOT NULL,
  reported_rows BIGINT NOT NULL,
  responses BIGINT NOT NULL,
  lower_bound BIGINT NOT NULL,
  first_ts BIGINT NOT NULL,
  last_ts BIGINT NOT NULL,
  PRIMARY KEY (kind, bucket, value, model, size_class, speed, geo, has_reported)
);
CREATE TABLE activity_rollup_day (
  kind TEXT NOT NULL,
  day BIGINT NOT NULL,
  value TEXT NOT NULL,
  model TEXT NOT NULL,
  size_class INTEGER NOT NULL,
  speed TEXT NOT NULL,
  geo TEXT NOT NULL,
  has_reported INTEGER NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cache_write_tokens BIGINT NOT NULL,
  cache_write_1h_tokens BIGINT NOT NULL,
  cache_read_tokens BIGINT NOT NULL,
  web_search_requests BIGINT NOT NULL,
  reported_cost DOUBLE PRECISION NOT NULL,
  reported_rows BIGINT NOT NULL,
  responses BIGINT NOT NULL,
  lower_bound BIGINT NOT NULL,
  first_ts BIGINT NOT NULL,
  last_ts BIGINT NOT NULL,
  PRIMARY KEY (kind, day, value, model, size_class, speed, geo, has_reported)
);
CREATE FUNCTION tl_activity_usage_inserted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO activity_dirty (source, session_id) SELECT DISTINCT source, session_id FROM new_rows
    ${MARK_SESSIONS}
  RETURN NULL;
END $fn$;
CREATE FUNCTION tl_activity_usage_updated() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO activity_dirty (source, session_id)
    SELECT o.source, o.session_id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ${changed(THREAD_COLUMNS)}
    UNION SELECT n.source, n.session_id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ${changed(THREAD_COLUMNS)}
    ${MARK_SESSIONS}
  INSERT INTO activity_rollup_dirty (bucket)
    SELECT o.ts / ${B} FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE ${changed(THREAD_COLUMNS)} OR ${changed(SUMMED_COLUMNS)}
    UNION SELECT n.ts / ${B} FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ${changed(SUMMED_COLUMNS)}
    ${MARK_BUCKETS}
  RETURN NULL;
END $fn$;
CREATE FUNCTION tl_activity_usage_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM call_driver d USING old_rows o WHERE d.usage_id = o.id;
  INSERT INTO activity_dirty (source, session_id) SELECT DISTINCT source, session_id FROM old_rows
    ${MARK_SESSIONS}
  INSERT INTO activity_rollup_dirty (bucket) SELECT DISTINCT ts / ${B} FROM old_rows
    ${MARK_BUCKETS}
  RETURN NULL;
END $fn$;
CREATE FUNCTION tl_activity_calls_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO activity_dirty (source, session_id)
    SELECT DISTINCT u.source, u.session_id FROM changed_rows c JOIN usage u ON u.dedup_key = c.dedup_key
    ${MARK_SESSIONS}
  RETURN NULL;
END $fn$;
CREATE TRIGGER usage_activity_inserted AFTER INSERT ON usage REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tl_activity_usage_inserted();
CREATE TRIGGER usage_activity_updated AFTER UPDATE ON usage REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tl_activity_usage_updated();
CREATE TRIGGER usage_activity_deleted AFTER DELETE ON usage REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tl_activity_usage_deleted();
CREATE TRIGGER call_activity_added AFTER INSERT ON call_activity REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tl_activity_calls_changed();
CREATE TRIGGER call_activity_removed AFTER DELETE ON call_activity REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tl_activity_calls_changed();
CREATE TRIGGER call_activity_updated_old AFTER UPDATE ON call_activity REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tl_activity_calls_changed();
CREATE TRIGGER call_activity_updated_new AFTER UPDATE ON call_activity REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tl_activity_calls_changed();
INSERT INTO activity_dirty (source, session_id) SELECT DISTINCT source, session_id FROM usage;
`,
};
