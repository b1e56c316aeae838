/**
 * Results of `tokenledger run` in the PostgreSQL ledger. A stub until the second half of the PostgreSQL backend lands.
 * @module
 */
import type { RunRecord, RunRow } from '../store.js';
import type { PgDb } from './connection.js';

const NOT_YET = 'not yet on PostgreSQL';

export async function recordRun(_db: PgDb, _run: RunRecord): Promise<number> {
  throw new Error(NOT_YET);
}

export async function runs(
  _db: PgDb,
  _filter: { sessionId?: string; tasks?: readonly string[] },
): Promise<RunRow[]> {
  throw new Error(NOT_YET);
}
