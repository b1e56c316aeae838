/**
 * Migration 6: dirty-marking triggers that never conflict under an upsert.
 * @module
 */
import type { Migration } from './migration.js';

export const MIGRATION_6: Migration = {
  version: 6,
  name: 'dirty-marking triggers that never conflict under an upsert',
  sql: `
-- The triggers of migrations 1 and 4 marked with INSERT OR IGNORE, but a trigger fired by an upsert
-- (INSERT ... ON CONFLICT DO UPDATE) takes the upsert's conflict handling, so marking a bucket or a
-- (task, day) already marked failed with UNIQUE and aborted the write (e.g. an import merging a
-- task's row twice before a reader refreshed). They now insert only what is not marked yet.
DROP TRIGGER usage_bucket_moved;
CREATE TRIGGER usage_bucket_moved AFTER UPDATE OF ts ON usage
WHEN OLD.ts / 900000 <> NEW.ts / 900000
BEGIN
  INSERT INTO rollup_dirty (bucket) SELECT OLD.ts / 900000
    WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE bucket = OLD.ts / 900000);
END;
DROP TRIGGER usage_task_inserted;
CREATE TRIGGER usage_task_inserted AFTER INSERT ON usage WHEN new.task_id IS NOT NULL BEGIN
  INSERT INTO task_rollup_dirty (task_id, day) SELECT new.task_id, new.ts / 86400000
    WHERE NOT EXISTS (SELECT 1 FROM task_rollup_dirty WHERE task_id = new.task_id AND day = new.ts / 86400000);
END;
DROP TRIGGER usage_task_updated;
CREATE TRIGGER usage_task_updated AFTER UPDATE ON usage WHEN old.task_id IS NOT NULL OR new.task_id IS NOT NULL BEGIN
  INSERT INTO task_rollup_dirty (task_id, day) SELECT old.task_id, old.ts / 86400000
    WHERE old.task_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM task_rollup_dirty WHERE task_id = old.task_id AND day = old.ts / 86400000);
  INSERT INTO task_rollup_dirty (task_id, day) SELECT new.task_id, new.ts / 86400000
    WHERE new.task_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM task_rollup_dirty WHERE task_id = new.task_id AND day = new.ts / 86400000);
END;
DROP TRIGGER usage_task_deleted;
CREATE TRIGGER usage_task_deleted AFTER DELETE ON usage WHEN old.task_id IS NOT NULL BEGIN
  INSERT INTO task_rollup_dirty (task_id, day) SELECT old.task_id, old.ts / 86400000
    WHERE NOT EXISTS (SELECT 1 FROM task_rollup_dirty WHERE task_id = old.task_id AND day = old.ts / 86400000);
END;
`,
};
