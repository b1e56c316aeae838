/**
 * Export and import of ledger records in the PostgreSQL ledger. A stub until the second half of the PostgreSQL backend lands.
 * @module
 */
import type { ImportableRecord, RecordFilter, TimedRecord } from '../ledger-records.js';
import type { PgDb } from './connection.js';

const NOT_YET = 'not yet on PostgreSQL';

export async function exportRecords(_db: PgDb, _filter: RecordFilter): Promise<TimedRecord[]> {
  throw new Error(NOT_YET);
}

export async function importRecords(_db: PgDb, _records: readonly ImportableRecord[]): Promise<number> {
  throw new Error(NOT_YET);
}
