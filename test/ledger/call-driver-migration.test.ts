/**
 * A ledger from before what drove each call was kept at write time (SQLite schema 12): migration 13
 * marks every session, so the first read links them all and gives the same groups as the read-time
 * window, and writes after it keep them so.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import type { GroupDimension } from '../../src/ledger/usage-repository.js';
import { expectedBy, FIXTURE } from '../capture/tool-activity-truth.js';
import { cleanupTemp, copyFixture, importDirs, tempDir, totalsBy } from '../helpers/ledger.js';

afterEach(cleanupTemp);

const DIMS = ['tool', 'skill', 'mcpServer', 'file'] as const;

/** The fixture's usage and tool uses in a ledger as schema 12 left it: none of migration 13's tables. */
async function oldLedger(claudeDir: string): Promise<string> {
  const file = path.join(tempDir(), 'ledger.db');
  const store = SqliteStore.open(file);
  await importDirs(store, claudeDir);
  await store.close();
  const db = new Database(file);
  db.exec(`
    DROP TRIGGER usage_activity_inserted; DROP TRIGGER usage_activity_moved; DROP TRIGGER usage_activity_summed;
    DROP TRIGGER usage_activity_deleted; DROP TRIGGER call_activity_added; DROP TRIGGER call_activity_changed;
    DROP TRIGGER call_activity_removed;
    DROP TABLE call_driver; DROP TABLE activity_dirty; DROP TABLE activity_rollup_dirty;
    DROP TABLE activity_rollup; DROP TABLE activity_rollup_day;
    DELETE FROM schema_migrations WHERE version >= 13;`);
  expect((db.prepare('SELECT count(*) AS n FROM call_activity').get() as { n: number }).n).toBeGreaterThan(0);
  db.close();
  return file;
}

async function byWindow(store: SqliteStore, dim: GroupDimension) {
  const rows = await store.groups({ dimensions: [dim], filter: {}, linkAtRead: true });
  const out: Record<string, number> = {};
  for (const r of rows) out[r.values[dim] ?? ''] = (out[r.values[dim] ?? ''] ?? 0) + r.input;
  return out;
}

describe('migration 13 on an older ledger', () => {
  it('links every call on the first read: the ground truth, and the read-time window', async () => {
    const dir = copyFixture(FIXTURE);
    const file = await oldLedger(dir);
    const store = SqliteStore.open(file);
    try {
      for (const dim of DIMS) {
        expect(await totalsBy(store, dim)).toEqual(expectedBy(dim));
        const stored = Object.fromEntries(
          Object.entries(await totalsBy(store, dim)).map(([k, t]) => [k, t.input]),
        );
        expect(stored).toEqual(await byWindow(store, dim));
      }
      // Reading everything again changes nothing; the links are kept.
      await importDirs(store, dir);
      for (const dim of DIMS) expect(await totalsBy(store, dim)).toEqual(expectedBy(dim));
    } finally {
      await store.close();
    }
  });
});
