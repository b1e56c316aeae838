/**
 * Reads of `call_activity` in the SQLite ledger (see `call-activity-repository.ts`).
 * @module
 */
import { type FileReadDbRow, type FileReadRow, groupFileReads } from '../call-activity-repository.js';
import type { UsageFilter } from '../usage-repository.js';
import { usageWhere } from './queries.js';
import type { Statements } from './statements.js';

export function fileReads(s: Statements, f: UsageFilter): FileReadRow[] {
  const params: (string | number)[] = [];
  const where = usageWhere(f, params, ["c.file_op = 'read'", 'c.file IS NOT NULL']);
  const rows = s
    .get(
      `SELECT c.file, u.task_id, u.session_id, u.dedup_key, u.ts
       FROM call_activity c JOIN usage u ON u.dedup_key = c.dedup_key ${where}`,
    )
    .all(...params) as FileReadDbRow[];
  return groupFileReads(rows);
}
