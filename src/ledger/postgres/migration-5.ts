/**
 * PostgreSQL migration 5: the changes usage reviews proposed, as SQLite migration 11.
 * @module
 */
import type { PgMigration } from './pg-migration.js';

export const MIGRATION_5: PgMigration = {
  version: 5,
  name: 'review proposals',
  sql: `
CREATE TABLE review_proposals (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  file TEXT NOT NULL,
  diff TEXT NOT NULL,
  expected_hash TEXT NOT NULL,
  proposed_at BIGINT NOT NULL,
  cohort_agent TEXT,
  cohort_model TEXT,
  cohort_stage TEXT,
  description TEXT NOT NULL,
  saving_usd DOUBLE PRECISION,
  applied_at BIGINT
);
`,
};
