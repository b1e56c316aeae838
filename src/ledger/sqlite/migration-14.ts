/**
 * Migration 14: the activity rollup summed per span of constant prices (`activity_rollup_span`; see
 * `activity-spans-sql.ts`). Empty until a report reads it: the first read with a set of cuts builds it
 * from the daily rollup.
 * @module
 */
import type { Migration } from './migration.js';

export const MIGRATION_14: Migration = {
  version: 14,
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
  first_day INTEGER NOT NULL,
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
  PRIMARY KEY (kind, span, value, model, size_class, speed, geo, has_reported)
) WITHOUT ROWID;
DELETE FROM meta WHERE key = 'activity_span_cuts';
`,
};
