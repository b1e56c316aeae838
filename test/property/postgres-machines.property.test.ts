/**
 * A team on one PostgreSQL ledger: two machines (two connections with their own origin, machine and
 * user) import overlapping and disjoint copies of a history at the same time, each in several rounds
 * as files appear, in a random interleaving. The ledger must then hold exactly what one SQLite import
 * of the same files holds (totals, sessions, agents, rollup buckets), and report every call under the
 * machine and user of one of the two.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { importClaudeHistory } from '../../src/app/import/import-claude.js';
import { PostgresStore } from '../../src/ledger/postgres/postgres-store.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import type { ImportOrigin } from '../../src/ledger/usage-repository.js';
import { createTestDatabase, postgresAvailable, SchemaPool, type TestDatabase } from '../helpers/postgres.js';
import { ledgerView } from '../ledger/ledger-dump.js';
import { historyArb, layoutArb, layoutFiles, writeFiles } from './transcript-model.js';

const RUNS = Number(process.env.TL_PROPERTY_RUNS ?? 12);
const TIMEOUT = 300_000;
const available = await postgresAvailable();

const MACHINES: readonly ImportOrigin[] = [
  { machine: 'laptop-ann', user: 'ann' },
  { machine: 'ci-runner', user: 'build' },
];

/** Who gets each file (cycled over the files): one machine, the other, or both (a copy). */
const ownerArb = fc.array(fc.constantFrom<'a' | 'b' | 'both'>('a', 'b', 'both'), {
  minLength: 1,
  maxLength: 12,
});
/** In which of three import rounds a file appears on a machine (cycled), and pauses between rounds (ms). */
const planArb = fc.record({
  rounds: fc.array(fc.nat(2), { minLength: 1, maxLength: 8 }),
  pauses: fc.array(fc.nat(6), { minLength: 3, maxLength: 3 }),
});

function importDir(store: LedgerStore, dir: string, origin: ImportOrigin) {
  return importClaudeHistory(store, { origin: { ...origin }, env: { CLAUDE_CONFIG_DIR: dir }, threads: 0 });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!available)('two machines importing into one PostgreSQL ledger at once', () => {
  let database: TestDatabase | undefined;
  let pool: SchemaPool | undefined;

  afterAll(async () => {
    await database?.drop();
  }, 60_000);

  it(
    'converge on what one SQLite import of the same files holds',
    async () => {
      database ??= await createTestDatabase();
      pool ??= new SchemaPool(database);
      const schemas = pool;
      await fc.assert(
        fc.asyncProperty(
          historyArb(),
          layoutArb,
          ownerArb,
          planArb,
          planArb,
          async (h, layout, owners, planA, planB) => {
            const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-pg-machines-'));
            const schema = await schemas.take();
            const stores: LedgerStore[] = [];
            try {
              const files = [...layoutFiles(h, layout)];
              // The reference: every file once, one import into SQLite.
              const sqlite = SqliteStore.open(path.join(root, 'ledger.db'));
              stores.push(sqlite);
              writeFiles(path.join(root, 'all'), new Map(files));
              await importDir(sqlite, path.join(root, 'all'), MACHINES[0] ?? { machine: 'm', user: 'u' });

              const machine = async (index: 0 | 1, plan: typeof planA) => {
                const origin = MACHINES[index] ?? { machine: 'm', user: 'u' };
                const dir = path.join(root, `machine-${index}`);
                fs.mkdirSync(dir, { recursive: true });
                const store = await PostgresStore.open(schema.location);
                stores.push(store);
                const mine = files.filter((_, i) => {
                  const owner = owners[i % owners.length];
                  return owner === 'both' || owner === (index === 0 ? 'a' : 'b');
                });
                for (const round of [0, 1, 2]) {
                  writeFiles(
                    dir,
                    new Map(mine.filter((_, i) => plan.rounds[i % plan.rounds.length] === round)),
                  );
                  await importDir(store, dir, origin);
                  await pause(plan.pauses[round] ?? 0);
                }
              };
              await Promise.all([machine(0, planA), machine(1, planB)]);

              const pg = stores[1];
              if (pg === undefined) throw new Error('no PostgreSQL store');
              expect(await ledgerView(pg)).toEqual(await ledgerView(sqlite));
              // Machine and user are report dimensions: every call under one of the two, summing to the total.
              const rows = await pg.groups({ dimensions: ['machine', 'user'], filter: {} });
              const seen = new Set(rows.map((r) => `${r.values.machine}/${r.values.user}`));
              for (const s of seen) expect(['laptop-ann/ann', 'ci-runner/build']).toContain(s);
              const responses = rows.reduce((n, r) => n + r.responses, 0);
              expect(responses).toBe((await sqlite.stats()).records);
            } finally {
              for (const s of stores) await s.close();
              await schema.drop();
              fs.rmSync(root, { recursive: true, force: true });
            }
          },
        ),
        { numRuns: RUNS, interruptAfterTimeLimit: 120_000 },
      );
    },
    TIMEOUT,
  );
});
