/**
 * The PostgreSQL ledger against the SQLite one: every fixture imported into both gives the same
 * stats, groups, rollups, day rows, problems, response times and block usage; a second import adds
 * nothing; several processes opening a new database at once migrate it once; an unreachable server
 * is named in the error. Runs against a fresh database (see test/helpers/postgres.ts).
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importClaudeHistory } from '../../../src/app/import/import-claude.js';
import { parseLedgerLocation } from '../../../src/config/ledger-location.js';
import { PG_MIGRATIONS } from '../../../src/ledger/postgres/migrations.js';
import { PostgresStore } from '../../../src/ledger/postgres/postgres-store.js';
import { canonicalJson } from '../../../src/ledger/record-identity.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import type { GroupDimension, GroupRow } from '../../../src/ledger/usage-repository.js';
import { cleanupTemp, copyFixture, fixtureCases, ORIGIN, openTempLedger } from '../../helpers/ledger.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../helpers/postgres.js';

const available = await postgresAvailable();

function importInto(store: LedgerStore, dir: string) {
  return importClaudeHistory(store, { origin: { ...ORIGIN }, env: { CLAUDE_CONFIG_DIR: dir }, threads: 0 });
}

/** Group rows in a stable order, with float sums rounded (the backends may add in another order). */
function canonical(rows: readonly GroupRow[]): string[] {
  return rows
    .map((r) =>
      canonicalJson({
        ...r,
        reportedCost: Math.round(r.reportedCost * 1e9) / 1e9,
        values: Object.entries(r.values).sort(),
      }),
    )
    .sort();
}

const DIMENSIONS: GroupDimension[][] = [
  [],
  ['session'],
  ['agent'],
  ['agentId'],
  ['model', 'project'],
  ['branch', 'machine', 'user'],
  ['task', 'stage', 'label:category'],
];

/** Everything both backends must agree on, with paths relative to `dir`. */
async function view(store: LedgerStore, dir: string) {
  const rel = (p: string) => path.relative(dir, p);
  const stats = await store.stats();
  const range = await store.rollupRange();
  const groups: Record<string, string[]> = {};
  for (const dims of DIMENSIONS) {
    groups[dims.join(',')] = canonical(await store.groups({ dimensions: dims, filter: {} }));
    groups[`${dims.join(',')}/day`] = canonical(
      await store.groups({ dimensions: dims, filter: {}, grain: 'day' }),
    );
  }
  const spans =
    range === null
      ? []
      : [
          { fromMs: range.fromMs, toMs: range.toMs, offsetMs: 0 },
          { fromMs: range.fromMs, toMs: range.toMs, offsetMs: -5 * 3_600_000 - 1_800_000 },
        ];
  const times = await store.responseTimes();
  const first = times[0] ?? 0;
  const last = times[times.length - 1] ?? 0;
  return {
    stats: { ...stats, lastImport: null },
    range,
    groups,
    buckets: (await store.buckets(null, null)).map((r) => canonicalJson(r)).sort(),
    days: (await store.days(spans)).map((r) => canonicalJson(r)),
    problems: (await store.problems(100)).rows.map((p) => ({
      ...p,
      file: rel(p.file),
      firstSeen: 0,
      lastSeen: 0,
    })),
    times,
    blocks: (
      await store.usageInSpans([
        { fromMs: first, toMs: first + 1_000 },
        { fromMs: first + 1, toMs: last + 3_600_000 },
      ])
    ).map((rows) => rows.map((r) => canonicalJson(r)).sort()),
    cursors: [...(await store.cursorStamps()).keys()].map(rel).sort(),
  };
}

describe.skipIf(!available)('the PostgreSQL ledger', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  }, 60_000);

  afterEach(cleanupTemp);

  it('migrates a new database once when several open it at the same moment', async () => {
    const fresh = await createTestDatabase();
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open(fresh.location)));
      const rows = await stores[0]?.db.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(rows).toEqual(PG_MIGRATIONS.map((m) => ({ version: m.version })));
      for (const s of stores) await s.close();
    } finally {
      await fresh.drop();
    }
  });

  it('a cold bulk import builds the time, session and thread indexes at its end; an open rebuilds lost ones', async () => {
    const fresh = await createTestDatabase();
    const indexes = async (store: PostgresStore) =>
      (
        await store.db.query<{ name: string }>(
          "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'usage' AND indexname IN ('usage_ts', 'usage_session', 'usage_thread') ORDER BY 1",
        )
      ).map((r) => r.name);
    try {
      const store = await PostgresStore.open(fresh.location);
      const bulk = await store.startBulkImport();
      expect(await indexes(store)).toEqual([]);
      // An import worker opens without rebuilding them; any other open rebuilds them.
      const worker = await PostgresStore.open(fresh.location, { bulk: true });
      expect(await indexes(store)).toEqual([]);
      await worker.close();
      await bulk.finish();
      expect(await indexes(store)).toEqual(['usage_session', 'usage_thread', 'usage_ts']);
      await (await store.startBulkImport()).finish();
      await store.db.query('DROP INDEX usage_ts');
      const other = await PostgresStore.open(fresh.location);
      expect(await indexes(store)).toEqual(['usage_session', 'usage_thread', 'usage_ts']);
      await other.close();
      await store.close();
    } finally {
      await fresh.drop();
    }
  });

  it('names the host and database it cannot reach, never the password', async () => {
    const location = parseLedgerLocation('postgres://ann:hunter2@127.0.0.1:1/nowhere');
    if (location.kind !== 'postgres') throw new Error('not a postgres location');
    const error = await PostgresStore.open(location).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/database "nowhere" on host 127\.0\.0\.1:1/);
    expect(error?.message).toMatch(/server running/);
    expect(error?.message).not.toContain('hunter2');
  });

  it.each(
    fixtureCases(),
  )('fixture %s: the same ledger as SQLite, and a second import adds nothing', async (name) => {
    const dir = copyFixture(name);
    const sqlite = openTempLedger();
    await importInto(sqlite, dir);
    const fresh = await createTestDatabase();
    const pg = await PostgresStore.open(fresh.location);
    try {
      const first = await importInto(pg, dir);
      expect(await view(pg, dir)).toEqual(await view(sqlite, dir));
      const again = await importInto(pg, dir);
      expect(again.added).toBe(0);
      expect(first.records).toBeGreaterThanOrEqual(first.added);
    } finally {
      await pg.close();
      await fresh.drop();
    }
  });
});
