/**
 * Reads of `call_activity` in the PostgreSQL ledger: the same rows as the SQLite store's.
 * @module
 */
import { type FileReadDbRow, type FileReadRow, groupFileReads } from '../call-activity-repository.js';
import type { UsageFilter } from '../usage-repository.js';
import type { PgQueryable } from './connection.js';

export async function fileReads(db: PgQueryable, f: UsageFilter): Promise<FileReadRow[]> {
  const where = ["c.file_op = 'read'", 'c.file IS NOT NULL'];
  const values: unknown[] = [];
  const p = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  if (f.fromMs !== undefined) where.push(`u.ts >= ${p(f.fromMs)}::bigint`);
  if (f.toMs !== undefined) where.push(`u.ts < ${p(f.toMs)}::bigint`);
  if (f.session !== undefined) where.push(`u.session_id = ${p(f.session)}::text`);
  if (f.project !== undefined) where.push(`u.project = ${p(f.project)}::text`);
  if (f.projectDir !== undefined) {
    const dir = f.projectDir.replace(/[\\/]+$/, '');
    where.push(
      `(u.project = ${p(dir === '' ? f.projectDir : dir)}::text OR starts_with(u.project, ${p(`${dir}/`)}::text) OR starts_with(u.project, ${p(`${dir}\\`)}::text))`,
    );
  }
  if (f.tasks !== undefined)
    where.push(f.tasks.length === 0 ? 'false' : `u.task_id = ANY(${p([...f.tasks])}::text[])`);
  const rows = await db.query<FileReadDbRow>(
    `SELECT c.file, u.task_id, u.session_id, u.dedup_key, u.ts
     FROM call_activity c JOIN usage u ON u.dedup_key = c.dedup_key WHERE ${where.join(' AND ')}`,
    values,
  );
  return groupFileReads(rows);
}
