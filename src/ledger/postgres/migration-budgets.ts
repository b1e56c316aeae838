/**
 * PostgreSQL migration 4: spending budgets, and the warnings shown for them (one row per budget,
 * period and threshold, so a warning is claimed once by an insert), as SQLite migration 10.
 * @module
 */
import type { PgMigration } from './pg-migration.js';

export const MIGRATION_BUDGETS: PgMigration = {
  version: 4,
  name: 'budgets and budget warnings',
  sql: `
CREATE TABLE budgets (
  name TEXT PRIMARY KEY,
  unit TEXT NOT NULL,
  limit_amount DOUBLE PRECISION NOT NULL,
  period TEXT NOT NULL,
  scope_kind TEXT NOT NULL,
  scope_value TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE budget_warnings (
  budget TEXT NOT NULL,
  period TEXT NOT NULL,
  threshold INTEGER NOT NULL,
  warned_at BIGINT NOT NULL,
  PRIMARY KEY (budget, period, threshold)
);
`,
};
