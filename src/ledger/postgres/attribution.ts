/**
 * The attribute step in the PostgreSQL ledger. A stub until the second half of the PostgreSQL backend lands.
 * @module
 */
import type { StageMap } from '../store.js';
import type { PgDb } from './connection.js';

const NOT_YET = 'not yet on PostgreSQL';

export async function attributePending(_db: PgDb, _stageMap: StageMap): Promise<number> {
  throw new Error(NOT_YET);
}

export async function reattributeAll(_db: PgDb, _stageMap: StageMap): Promise<number> {
  throw new Error(NOT_YET);
}
