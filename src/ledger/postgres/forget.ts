/**
 * Forgetting tasks and sources in the PostgreSQL ledger. A stub until the second half of the PostgreSQL backend lands.
 * @module
 */
import type { ForgetOptions, ForgetOutcome, ForgetSelection } from '../forget.js';
import type { PgDb } from './connection.js';

const NOT_YET = 'not yet on PostgreSQL';

export async function forget(
  _db: PgDb,
  _selection: ForgetSelection,
  _options: ForgetOptions,
): Promise<ForgetOutcome> {
  throw new Error(NOT_YET);
}

export async function forgottenKeys(_db: PgDb, _keys: readonly string[]): Promise<Set<string>> {
  throw new Error(NOT_YET);
}
