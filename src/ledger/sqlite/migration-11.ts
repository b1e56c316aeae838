/**
 * Migration 11: the changes usage reviews proposed (`review_proposals`), so `review check ID` can
 * compare the work before and after one was applied.
 * @module
 */
import type { Migration } from './migration.js';

export const MIGRATION_11: Migration = {
  version: 11,
  name: 'review proposals',
  sql: `
CREATE TABLE review_proposals (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  file TEXT NOT NULL,
  diff TEXT NOT NULL,
  expected_hash TEXT NOT NULL,
  proposed_at INTEGER NOT NULL,
  cohort_agent TEXT,
  cohort_model TEXT,
  cohort_stage TEXT,
  description TEXT NOT NULL,
  saving_usd REAL,
  applied_at INTEGER
);
`,
};
