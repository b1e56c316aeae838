/**
 * Migration 7: the rollup cache (see rollup-cache.ts).
 * @module
 */
import type { Migration } from './migrations.js';

export const MIGRATION_7: Migration = {
  version: 7,
  name: 'rollup cache: day rows per rollup generation',
  sql: `
-- Day rows of the rollup as a report read them, per span set (key) and rollup generation: a report
-- with nothing new reads one row instead of grouping the hourly rollup. meta 'rollup_generation'
-- moves with every rollup refresh, so a row is used only while the rollup is exactly as it was.
CREATE TABLE rollup_cache (
  key TEXT PRIMARY KEY,
  generation INTEGER NOT NULL,
  data TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('rollup_generation', '0') ON CONFLICT (key) DO NOTHING;
`,
};
