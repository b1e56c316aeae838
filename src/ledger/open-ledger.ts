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
  /**
   * How long a writer waits for another process's lock, in ms (default 30 s); on PostgreSQL, how
   * long to wait for a connection (at least a second; default 15 s).
   */
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
      // A caller's budget (a hook's deadline, the status line) bounds the wait for the server too,
      // though never below a second: a remote server takes a few round trips to connect to.
      const connectTimeoutMs =
        options.busyTimeoutMs === undefined ? undefined : Math.max(1_000, options.busyTimeoutMs);
      return PostgresStore.open(location, {
        ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
        ...(options.bulk === true ? { bulk: true } : {}),
      });
    }
  }
}
