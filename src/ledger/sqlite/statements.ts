/**
 * A connection with a prepared-statement cache, shared by the SQLite store's modules.
 * @module
 */
import Database from 'better-sqlite3';

export class Statements {
  readonly db: Database.Database;
  readonly #cache = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.db = db;
  }

  /** The prepared statement for `sql`, prepared once per connection. */
  get(sql: string): Database.Statement {
    let s = this.#cache.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.#cache.set(sql, s);
    }
    return s;
  }

  /** Runs `work` in one IMMEDIATE transaction (takes the write lock at once, waiting up to the busy timeout). */
  write<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }
}

/**
 * Runs `work` in a write transaction if the write lock is free now, without waiting; returns whether
 * it ran. For writes that only save work for later (caches): another process writing, or a read-only
 * ledger, just means they are not saved this time.
 */
export function tryWriteNow(s: Statements, work: () => void): boolean {
  const db = s.db;
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  try {
    db.pragma('busy_timeout = 0');
    s.write(work);
    return true;
  } catch (error) {
    if (!(error instanceof Database.SqliteError)) throw error;
    return false;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}
