/**
 * Files read again and again: from the reads per file, task and session (`fileReads` of the ledger),
 * the files whose reads reach a threshold, within one task or across tasks, with the calls that read
 * them as evidence ("foundation.md read 12 times across 4 tasks").
 * @module
 */
import type { FileReadRow } from '../ledger/call-activity-repository.js';

export interface FileRereadOptions {
  /** The least number of reads of a file that counts as read again and again (default 3, at least 2). */
  minReads?: number;
}

/** One read, as evidence. */
export interface FileReadEvidence {
  dedupKey: string;
  ts: number;
  taskId: string | null;
  sessionId: string;
}

/** A task's (or no task's) share of a file's reads. */
export interface FileReadsInTask {
  taskId: string | null;
  reads: number;
  sessions: number;
}

export interface FileReread {
  file: string;
  /** Every read of the file. */
  reads: number;
  /** Distinct tasks that read it (usage attributed to no task counts as one more group). */
  tasks: number;
  sessions: number;
  /** `across-tasks` when more than one task (or no task beside a task) read it, else `within-task`. */
  scope: 'across-tasks' | 'within-task';
  /** The most reads of it by one task. */
  maxReadsInOneTask: number;
  /** Per task, most reads first. */
  byTask: FileReadsInTask[];
  /** Every read, oldest first. */
  evidence: FileReadEvidence[];
  /** One line for people, e.g. `foundation.md read 12 times across 4 tasks (5 sessions)`. */
  summary: string;
}

function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1) || file;
}

/** No task first, then by code units (no collator). */
function compareTasks(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The files read at least `minReads` times, most reads first (then by path). Pure. */
export function findFileRereads(rows: readonly FileReadRow[], options: FileRereadOptions = {}): FileReread[] {
  const minReads = Math.max(2, options.minReads ?? 3);
  const byFile = new Map<string, FileReadRow[]>();
  for (const r of rows) {
    const list = byFile.get(r.file);
    if (list === undefined) byFile.set(r.file, [r]);
    else list.push(r);
  }
  const out: FileReread[] = [];
  for (const [file, list] of byFile) {
    const reads = list.reduce((n, r) => n + r.reads, 0);
    if (reads < minReads) continue;
    const tasks = new Map<string | null, { reads: number; sessions: Set<string> }>();
    const sessions = new Set<string>();
    const evidence: FileReadEvidence[] = [];
    for (const r of list) {
      const t = tasks.get(r.taskId) ?? { reads: 0, sessions: new Set<string>() };
      t.reads += r.reads;
      t.sessions.add(r.sessionId);
      tasks.set(r.taskId, t);
      sessions.add(r.sessionId);
      for (const c of r.calls)
        evidence.push({ dedupKey: c.dedupKey, ts: c.ts, taskId: r.taskId, sessionId: r.sessionId });
    }
    evidence.sort((a, b) => a.ts - b.ts || (a.dedupKey < b.dedupKey ? -1 : a.dedupKey > b.dedupKey ? 1 : 0));
    const byTask = [...tasks.entries()]
      .map(([taskId, t]) => ({ taskId, reads: t.reads, sessions: t.sessions.size }))
      .sort((a, b) => b.reads - a.reads || compareTasks(a.taskId, b.taskId));
    const scope = tasks.size > 1 ? 'across-tasks' : 'within-task';
    const where =
      scope === 'across-tasks'
        ? `across ${plural(tasks.size, 'task')}`
        : byTask[0]?.taskId == null
          ? 'outside any task'
          : `in task ${byTask[0].taskId}`;
    out.push({
      file,
      reads,
      tasks: tasks.size,
      sessions: sessions.size,
      scope,
      maxReadsInOneTask: byTask[0]?.reads ?? 0,
      byTask,
      evidence,
      summary: `${baseName(file)} read ${plural(reads, 'time')} ${where} (${plural(sessions.size, 'session')})`,
    });
  }
  return out.sort((a, b) => b.reads - a.reads || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
