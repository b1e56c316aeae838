/**
 * PostgreSQL migration 9: the session rollup, as SQLite migration 15 (see there and
 * `../session-rollup-sql.ts`). Statement-level triggers mark the sessions of the changed rows; a mark
 * already there is locked until the writer commits (`DO UPDATE … WHERE false`), so a refresh cannot
 * consume it before the writer's rows are visible, and marks are taken in key order so two writers
 * never wait on each other in a cycle. An existing ledger marks every session.
 * @module
 */
import type { PgMigration } from './pg-migration.js';

const MARK = `ORDER BY 1
    ON CONFLICT (session_id) DO UPDATE SET session_id = EXCLUDED.session_id WHERE false;`;

export const MIGRATION_SESSION_ROLLUP: PgMigration = {
  version: 9,
  name: 'the usage rolled up per session, agent, UTC day and attributes',
  sql: `
CREATE TABLE session_rollup (
  session_id TEXT NOT NULL,
  agent_id TEXT,
  sidechain INTEGER NOT NULL,
  project TEXT,
  git_branch TEXT,
  task_id TEXT,
  stage TEXT,
  labels TEXT,
  origin_id BIGINT NOT NULL,
  day BIGINT NOT NULL,
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
  last_ts BIGINT NOT NULL
);
CREATE INDEX session_rollup_session ON session_rollup (session_id);
CREATE TABLE session_rollup_dirty (session_id TEXT PRIMARY KEY);
CREATE FUNCTION tl_session_usage_inserted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO session_rollup_dirty (session_id) SELECT DISTINCT session_id FROM new_rows
    ${MARK}
  RETURN NULL;
END $fn$;
CREATE FUNCTION tl_session_usage_updated() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO session_rollup_dirty (session_id)
    SELECT session_id FROM old_rows UNION SELECT session_id FROM new_rows
    ${MARK}
  RETURN NULL;
END $fn$;
CREATE FUNCTION tl_session_usage_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO session_rollup_dirty (session_id) SELECT DISTINCT session_id FROM old_rows
    ${MARK}
  RETURN NULL;
END $fn$;
CREATE TRIGGER usage_session_inserted AFTER INSERT ON usage REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tl_session_usage_inserted();
CREATE TRIGGER usage_session_updated AFTER UPDATE ON usage REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tl_session_usage_updated();
CREATE TRIGGER usage_session_deleted AFTER DELETE ON usage REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tl_session_usage_deleted();
INSERT INTO session_rollup_dirty (session_id) SELECT DISTINCT session_id FROM usage;
`,
};
