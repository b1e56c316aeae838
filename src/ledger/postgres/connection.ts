/**
 * The PostgreSQL ledger's connection: a small pool (`pg.Pool`) behind {@link PgDb}, with queries,
 * transactions and the messages that tell the user what to check when the server cannot be reached.
 *
 * Module functions of the PostgreSQL store take a {@link PgQueryable} (the pool, or the client of a
 * transaction) or the {@link PgDb} itself when they open transactions of their own. BIGINT and NUMERIC
 * values (ms timestamps, token counts, their sums) come back as JavaScript numbers.
 * @module
 */
import pg from 'pg';
import {
  describeDatabase,
  describeLedgerLocation,
  type PostgresLocation,
} from '../../config/ledger-location.js';
import { LedgerError } from '../ledger-error.js';

/** A row of a query result: column name → value. */
export type PgRow = Record<string, unknown>;

/** What queries run on: the pool, or one transaction's client. */
export interface PgQueryable {
  /** The rows of one statement (`$1`… parameters); a row type is the caller's word for what it selects. */
  query<R = PgRow>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface TransactionOptions {
  /** `repeatable read`: one snapshot for every statement (consistent reads); default `read committed`. */
  isolation?: 'read committed' | 'repeatable read';
  readOnly?: boolean;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;
/** SQLSTATEs of a transaction that lost a race and may simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 8;

/** int8 and numeric as numbers: timestamps and token counts stay far below 2^53. */
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  },
};

/**
 * An array parameter as a PostgreSQL array literal (`{"a",NULL,3}`), built in one pass: the client's
 * own conversion takes several times as long, which a bulk write of 10,000 rows × 21 columns feels.
 * Arrays of anything but strings, numbers and nulls are left to the client.
 */
function arrayLiteral(values: readonly unknown[]): string | null {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) parts[i] = 'NULL';
    else if (typeof v === 'number') parts[i] = String(v);
    else if (typeof v === 'string')
      parts[i] = v.includes('"') || v.includes('\\') ? `"${v.replace(/[\\"]/g, '\\$&')}"` : `"${v}"`;
    else return null;
  }
  return `{${parts.join(',')}}`;
}

function toParams(params: readonly unknown[]): unknown[] {
  return params.map((p) => (Array.isArray(p) ? (arrayLiteral(p) ?? p) : p));
}

function sqlState(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * A {@link LedgerError} for a failure to reach or use the database, naming the host, port and
 * database (never the password) and what to check; other errors are returned unchanged.
 */
export function connectionError(location: PostgresLocation, error: unknown): unknown {
  const where = `the ledger ${describeLedgerLocation(location)} (${describeDatabase(location)})`;
  const code = sqlState(error);
  const message = (error as Error | null)?.message ?? String(error);
  let hint: string | null = null;
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code))
    hint =
      'Is the PostgreSQL server running and listening on that host and port (check the host name, the port and any firewall)?';
  else if (code === '28P01' || code === '28000')
    hint =
      "Check the user name and password in the URL, and that the server's pg_hba.conf lets this user connect from this machine.";
  else if (code === '3D000')
    hint =
      'Create the database first (e.g. `createdb` or CREATE DATABASE), or name an existing one in the URL.';
  else if (code === '42501')
    hint = 'Grant this user the rights to create tables in the database, or use another user.';
  // Errors of the client itself (no SQLSTATE): a connection lost or timed out.
  else if (!/^[0-9A-Z]{5}$/.test(code) && /connect|terminat|timeout|ECONNRESET/i.test(`${code} ${message}`))
    hint = 'Check that the server is running and reachable, then try again.';
  if (hint === null) return error;
  return new LedgerError(
    `${where} cannot be used: ${message.replaceAll(location.url, describeLedgerLocation(location))}. ${hint}`,
    {
      cause: error,
    },
  );
}

/** A connection pool to one PostgreSQL ledger. */
export class PgDb implements PgQueryable {
  readonly location: PostgresLocation;
  readonly #pool: pg.Pool;

  private constructor(location: PostgresLocation, pool: pg.Pool) {
    this.location = location;
    this.#pool = pool;
  }

  /**
   * A pool to the database; nothing is connected until the first query, which fails with a message
   * that names the server when it cannot be reached.
   */
  static connect(
    location: PostgresLocation,
    options: { max?: number; connectTimeoutMs?: number } = {},
  ): PgDb {
    const pool = new pg.Pool({
      connectionString: location.url,
      max: options.max ?? 4,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 15_000,
      application_name: 'tokenledger',
      types: TYPES,
    });
    // An idle client losing its server must not crash the process: the next query reports it.
    pool.on('error', () => {});
    return new PgDb(location, pool);
  }

  async query<R = PgRow>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    try {
      const rows: R[] = (await this.#pool.query(sql, toParams(params))).rows;
      return rows;
    } catch (error) {
      throw connectionError(this.location, error);
    }
  }

  /**
   * Runs `work` in one transaction on one client; commits when it resolves, rolls back when it
   * throws. A transaction that lost a deadlock or serialization race runs again (its writes were
   * rolled back), so `work` must not have effects outside the database that cannot be repeated.
   */
  async transaction<T>(work: (tx: PgQueryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const begin = `BEGIN ISOLATION LEVEL ${options.isolation === 'repeatable read' ? 'REPEATABLE READ' : 'READ COMMITTED'}${options.readOnly === true ? ' READ ONLY' : ''}`;
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.#pool.connect();
      } catch (error) {
        throw connectionError(this.location, error);
      }
      const tx: PgQueryable = {
        query: async <R = PgRow>(sql: string, params: readonly unknown[] = []) => {
          const rows: R[] = (await client.query(sql, toParams(params))).rows;
          return rows;
        },
      };
      let broken = false;
      try {
        await client.query(begin);
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        if (RETRYABLE.has(sqlState(error)) && attempt < MAX_ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 20 * attempt));
          continue;
        }
        throw connectionError(this.location, error);
      } finally {
        client.release(broken);
      }
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
