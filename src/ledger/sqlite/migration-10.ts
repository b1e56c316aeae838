/**
 * Migration 10: spending budgets, and the warnings shown for them (one row per budget, period and
 * threshold, so a warning is claimed once by an insert).
 * @module
 */
import type { Migration } from './migration.js';

export const MIGRATION_10: Migration = {
  version: 10,
  name: 'budgets and budget warnings',
  sql: `
CREATE TABLE budgets (
  name TEXT PRIMARY KEY,
  unit TEXT NOT NULL,
  limit_amount REAL NOT NULL,
  period TEXT NOT NULL,
  scope_kind TEXT NOT NULL,
  scope_value TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE budget_warnings (
  budget TEXT NOT NULL,
  period TEXT NOT NULL,
  threshold INTEGER NOT NULL,
  warned_at INTEGER NOT NULL,
  PRIMARY KEY (budget, period, threshold)
);
`,
};
