/**
 * The PostgreSQL ledger as plain records and back (`tokenledger export --jsonl` / `import-jsonl`):
 * the export reads one consistent snapshot (record-exports.ts); the import merges by the per-type
 * rules of `LedgerStore.importRecords` (record-imports.ts).
 * @module
 */
import type { RecordFilter, TimedRecord } from '../ledger-records.js';
import type { PgDb } from './connection.js';
import { exportRecordsIn } from './record-exports.js';

export { importRecords } from './record-imports.js';

export async function exportRecords(db: PgDb, filter: RecordFilter): Promise<TimedRecord[]> {
  // One snapshot: what hooks write meanwhile is either wholly in or wholly out.
  return db.transaction((q) => exportRecordsIn(q, filter), { isolation: 'repeatable read', readOnly: true });
}
