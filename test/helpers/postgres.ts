/**
 * Test helpers for the PostgreSQL ledger: whether a server is there to test against, and a fresh
 * database per test file (`tl_test_<random>`), dropped at the end.
 *
 * With `TOKENLEDGER_TEST_PG=1` (CI) the PostgreSQL tests must run: an unreachable server fails them.
 * Otherwise they run when 127.0.0.1:5432 answers, and are skipped with a printed reason when not.
 * The server is `TOKENLEDGER_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`,
 * trust auth); the test databases are made next to that one.
 * @module
 */
import crypto from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { type PostgresLocation, parseLedgerLocation } from '../../src/config/ledger-location.js';

export const ADMIN_URL = process.env.TOKENLEDGER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REQUIRED = process.env.TOKENLEDGER_TEST_PG === '1';

function answers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || 5432) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * True when the PostgreSQL tests should run. When they are skipped, says why on stderr; when they
 * are required and the server is not there, still true (they then fail, naming the server).
 */
export async function postgresAvailable(): Promise<boolean> {
  if (REQUIRED) return true;
  if (await answers(ADMIN_URL)) return true;
  process.stderr.write(
    `PostgreSQL tests skipped: nothing answers at ${new URL(ADMIN_URL).host} (start a server there, or set TOKENLEDGER_TEST_PG_URL; TOKENLEDGER_TEST_PG=1 makes them required).\n`,
  );
  return false;
}

/** A URL to `database` on the test server. */
function urlOf(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.href;
}

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
  name: string;
  url: string;
  location: PostgresLocation;
  drop(): Promise<void>;
}

/** Creates an empty database `tl_test_<random>`; `drop()` removes it (closing what is still connected). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `tl_test_${crypto.randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = urlOf(name);
  const location = parseLedgerLocation(url);
  if (location.kind !== 'postgres') throw new Error(`${url} is not a postgres location`);
  return {
    name,
    url,
    location,
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

export interface TestSchema {
  location: PostgresLocation;
  drop(): Promise<void>;
}

/**
 * A fresh, empty schema in `database` (`s_<random>`), and a location whose connections use it (its
 * `search_path`): a new ledger in a few milliseconds, where a new database takes far longer.
 */
export async function createTestSchema(database: TestDatabase): Promise<TestSchema> {
  const name = `s_${crypto.randomBytes(6).toString('hex')}`;
  const inDatabase = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  await inDatabase((c) => c.query(`CREATE SCHEMA ${name}`));
  const url = `${database.url}?options=${encodeURIComponent(`-c search_path=${name}`)}`;
  const location = parseLedgerLocation(url);
  if (location.kind !== 'postgres') throw new Error(`${url} is not a postgres location`);
  return {
    location,
    drop: () => inDatabase(async (c) => void (await c.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`))),
  };
}

/**
 * Fresh ledgers for tests that open many (a conformance suite, a property's runs): schemas of one
 * database, each emptied on release (every table but `schema_migrations` truncated, its sequences
 * restarted, the migrations' one data row put back) and handed out again. A new ledger then costs a
 * truncate instead of a migration.
 */
export class SchemaPool {
  readonly #database: TestDatabase;
  readonly #free: TestSchema[] = [];

  constructor(database: TestDatabase) {
    this.#database = database;
  }

  /** An empty schema; `drop()` gives it back, emptied. */
  async take(): Promise<TestSchema> {
    const schema = this.#free.pop() ?? (await createTestSchema(this.#database));
    return { location: schema.location, drop: () => this.#release(schema) };
  }

  async #release(schema: TestSchema): Promise<void> {
    const client = new pg.Client({ connectionString: schema.location.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ t: string }>(
        "SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'",
      );
      if (rows.length > 0) {
        await client.query(`TRUNCATE ${rows.map((r) => r.t).join(', ')} RESTART IDENTITY CASCADE`);
        await client.query("INSERT INTO meta (key, value) VALUES ('rollup_generation', '0')");
      }
    } finally {
      await client.end();
    }
    this.#free.push(schema);
  }
}
