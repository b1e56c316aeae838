/**
 * A connection with a prepared-statement cache, shared by the SQLite store's modules.
 * @module
 */
import type Database from 'better-sqlite3';

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
