/**
 * Migration 7: the rollup cache (see rollup-cache.ts).
 * @module
 */
import type { Migration } from './migration.js';

export const MIGRATION_7: Migration = {
  version: 7,
  name: 'rollup cache and scan snapshots',
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
-- The hours each refresh rebuilt, so remembered rows can be brought up to date day by day.
CREATE TABLE rollup_changes (
  generation INTEGER NOT NULL,
  from_hour INTEGER NOT NULL,
  to_hour INTEGER NOT NULL
);
CREATE INDEX rollup_changes_generation ON rollup_changes (generation);

-- What the last complete import saw under a set of Claude dirs (roots: their JSON list): every
-- directory walked with its mtime and every transcript with its cursor's stamp (see
-- capture/discovery/scan-snapshot.ts). A report whose stats all match knows there is nothing to import
-- without walking or reading a cursor. A snapshot is true only while cursors move with their files:
-- anything that deletes cursors drops the snapshots too.
-- delta: the cursor stamps of files imported since, by path (JSON), folded in by the next walk.
CREATE TABLE scan_snapshots (
  roots TEXT PRIMARY KEY,
  taken_at INTEGER NOT NULL,
  data TEXT NOT NULL,
  delta TEXT NOT NULL
);
CREATE TRIGGER files_deleted_drop_snapshots AFTER DELETE ON files BEGIN
  DELETE FROM scan_snapshots;
END;
`,
};
