/**
 * A ledger from before the session rollup (SQLite schema 14, PostgreSQL schema 8): the migration
 * marks every session, so the first report at the `day` grain builds the rollup and gives the same
 * groups as the usage rows, and writes after it keep them so.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/ledger/postgres/postgres-store.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import type { GroupDimension } from '../../src/ledger/usage-repository.js';
import { FIXTURE } from '../capture/tool-activity-truth.js';
import { cleanupTemp, copyFixture, importDirs, tempDir } from '../helpers/ledger.js';
import { createTestDatabase, postgresAvailable } from '../helpers/postgres.js';
import { groupMap } from './conformance/ledger-inputs.js';

afterEach(cleanupTemp);

const pgAvailable = (await postgresAvailable()) || process.env.TOKENLEDGER_TEST_PG === '1';
const STAGE_MAP = { Explore: 'explore' };
const DIMS: readonly (readonly GroupDimension[])[] = [
  [],
  ['session'],
  ['task', 'stage'],
  ['model', 'project'],
  ['agent'],
  ['branch'],
  ['machine', 'user'],
];

/** The fixture's usage, some of it attributed to a task. */
async function fill(store: LedgerStore, dir: string): Promise<void> {
  await importDirs(store, dir);
  const [first] = await store.groups({
    dimensions: ['session'],
    filter: {},
    grain: 'day',
    groupAtRead: true,
  });
  await store.openSpan({
    scope: 'session',
    sessionId: first?.values.session ?? '',
    fromTs: 0,
    taskId: 'T-1',
    stage: 'build',
    source: 'task',
  });
  await store.attributePending(STAGE_MAP);
}

const sorted = (m: Record<string, number[]>) =>
  Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Every dimension set through the rollup and through the usage rows; the differing ones. */
async function differences(store: LedgerStore): Promise<Record<string, unknown>> {
  const diff: Record<string, unknown> = {};
  for (const dims of DIMS) {
    const q = { dimensions: dims, filter: {}, grain: 'day' as const, stageMap: STAGE_MAP };
    const kept = sorted(groupMap(await store.groups(q), dims));
    const read = sorted(groupMap(await store.groups({ ...q, groupAtRead: true }), dims));
    if (JSON.stringify(kept) !== JSON.stringify(read)) diff[dims.join(',')] = { kept, read };
  }
  return diff;
}

async function expectBuiltOnFirstRead(store: LedgerStore, dir: string, rollupRows: () => Promise<number>) {
  expect(await rollupRows()).toBe(0);
  expect(await differences(store)).toEqual({});
  expect(await rollupRows()).toBeGreaterThan(0);
  // Writes after it keep it so: the same import again, and a second task.
  await importDirs(store, dir);
  await store.openSpan({ scope: 'project', project: '/', fromTs: 0, taskId: 'T-2', source: 'task' });
  await store.attributePending(STAGE_MAP);
  expect(await differences(store)).toEqual({});
}

describe('the session rollup on an older ledger', () => {
  it('SQLite (migration 15): the first read builds it from every session', async () => {
    const dir = copyFixture(FIXTURE);
    const file = path.join(tempDir(), 'ledger.db');
    const before = SqliteStore.open(file);
    await fill(before, dir);
    await before.close();
    const db = new Database(file);
    db.exec(`
      DROP TRIGGER usage_session_inserted; DROP TRIGGER usage_session_updated; DROP TRIGGER usage_session_deleted;
      DROP TABLE session_rollup; DROP TABLE session_rollup_dirty;
      DELETE FROM schema_migrations WHERE version >= 15;`);
    db.close();
    const store = SqliteStore.open(file);
    const check = new Database(file, { readonly: true });
    try {
      const rows = async () =>
        (check.prepare('SELECT count(*) AS n FROM session_rollup').get() as { n: number }).n;
      await expectBuiltOnFirstRead(store, dir, rows);
    } finally {
      check.close();
      await store.close();
    }
  });

  it.skipIf(!pgAvailable)(
    'PostgreSQL (migration 9): the first read builds it from every session',
    async () => {
      const dir = copyFixture(FIXTURE);
      const fresh = await createTestDatabase();
      try {
        const before = await PostgresStore.open(fresh.location);
        await fill(before, dir);
        await before.db.query(`
        DROP TABLE session_rollup; DROP TABLE session_rollup_dirty;
        DROP TRIGGER usage_session_inserted ON usage; DROP TRIGGER usage_session_updated ON usage;
        DROP TRIGGER usage_session_deleted ON usage;
        DROP FUNCTION tl_session_usage_inserted(); DROP FUNCTION tl_session_usage_updated();
        DROP FUNCTION tl_session_usage_deleted();
        DELETE FROM schema_migrations WHERE version >= 9;`);
        await before.close();
        const store = await PostgresStore.open(fresh.location);
        try {
          const rows = async () =>
            (await store.db.query<{ n: number }>('SELECT count(*) AS n FROM session_rollup'))[0]?.n ?? 0;
          await expectBuiltOnFirstRead(store, dir, rows);
        } finally {
          await store.close();
        }
      } finally {
        await fresh.drop();
      }
    },
  );
});
