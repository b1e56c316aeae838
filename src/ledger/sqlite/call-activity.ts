/**
 * Reads of `call_activity` in the SQLite ledger (see `call-activity-repository.ts`).
 * @module
 */
import { type FileReadDbRow, type FileReadRow, groupFileReads } from '../call-activity-repository.js';
import type { UsageFilter } from '../usage-repository.js';
import type { Statements } from './statements.js';

export function fileReads(s: Statements, f: UsageFilter): FileReadRow[] {
  const where = ["c.file_op = 'read'", 'c.file IS NOT NULL'];
  const params: (string | number)[] = [];
  if (f.fromMs !== undefined) {
    where.push('u.ts >= ?');
    params.push(f.fromMs);
  }
  if (f.toMs !== undefined) {
    where.push('u.ts < ?');
    params.push(f.toMs);
  }
  if (f.session !== undefined) {
    where.push('u.session_id = ?');
    params.push(f.session);
  }
  if (f.project !== undefined) {
    where.push('u.project = ?');
    params.push(f.project);
  }
  if (f.projectDir !== undefined) {
    const dir = f.projectDir.replace(/[\\/]+$/, '');
    where.push('(u.project = ? OR instr(u.project, ?) = 1 OR instr(u.project, ?) = 1)');
    params.push(dir === '' ? f.projectDir : dir, `${dir}/`, `${dir}\\`);
  }
  if (f.tasks !== undefined) {
    where.push(f.tasks.length === 0 ? '0' : `u.task_id IN (${f.tasks.map(() => '?').join(', ')})`);
    params.push(...f.tasks);
  }
  const rows = s
    .get(
      `SELECT c.file, u.task_id, u.session_id, u.dedup_key, u.ts
       FROM call_activity c JOIN usage u ON u.dedup_key = c.dedup_key WHERE ${where.join(' AND ')}`,
    )
    .all(...params) as FileReadDbRow[];
  return groupFileReads(rows);
}
