/**
 * A fresh PostgreSQL database per test file, on the server at 127.0.0.1:5432 (user postgres, trust
 * auth). With TOKENLEDGER_TEST_PG=1 the tests must run (an unreachable server fails them); otherwise
 * they run when the server answers and are skipped, with the reason, when it does not.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const HOST = '127.0.0.1';
const PORT = 5432;
const ADMIN_URL = `postgres://postgres@${HOST}:${PORT}/test`;

/** Null when the server answers; else why the PostgreSQL tests are skipped. */
async function unreachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return `PostgreSQL at ${HOST}:${PORT} (database test, user postgres) did not answer: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

const reason = await unreachable();
if (reason !== null && process.env.TOKENLEDGER_TEST_PG === '1') {
  throw new Error(`TOKENLEDGER_TEST_PG=1, but ${reason}. Start PostgreSQL, or unset TOKENLEDGER_TEST_PG.`);
}
if (reason !== null) console.warn(`skipping the PostgreSQL tests: ${reason}`);

/** Why the PostgreSQL tests are skipped, or null when they run. */
export const pgSkipReason: string | null = reason;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  url: string;
  name: string;
  /** Drops the database (closing what still holds it). */
  drop(): Promise<void>;
}

/** Creates an empty database `tl_test_<random>`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `tl_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    name,
    url: `postgres://postgres@${HOST}:${PORT}/${name}`,
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}
