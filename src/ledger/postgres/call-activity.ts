/**
 * Reads of `call_activity` in the PostgreSQL ledger: the same rows as the SQLite store's.
 * @module
 */
import { type FileReadDbRow, type FileReadRow, groupFileReads } from '../call-activity-repository.js';
import type { UsageFilter } from '../usage-repository.js';
import type { PgQueryable } from './connection.js';
import { Params, usageWhere } from './queries.js';

export async function fileReads(db: PgQueryable, f: UsageFilter): Promise<FileReadRow[]> {
  const p = new Params();
  const where = usageWhere(f, p, ["c.file_op = 'read'", 'c.file IS NOT NULL']);
  const rows = await db.query<FileReadDbRow>(
    `SELECT c.file, u.task_id, u.session_id, u.dedup_key, u.ts
     FROM call_activity c JOIN usage u ON u.dedup_key = c.dedup_key ${where}`,
    p.values,
  );
  return groupFileReads(rows);
}
