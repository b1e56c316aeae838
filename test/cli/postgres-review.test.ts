/**
 * `tokenledger review` and `review check` on PostgreSQL ledgers: the same flow as on SQLite
 * (review-flow.ts), in a fresh database (see test/helpers/postgres.ts); the clean control ledger is
 * a schema of it (its URL sets the search path).
 */
import { afterAll, describe, it } from 'vitest';
import { parseLedgerLocation } from '../../src/config/ledger-location.js';
import { PostgresStore } from '../../src/ledger/postgres/postgres-store.js';
import { useSandbox } from '../helpers/cli.js';
import {
  createTestDatabase,
  createTestSchema,
  postgresAvailable,
  type TestDatabase,
} from '../helpers/postgres.js';
import { reviewFlow } from './review-flow.js';

const available = await postgresAvailable();
const cli = useSandbox('tl-pg-review-');
let database: TestDatabase | undefined;

// Dropping a database waits for a checkpoint: slow on a busy machine.
afterAll(async () => {
  await database?.drop();
}, 120_000);

describe.skipIf(!available)('review on a PostgreSQL ledger', () => {
  it('proposes diffs git applies, checks the saving, and proposes nothing on a clean ledger', async () => {
    database = await createTestDatabase();
    const clean = await createTestSchema(database);
    await reviewFlow(cli, {
      db: database.url,
      cleanDb: clean.location.url,
      open: async (db) => {
        const at = parseLedgerLocation(db);
        if (at.kind !== 'postgres') throw new Error(`not a PostgreSQL URL: ${db}`);
        return PostgresStore.open(at);
      },
    });
  }, 180_000);
});
