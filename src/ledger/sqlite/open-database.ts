/**
 * Opening a SQLite ledger file: the connection's settings (WAL, busy timeout, caches), the native
 * addon, and the schema migrations.
 * @module
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LedgerError } from '../ledger-error.js';
import { restoreDeferredIndexes } from './deferred-indexes.js';
import { MIGRATIONS } from './migrations.js';
import { Statements } from './statements.js';

export interface SqliteStoreOptions {
  /** How long a writer waits for another process's lock, in ms. */
  busyTimeoutMs?: number;
  /** A long import: no automatic WAL checkpoints on this connection (the importer checkpoints once at the end). */
  bulk?: boolean;
}

/**
 * Opens (creating if needed) the ledger file, sets up the connection and migrates the schema. The
 * connection is closed again if anything fails.
 */
export function openDatabase(file: string, options: SqliteStoreOptions): Statements {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let db: Database.Database;
  try {
    const binding = nativeBinding();
    db = new Database(file, {
      timeout: options.busyTimeoutMs ?? 30_000,
      ...(binding === undefined ? {} : { nativeBinding: binding }),
    });
  } catch (error) {
    throw new LedgerError(
      `cannot open the ledger at ${file}: ${(error as Error).message}. Check the path and its permissions, or pass --db PATH.`,
      { cause: error },
    );
  }
  try {
    enableWal(db, options.busyTimeoutMs ?? 30_000);
    db.pragma('synchronous = NORMAL');
    // Statement journals (an upsert with a trigger needs one per row) stay in memory, not in temp files.
    db.pragma('temp_store = MEMORY');
    // Import workers each hold a connection: keep their page caches small.
    db.pragma(options.bulk === true ? 'cache_size = -8000' : 'cache_size = -16000');
    if (options.bulk === true) db.pragma('wal_autocheckpoint = 0');
    const s = new Statements(db);
    migrate(s, file);
    // Import workers open while their import has the indexes deferred; anyone else rebuilds them.
    if (options.bulk !== true) restoreDeferredIndexes(s, { ifIdle: true });
    return s;
  } catch (error) {
    db.close();
    if (error instanceof LedgerError) throw error;
    throw new LedgerError(
      `cannot use the ledger at ${file}: ${(error as Error).message}. Is it a tokenledger database? Pass --db PATH to use another.`,
      { cause: error },
    );
  }
}

/** Applies the migrations the ledger at `file` lacks, in one write transaction. */
function migrate(s: Statements, file: string): void {
  const db = s.db;
  const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
  const current = () =>
    (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  if (current() === latest) return;
  s.write(() => {
    const applied = current();
    if (applied > latest) {
      throw new LedgerError(
        `the ledger at ${file} has schema version ${applied}, newer than this tokenledger knows (${latest}). Upgrade tokenledger, or pass --db PATH to use another ledger.`,
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= applied) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      );
    }
  });
}

/**
 * Switches a ledger to WAL (once per file; it persists). Changing the journal mode needs an exclusive
 * lock and does not wait on the busy handler, so processes opening a new ledger at the same moment
 * retry here until the busy timeout.
 */
function enableWal(db: Database.Database, timeoutMs: number): void {
  if (db.pragma('journal_mode', { simple: true }) === 'wal') return;
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') || Date.now() > deadline) throw error;
      Atomics.wait(pause, 0, 0, 10 + Math.floor(Math.random() * 20));
    }
  }
}

let addonPath: string | null | undefined;

/**
 * The compiled better-sqlite3 addon, found directly: its default lookup (the `bindings` package) tries
 * a dozen paths and walks a stack trace, which costs a hook a few milliseconds. Undefined falls back
 * to that lookup (an unusual build layout).
 */
function nativeBinding(): string | undefined {
  if (addonPath === undefined) {
    addonPath = null;
    try {
      const dir = path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
      const file = path.join(dir, 'build', 'Release', 'better_sqlite3.node');
      if (fs.existsSync(file)) addonPath = file;
    } catch {
      // use the default lookup
    }
  }
  return addonPath ?? undefined;
}
