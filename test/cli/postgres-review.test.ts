/**
 * `tokenledger review` and `review check` on PostgreSQL ledgers: the same flow as on SQLite
 * (review-flow.ts), against fresh databases (see test/helpers/postgres.ts).
 */
import { afterAll, describe, it } from 'vitest';
import { parseLedgerLocation } from '../../src/config/ledger-location.js';
import { PostgresStore } from '../../src/ledger/postgres/postgres-store.js';
import { useSandbox } from '../helpers/cli.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/postgres.js';
import { reviewFlow } from './review-flow.js';

const available = await postgresAvailable();
const cli = useSandbox('tl-pg-review-');
const databases: TestDatabase[] = [];

afterAll(async () => {
  for (const db of databases) await db.drop();
}, 60_000);

describe.skipIf(!available)('review on a PostgreSQL ledger', () => {
  it('proposes diffs git applies, checks the saving, and proposes nothing on a clean ledger', async () => {
    const [planted, clean] = [await createTestDatabase(), await createTestDatabase()];
    databases.push(planted, clean);
    await reviewFlow(cli, {
      db: planted.url,
      cleanDb: clean.url,
      open: async (db) => {
        const at = parseLedgerLocation(db);
        if (at.kind !== 'postgres') throw new Error(`not a PostgreSQL URL: ${db}`);
        return PostgresStore.open(at);
      },
    });
  }, 180_000);
});
