/**
 * The JSONL round trip of activity, budgets and review proposals (jsonl-kept-data.flow.ts) across
 * backends: a SQLite ledger rebuilt in an empty PostgreSQL ledger, and a PostgreSQL ledger rebuilt
 * in an empty SQLite file and an empty PostgreSQL schema.
 */
import { afterAll, describe, it } from 'vitest';
import { parseLedgerLocation } from '../../src/config/ledger-location.js';
import { PostgresStore } from '../../src/ledger/postgres/postgres-store.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import { useSandbox } from '../helpers/cli.js';
import {
  createTestDatabase,
  createTestSchema,
  postgresAvailable,
  type TestDatabase,
} from '../helpers/postgres.js';
import { keptDataRoundTrip } from './jsonl-kept-data.flow.js';

const available = await postgresAvailable();
const cli = useSandbox('tl-pg-jsonl-kept-', { dirs: ['claude', 'tl'] });
const databases: TestDatabase[] = [];

// Dropping a database waits for a checkpoint: slow on a busy machine.
afterAll(async () => {
  for (const d of databases) await d.drop();
}, 120_000);

async function open(db: string): Promise<LedgerStore> {
  const at = parseLedgerLocation(db);
  return at.kind === 'postgres' ? PostgresStore.open(at) : SqliteStore.open(db);
}

async function database(): Promise<TestDatabase> {
  const d = await createTestDatabase();
  databases.push(d);
  return d;
}

describe.skipIf(!available)('export --jsonl / import-jsonl across backends', () => {
  it('a SQLite ledger rebuilt in PostgreSQL answers the same', async () => {
    const target = await database();
    await keptDataRoundTrip(cli, open, cli.path('original.db'), [target.url]);
  }, 300_000);

  it('a PostgreSQL ledger rebuilt in SQLite and in PostgreSQL answers the same', async () => {
    const d = await database();
    const other = await createTestSchema(d);
    await keptDataRoundTrip(cli, open, d.url, [cli.path('rebuilt.db'), other.location.url]);
  }, 300_000);
});
