/**
 * Opens the ledger at a location. Today that is a SQLite file; a `postgres://` URL will select the
 * PostgreSQL backend when it lands.
 * @module
 */
import { ExitCode, UserError } from '../errors.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { LedgerStore } from './store.js';

export interface OpenLedgerOptions {
  /** A long import runs on this connection: defer WAL checkpoints. */
  bulk?: boolean;
  readonly?: boolean;
  /** How long a writer waits for another process's lock, in ms (default 30 s). */
  busyTimeoutMs?: number;
}

export function openLedger(location: string, options: OpenLedgerOptions = {}): LedgerStore {
  if (/^postgres(ql)?:\/\//.test(location)) {
    throw new UserError(
      'PostgreSQL ledgers are not supported by this version yet; use a SQLite path (the default) or pass --db PATH.',
      ExitCode.config,
    );
  }
  return SqliteStore.open(location, options);
}
