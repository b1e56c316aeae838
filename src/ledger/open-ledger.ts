/**
 * Opens the ledger at a location. Today that is a SQLite file; a `postgres://` URL will select the
 * PostgreSQL backend when it lands, and is refused until then (without creating anything).
 * @module
 */
import {
  describeDatabase,
  describeLedgerLocation,
  type LedgerLocation,
  type PostgresLocation,
} from '../config/ledger-location.js';
import { LedgerError } from './ledger-error.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { LedgerStore } from './store.js';

export interface OpenLedgerOptions {
  /** A long import runs on this connection: defer WAL checkpoints. */
  bulk?: boolean;
  readonly?: boolean;
  /** How long a writer waits for another process's lock, in ms (default 30 s). */
  busyTimeoutMs?: number;
}

/** Why this version cannot open a PostgreSQL ledger, naming its host and database (never the password). */
function postgresRefused(location: PostgresLocation): LedgerError {
  return new LedgerError(
    `the ledger ${describeLedgerLocation(location)} (${describeDatabase(location)}) is a PostgreSQL database, but this version of tokenledger keeps its ledger in SQLite only. Use a file path: pass --db PATH or set TOKENLEDGER_DB to one (or neither, for <data dir>/ledger.db).`,
  );
}

/** Throws the {@link LedgerError} of a location this version cannot open, before anything is created. */
export function checkLedgerBackend(location: LedgerLocation): void {
  if (location.kind === 'postgres') throw postgresRefused(location);
}

export function openLedger(location: LedgerLocation, options: OpenLedgerOptions = {}): LedgerStore {
  switch (location.kind) {
    case 'file':
      return SqliteStore.open(location.path, options);
    case 'postgres':
      throw postgresRefused(location);
  }
}
