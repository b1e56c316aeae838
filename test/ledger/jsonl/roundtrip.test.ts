/**
 * `export --jsonl` then `import-jsonl` into a fresh ledger gives the same ledger: every record
 * (usage, agents, spawns, tasks, spans, runs, declared tasks, telemetry errors) and every report;
 * exports are append-only and idempotent; a changed record gets one new line that wins on import.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportJsonl } from '../../../src/ledger/jsonl/export-jsonl.js';
import { importJsonl } from '../../../src/ledger/jsonl/import-jsonl.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import { World } from '../../attribution/world.js';
import { cleanupTemp, openTempLedger, tempDir } from '../../helpers/ledger.js';
import { expectTaskRollupConsistent } from '../../helpers/task-rollup-check.js';
import { expectSameLedger, fillRichWorld } from '../conformance/rich-ledger.js';
import { MIN, recordLines, reportView, snapshotDir, T0, usage, writeUsage } from './jsonl-helpers.js';

const DAY = 86_400_000;

const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.close();
  await cleanupTemp();
});

async function richWorld(): Promise<World> {
  const w = new World();
  worlds.push(w);
  return fillRichWorld(w);
}

async function exportTo(store: LedgerStore, dir: string, machine = 'ci-runner') {
  return exportJsonl(store, dir, { filter: {}, machine, now: T0 });
}

describe('export → import into a fresh ledger', () => {
  it('rebuilds every record and every report', async () => {
    const w = await richWorld();
    const dir = tempDir();
    const out = await exportTo(w.store, dir);
    expect(out.linesAppended).toBeGreaterThan(10);
    expect(fs.readFileSync(path.join(dir, '.gitattributes'), 'utf8')).toBe('*.jsonl merge=union\n');
    // Usage in its origin's file, on its UTC day; the rest in the exporting machine's file. A task's
    // line goes on the day it was created: the real clock's today, so the list is built from it.
    const created = (await w.store.task('T-1'))?.createdAt;
    expect(created).toBeTypeOf('number');
    const taskDay = new Date(created ?? 0).toISOString().slice(0, 10);
    expect(Object.keys(snapshotDir(dir)).sort()).toEqual(
      [
        ...new Set([
          '.gitattributes',
          '2026-11-20/ci-runner.jsonl',
          '2026-11-20/m.jsonl',
          '2026-11-21/m.jsonl',
          '2026-11-22/ci-runner.jsonl',
          '2026-11-22/laptop.jsonl',
          `${taskDay}/ci-runner.jsonl`,
        ]),
      ].sort(),
    );
    expect(fs.readFileSync(path.join(dir, `${taskDay}/ci-runner.jsonl`), 'utf8')).toContain(
      '{"type":"task","id":"T-1",',
    );
    const fresh = openTempLedger();
    const summary = await importJsonl(fresh, dir);
    expect(summary.problems).toEqual([]);
    expect(summary.merged).toBe(summary.records);
    await expectSameLedger(w.store, fresh);
    // What drove the calls came along: the rebuilt ledger knows the tools, not "(unknown)".
    expect(Object.keys((await reportView(fresh)).tool ?? {})).toEqual(
      expect.arrayContaining(['Read', 'mcp:github/create_issue']),
    );
    expect((await fresh.budgets()).map((b) => b.name)).toEqual(['parser', 'team']);
    expect((await fresh.proposals())[0]?.appliedAt).toBeTypeOf('number');
    await expectTaskRollupConsistent(fresh);
    // Declared usage was re-derived, not imported: it is counted once.
    expect((await fresh.declaredTasks({}))[0]?.captured).toBe(false);
  });

  it('appends nothing when exported again, from the same ledger or from the rebuilt one', async () => {
    const w = await richWorld();
    const dir = tempDir();
    await exportTo(w.store, dir);
    const before = snapshotDir(dir);
    expect((await exportTo(w.store, dir)).linesAppended).toBe(0);
    const fresh = openTempLedger();
    await importJsonl(fresh, dir);
    expect((await exportTo(fresh, dir, 'elsewhere')).linesAppended).toBe(0);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('importing the same folder again changes nothing', async () => {
    const w = await richWorld();
    const dir = tempDir();
    await exportTo(w.store, dir);
    const fresh = openTempLedger();
    await importJsonl(fresh, dir);
    const lines = await recordLines(fresh);
    const again = await importJsonl(fresh, dir);
    expect(again.merged).toBe(0);
    expect(again.unchanged).toBe(again.records);
    expect(await recordLines(fresh)).toEqual(lines);
  });

  it('does not double count usage the ledger already holds from its transcripts', async () => {
    const w = await richWorld();
    const dir = tempDir();
    await exportTo(w.store, dir);
    const view = await reportView(w.store);
    const summary = await importJsonl(w.store, dir);
    expect(summary.merged).toBe(0);
    expect(await reportView(w.store)).toEqual(view);
  });
});

describe('changed records', () => {
  const ORIGIN = { machine: 'm', user: 'u' };

  async function ledgerWithTask(): Promise<LedgerStore> {
    const store = openTempLedger();
    await writeUsage(store, [usage({ dedupKey: 'msg_1:req_1', output: 5, outputFinal: false })], ORIGIN);
    await store.saveTask({ id: 'T-9', title: 'first', status: 'active', startedAt: T0 });
    return store;
  }

  it('a grown usage row and a finished task get one new line each, and the import takes them', async () => {
    const store = await ledgerWithTask();
    const dir = tempDir();
    await exportTo(store, dir);
    const replica = openTempLedger();
    await importJsonl(replica, dir);

    await writeUsage(store, [usage({ dedupKey: 'msg_1:req_1', output: 50, outputFinal: true })], ORIGIN);
    await store.saveTask({ id: 'T-9', status: 'done', endedAt: T0 + MIN });
    const before = snapshotDir(dir);
    expect((await exportTo(store, dir)).linesAppended).toBe(2);
    // Old lines stay as they were: the files only grew.
    for (const [file, text] of Object.entries(before))
      expect(snapshotDir(dir)[file]?.startsWith(text)).toBe(true);
    const taskLines = Object.values(snapshotDir(dir))
      .flatMap((t) => t.split('\n'))
      .filter((l) => l.startsWith('{"type":"task"'));
    expect(taskLines.map((l) => (JSON.parse(l) as { rev: number }).rev)).toEqual([0, 1]);

    const summary = await importJsonl(replica, dir);
    expect(summary.merged).toBe(2);
    await expectSameLedger(store, replica);
    expect((await importJsonl(replica, dir)).merged).toBe(0);
  });

  it('an import keeps a change the folder has not seen, and the next export writes it', async () => {
    const store = await ledgerWithTask();
    const dir = tempDir();
    await exportTo(store, dir);
    await store.saveTask({ id: 'T-9', title: 'renamed here' });
    expect((await importJsonl(store, dir)).merged).toBe(0);
    expect((await store.task('T-9'))?.title).toBe('renamed here');
    expect((await exportTo(store, dir)).linesAppended).toBe(1);
    const replica = openTempLedger();
    await importJsonl(replica, dir);
    expect((await replica.task('T-9'))?.title).toBe('renamed here');
  });

  it('a ledger behind the folder takes the newer version', async () => {
    const store = await ledgerWithTask();
    const dir = tempDir();
    await exportTo(store, dir);
    const behind = openTempLedger();
    await importJsonl(behind, dir);
    await store.saveTask({ id: 'T-9', status: 'paused' });
    await exportTo(store, dir);
    expect((await importJsonl(behind, dir)).merged).toBe(1);
    expect((await behind.task('T-9'))?.status).toBe('paused');
  });

  it('--since/--until export only the records of those days', async () => {
    const store = openTempLedger();
    await writeUsage(
      store,
      [
        usage({ dedupKey: 'a', ts: T0 }),
        usage({ dedupKey: 'b', ts: T0 + DAY }),
        usage({ dedupKey: 'c', ts: T0 + 2 * DAY }),
      ],
      ORIGIN,
    );
    const dir = tempDir();
    const from = Date.UTC(2026, 10, 21);
    await exportJsonl(store, dir, { filter: { fromMs: from, toMs: from + DAY }, machine: 'x', now: T0 });
    expect(Object.keys(snapshotDir(dir)).sort()).toEqual(['.gitattributes', '2026-11-21/m.jsonl']);
  });
});
