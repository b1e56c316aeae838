/**
 * The ledger conformance suite on PostgreSQL: one fresh database per run (`tl_test_<random>`,
 * dropped at the end), and in it an empty schema per test (emptied and used again after it). With
 * `TOKENLEDGER_TEST_PG=1` it must run (an unreachable server fails it); otherwise it runs when
 * 127.0.0.1:5432 answers and is skipped with the reason when not (see test/helpers/postgres.ts).
 */
import { afterAll } from 'vitest';
import { PostgresStore } from '../../../src/ledger/postgres/postgres-store.js';
import {
  createTestDatabase,
  postgresAvailable,
  SchemaPool,
  type TestDatabase,
} from '../../helpers/postgres.js';
import { describeLedger, type OpenedLedger } from './describe-ledger.js';

const available = await postgresAvailable();
let database: TestDatabase | undefined;
let pool: Promise<SchemaPool> | undefined;

// Dropping a database waits for a checkpoint: slow on a busy machine.
afterAll(async () => {
  await pool;
  await database?.drop();
}, 60_000);

describeLedger(
  'PostgreSQL',
  async (): Promise<OpenedLedger> => {
    pool ??= createTestDatabase().then((db) => {
      database = db;
      return new SchemaPool(db);
    });
    const schema = await (await pool).take();
    const store = await PostgresStore.open(schema.location);
    const stores = [store];
    return {
      store,
      reopen: async () => {
        const other = await PostgresStore.open(schema.location);
        stores.push(other);
        return other;
      },
      cleanup: async () => {
        for (const s of stores.splice(0)) await s.close();
        await schema.drop();
      },
    };
  },
  {
    skip: available
      ? undefined
      : 'nothing answers on 127.0.0.1:5432 (TOKENLEDGER_TEST_PG=1 makes it required)',
  },
);
