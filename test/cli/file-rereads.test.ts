/**
 * Files read again and again on a SQLite ledger and (with TOKENLEDGER_TEST_PG=1) a PostgreSQL one:
 * the flow of file-reread-flow.ts.
 */
import { afterAll, describe, it } from 'vitest';
import { openLedgerSession } from '../../src/app/ledger-session.js';
import { parseLedgerLocation } from '../../src/config/ledger-location.js';
import { PostgresStore } from '../../src/ledger/postgres/postgres-store.js';
import { useSandbox } from '../helpers/cli.js';
import {
  createTestDatabase,
  createTestSchema,
  postgresAvailable,
  type TestDatabase,
} from '../helpers/postgres.js';
import { fileRereadFlow } from './file-reread-flow.js';

const cli = useSandbox('tl-rereads-', { per: 'test' });
const available = await postgresAvailable();
let database: TestDatabase | undefined;

afterAll(async () => {
  await database?.drop();
}, 120_000);

describe('files read again and again', () => {
  it('on SQLite: anomalies flags the file with its evidence, review proposes the rule, a clean ledger is quiet', async () => {
    await fileRereadFlow(cli, {
      db: cli.path('planted.db'),
      cleanDb: cli.path('clean.db'),
      open: async (db) => (await openLedgerSession({ db, env: cli.env() })).store,
    });
  }, 180_000);

  it.skipIf(!available)(
    'on PostgreSQL: the same',
    async () => {
      database = await createTestDatabase();
      const clean = await createTestSchema(database);
      await fileRereadFlow(cli, {
        db: database.url,
        cleanDb: clean.location.url,
        open: async (db) => {
          const at = parseLedgerLocation(db);
          if (at.kind !== 'postgres') throw new Error(`not a PostgreSQL URL: ${db}`);
          return PostgresStore.open(at);
        },
      });
    },
    240_000,
  );
});
