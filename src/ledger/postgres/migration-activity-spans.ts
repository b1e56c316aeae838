/**
 * PostgreSQL migration 8: the activity rollup summed per span of constant prices, as SQLite migration
 * 14 (see there and `activity-spans-sql.ts`).
 * @module
 */
import type { PgMigration } from './pg-migration.js';

export const MIGRATION_ACTIVITY_SPANS: PgMigration = {
  version: 8,
  name: 'the activity rollup by span of constant prices',
  sql: `
CREATE TABLE IF NOT EXISTS activity_rollup_span (
  kind TEXT NOT NULL,
  span INTEGER NOT NULL,
  value TEXT NOT NULL,
  model TEXT NOT NULL,
  size_class INTEGER NOT NULL,
  speed TEXT NOT NULL,
  geo TEXT NOT NULL,
  has_reported INTEGER NOT NULL,
  first_day BIGINT NOT NULL,
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
  PRIMARY KEY (kind, span, value, model, size_class, speed, geo, has_reported)
);
DELETE FROM meta WHERE key = 'activity_span_cuts';
`,
};
