/**
 * What API calls asked tools to do (the `call_activity` rows; see `call-activity-sql.ts` for how they
 * drive usage reports by tool, skill, MCP server and file), read back for analyses such as files
 * read again and again.
 * @module
 */
import type { UsageFilter } from './usage-repository.js';

/** One read of a file: the API call whose response asked for it, and when that call was made. */
export interface FileReadCall {
  dedupKey: string;
  ts: number;
}

/** The reads of one file by one session for one task (null: usage attributed to no task). */
export interface FileReadRow {
  file: string;
  taskId: string | null;
  sessionId: string;
  /** How many read tool uses asked for the file (a call asking twice counts twice). */
  reads: number;
  /** One entry per read, oldest first. */
  calls: FileReadCall[];
}

export interface CallActivityRepository {
  /**
   * Per file, task and session: the reads of the file (tool uses whose file operation is `read`) in
   * calls that match the filter (its time, session, project and task bounds apply to the asking call).
   * Ordered by file, task (no task first) and session.
   */
  fileReads(filter: UsageFilter): Promise<FileReadRow[]>;
}

/** One read as both backends select it. */
export interface FileReadDbRow {
  file: string;
  task_id: string | null;
  session_id: string;
  dedup_key: string;
  ts: number | string;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Groups single reads into {@link FileReadRow}s, in the repository's order. */
export function groupFileReads(rows: readonly FileReadDbRow[]): FileReadRow[] {
  const groups = new Map<string, FileReadRow>();
  for (const r of rows) {
    const key = JSON.stringify([r.file, r.task_id, r.session_id]);
    let g = groups.get(key);
    if (g === undefined) {
      g = { file: r.file, taskId: r.task_id, sessionId: r.session_id, reads: 0, calls: [] };
      groups.set(key, g);
    }
    g.reads++;
    g.calls.push({ dedupKey: r.dedup_key, ts: Number(r.ts) });
  }
  const out = [...groups.values()];
  for (const g of out) g.calls.sort((a, b) => a.ts - b.ts || compareText(a.dedupKey, b.dedupKey));
  return out.sort(
    (a, b) =>
      compareText(a.file, b.file) ||
      (a.taskId === b.taskId
        ? 0
        : a.taskId === null
          ? -1
          : b.taskId === null
            ? 1
            : compareText(a.taskId, b.taskId)) ||
      compareText(a.sessionId, b.sessionId),
  );
}
