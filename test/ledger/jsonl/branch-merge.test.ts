/**
 * Two branches export into copies of one folder; git's union merge keeps both sides' lines, in either
 * order. Importing the merged folder gives what one ledger holding both branches' usage reports, the
 * same whichever side came first, and importing it again changes nothing.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { exportJsonl } from '../../../src/ledger/jsonl/export-jsonl.js';
import { importJsonl } from '../../../src/ledger/jsonl/import-jsonl.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import { cleanupTemp, openTempLedger, tempDir } from '../../helpers/ledger.js';
import { HOUR, MIN, recordLines, reportView, T0, unionMerge, usage, writeUsage } from './jsonl-helpers.js';

afterEach(cleanupTemp);

const CI = { machine: 'ci-runner', user: 'ci' };
const LAPTOP = { machine: 'laptop', user: 'dev' };

const base = [
  usage({ dedupKey: 'base-1', ts: T0, input: 100, output: 10 }),
  usage({ dedupKey: 'base-2', ts: T0 + MIN, input: 200, output: 3, outputFinal: false }),
];
// Branch A: its own calls, and base-2 finished with more output.
const onA = [
  usage({ dedupKey: 'a-1', ts: T0 + HOUR, sessionId: 'sa', input: 1000, output: 100 }),
  usage({ dedupKey: 'base-2', ts: T0 + MIN, input: 200, output: 30, outputFinal: true }),
];
// Branch B: its own calls on the same day (same file names), and a call A has too (the same response).
const onB = [
  usage({ dedupKey: 'b-1', ts: T0 + 2 * HOUR, sessionId: 'sb', input: 5000, output: 500, reportedCost: 0.5 }),
  usage({ dedupKey: 'a-1', ts: T0 + HOUR, sessionId: 'sa', input: 1000, output: 100 }),
];

async function branch(baseDir: string, rows: typeof onA, origin: typeof CI, taskTitle: string) {
  const dir = tempDir();
  fs.cpSync(baseDir, dir, { recursive: true });
  const store = openTempLedger();
  await importJsonl(store, dir);
  await writeUsage(store, rows, origin);
  await store.saveTask({ id: 'T-1', title: taskTitle });
  await exportJsonl(store, dir, { filter: {}, machine: origin.machine, now: T0 });
  return dir;
}

function merge(first: string, second: string): string {
  const into = tempDir();
  unionMerge(first, second, into);
  return into;
}

describe('a union merge of two branches', () => {
  it('imports to the totals of one ledger holding both, in either order, idempotently', async () => {
    const seed = openTempLedger();
    await writeUsage(seed, base, LAPTOP);
    await seed.saveTask({ id: 'T-1', title: 'base title', status: 'active', startedAt: T0 });
    const baseDir = tempDir();
    await exportJsonl(seed, baseDir, { filter: {}, machine: 'laptop', now: T0 });

    const a = await branch(baseDir, onA, CI, 'renamed on A');
    const b = await branch(baseDir, onB, LAPTOP, 'renamed on B');

    // The ledger both branches' usage would make.
    const union = openTempLedger();
    await writeUsage(union, base, LAPTOP);
    await writeUsage(union, onA, CI);
    await writeUsage(union, onB, LAPTOP);

    const results: { lines: string[]; view: Awaited<ReturnType<typeof reportView>>; title?: string }[] = [];
    for (const [first, second] of [
      [a, b],
      [b, a],
    ] as const) {
      const merged = merge(first, second);
      const store: LedgerStore = openTempLedger();
      const summary = await importJsonl(store, merged);
      expect(summary.problems).toEqual([]);
      const view = await reportView(store);
      expect(view.total).toEqual((await reportView(union)).total);
      expect(view.session).toEqual((await reportView(union)).session);
      expect((await importJsonl(store, merged)).merged).toBe(0);
      const title = (await store.task('T-1'))?.title ?? undefined;
      results.push({ lines: await recordLines(store), view, ...(title === undefined ? {} : { title }) });
    }
    // Both orders resolve every record alike, the task edited on both branches too.
    expect(results[1]).toEqual(results[0]);
    expect(['renamed on A', 'renamed on B']).toContain(results[0]?.title);
  });

  it('keeps a line both branches appended once (same text, same file)', async () => {
    const seed = openTempLedger();
    await writeUsage(seed, base, LAPTOP);
    const baseDir = tempDir();
    await exportJsonl(seed, baseDir, { filter: {}, machine: 'laptop', now: T0 });
    const a = await branch(baseDir, [usage({ dedupKey: 'same', ts: T0 + HOUR })], LAPTOP, 't');
    const b = await branch(baseDir, [usage({ dedupKey: 'same', ts: T0 + HOUR })], LAPTOP, 't');
    const merged = merge(a, b);
    const store = openTempLedger();
    const summary = await importJsonl(store, merged);
    expect(summary.records).toBe(4);
    expect((await reportView(store)).total?.all?.[6]).toBe(3);
  });
});
