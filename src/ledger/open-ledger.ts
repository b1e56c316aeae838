/**
 * Opens the ledger at a location: a SQLite file, or a PostgreSQL database for a `postgres://` URL.
 * The PostgreSQL client is loaded only when a PostgreSQL ledger is opened.
 * @module
 */
import type { LedgerLocation } from '../config/ledger-location.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { LedgerStore } from './store.js';

export interface OpenLedgerOptions {
  /** A long import runs on this connection: defer WAL checkpoints. */
  bulk?: boolean;
  readonly?: boolean;
  /** How long a writer waits for another process's lock, in ms (default 30 s). */
  busyTimeoutMs?: number;
}

export async function openLedger(
  location: LedgerLocation,
  options: OpenLedgerOptions = {},
): Promise<LedgerStore> {
  switch (location.kind) {
    case 'file':
      return SqliteStore.open(location.path, options);
    case 'postgres': {
      const { PostgresStore } = await import('./postgres/postgres-store.js');
      return PostgresStore.open(location);
    }
  }
}
