/**
 * Files read again and again (analysis/file-rereads.ts): thresholds, within one task and across
 * tasks, and the evidence (every read's call and time, oldest first).
 */
import { describe, expect, it } from 'vitest';
import { findFileRereads } from '../../src/analysis/file-rereads.js';
import type { FileReadRow } from '../../src/ledger/call-activity-repository.js';

function row(file: string, taskId: string | null, sessionId: string, times: number[]): FileReadRow {
  return {
    file,
    taskId,
    sessionId,
    reads: times.length,
    calls: times.map((ts) => ({ dedupKey: `msg_${file.length}_${taskId}_${sessionId}_${ts}`, ts })),
  };
}

describe('findFileRereads', () => {
  const rows = [
    row('/repo/docs/foundation.md', 'T-1', 's1', [10, 20, 30]),
    row('/repo/docs/foundation.md', 'T-2', 's2', [40, 50]),
    row('/repo/docs/foundation.md', 'T-2', 's3', [60]),
    row('/repo/docs/foundation.md', null, 's4', [5]),
    row('/repo/src/a.ts', 'T-1', 's1', [11, 12, 13]),
    row('/repo/src/b.ts', 'T-1', 's1', [14, 15]),
  ];

  it('finds a file read across tasks, with every read as evidence, oldest first', () => {
    const [top] = findFileRereads(rows);
    expect(top).toMatchObject({
      file: '/repo/docs/foundation.md',
      reads: 7,
      tasks: 3,
      sessions: 4,
      scope: 'across-tasks',
      maxReadsInOneTask: 3,
      summary: 'foundation.md read 7 times across 3 tasks (4 sessions)',
    });
    expect(top?.byTask).toEqual([
      { taskId: 'T-1', reads: 3, sessions: 1 },
      { taskId: 'T-2', reads: 3, sessions: 2 },
      { taskId: null, reads: 1, sessions: 1 },
    ]);
    expect(top?.evidence.map((e) => e.ts)).toEqual([5, 10, 20, 30, 40, 50, 60]);
    expect(top?.evidence[0]).toMatchObject({ taskId: null, sessionId: 's4' });
  });

  it('finds a file read again within one task, and leaves out files read fewer times than the threshold', () => {
    const found = findFileRereads(rows);
    expect(found.map((f) => f.file)).toEqual(['/repo/docs/foundation.md', '/repo/src/a.ts']);
    expect(found[1]).toMatchObject({
      scope: 'within-task',
      reads: 3,
      summary: 'a.ts read 3 times in task T-1 (1 session)',
    });
    expect(findFileRereads(rows, { minReads: 2 }).map((f) => f.file)).toContain('/repo/src/b.ts');
    expect(findFileRereads(rows, { minReads: 8 })).toEqual([]);
  });

  it('never reports a single read, whatever the threshold asked', () => {
    expect(findFileRereads([row('/x.md', null, 's', [1])], { minReads: 1 })).toEqual([]);
    expect(findFileRereads([row('/x.md', null, 's', [1, 2])], { minReads: 0 })[0]?.summary).toBe(
      'x.md read 2 times outside any task (1 session)',
    );
  });

  it('sums exactly: the reads of the findings are the reads of their files', () => {
    const found = findFileRereads(rows, { minReads: 2 });
    for (const f of found) {
      const expected = rows.filter((r) => r.file === f.file).reduce((n, r) => n + r.reads, 0);
      expect(f.reads).toBe(expected);
      expect(f.evidence).toHaveLength(expected);
      expect(f.byTask.reduce((n, t) => n + t.reads, 0)).toBe(expected);
    }
  });
});
