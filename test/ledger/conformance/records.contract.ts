/**
 * The ledger as records: `exportRecords` → `importRecords` (and the declarations through
 * `declareTask`) rebuilds an equal ledger in a fresh store, idempotently; `forget` removes a task or
 * what a source added, the same in a dry run (which changes nothing) as applied, and remembers it so
 * no import brings it back.
 * @module
 */
import { describe, expect, it } from 'vitest';
import type { ForgetSelection } from '../../../src/ledger/forget.js';
import type { ImportableRecord } from '../../../src/ledger/ledger-records.js';
import { taskKey, usageKey } from '../../../src/ledger/record-identity.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import { World } from '../../attribution/world.js';
import { recordLines, reportView } from '../jsonl/jsonl-helpers.js';
import type { OpenLedger } from './describe-ledger.js';
import { DAY, fileWrite, inputBy, ORIGIN, T0, usage, withLedger } from './ledger-inputs.js';
import { expectSameLedger, fillRichWorld } from './rich-ledger.js';
import { expectRollupsConsistent } from './rollup-check.js';

/** Copies every record of `from` into `to`, as `import-jsonl` does; returns what `importRecords` changed. */
export async function copyRecords(from: LedgerStore, to: LedgerStore): Promise<number> {
  const records = (await from.exportRecords({})).map((r) => r.record);
  const importable = records.filter((r): r is ImportableRecord => r.type !== 'declared_task');
  const changed = await to.importRecords(importable);
  for (const d of records) {
    if (d.type !== 'declared_task') continue;
    const { type: _type, machine, user, ...declaration } = d;
    await to.declareTask(declaration, { machine, user });
  }
  return changed;
}

/** Everything forget may change, read back. */
async function everything(store: LedgerStore): Promise<unknown> {
  return {
    lines: await recordLines(store),
    view: await reportView(store),
    stats: await store.stats(),
    tasks: await store.tasks(),
    declared: await store.declaredTasks({}),
  };
}

/** A dry run changes nothing and tells exactly what applying does. */
async function forgetBothWays(store: LedgerStore, selection: ForgetSelection) {
  const before = await everything(store);
  const dry = await store.forget(selection, { apply: false, stageMap: {} });
  expect(dry.applied).toBe(false);
  expect(await everything(store)).toEqual(before);
  const applied = await store.forget(selection, { apply: true, stageMap: {} });
  expect(applied).toEqual({ ...dry, applied: true });
  await expectRollupsConsistent(store);
  return applied;
}

export function recordsContract(open: OpenLedger): void {
  describe('records: export, import and forget', () => {
    it('exportRecords → importRecords rebuilds an equal ledger in a fresh store; again, nothing changes', async () => {
      const w = new World(await open());
      try {
        await fillRichWorld(w);
        await withLedger(open, async ({ store: fresh }) => {
          expect(await copyRecords(w.store, fresh)).toBeGreaterThan(10);
          await expectSameLedger(w.store, fresh);
          await expectRollupsConsistent(fresh);
          expect((await fresh.declaredTasks({}))[0]?.captured).toBe(false);
          // Again, and back into the ledger they came from: nothing changes.
          const lines = await recordLines(fresh);
          await copyRecords(w.store, fresh);
          expect(await recordLines(fresh)).toEqual(lines);
          await expectSameLedger(w.store, fresh);
          const view = await reportView(w.store);
          const own = await recordLines(w.store);
          await copyRecords(fresh, w.store);
          expect(await reportView(w.store)).toEqual(view);
          expect(await recordLines(w.store)).toEqual(own);
        });
      } finally {
        await w.close();
      }
    });

    it('exports only the records of a time range when asked', async () => {
      const w = new World(await open());
      try {
        await fillRichWorld(w);
        const all = await w.store.exportRecords({});
        const day = await w.store.exportRecords({ fromMs: T0 + DAY, toMs: T0 + 2 * DAY });
        expect(day.length).toBeGreaterThan(0);
        expect(day.length).toBeLessThan(all.length);
        expect(day.every((r) => r.at !== null && r.at >= T0 + DAY && r.at < T0 + 2 * DAY)).toBe(true);
        expect(day.some((r) => r.record.type === 'usage' && r.record.sessionId === 's2')).toBe(true);
        // Oldest first.
        const times = all.flatMap((r) => (r.at === null ? [] : [r.at]));
        expect(times).toEqual([...times].sort((a, b) => a - b));
      } finally {
        await w.close();
      }
    });

    it('forgets a task and what was added for it; declaring it again by hand forgets that', async () => {
      const w = new World(await open());
      try {
        await fillRichWorld(w);
        const calls = (await w.store.stats()).records;
        const outcome = await forgetBothWays(w.store, { taskId: 'T-1' });
        expect(outcome.tasks.map((t) => t.id)).toEqual(['T-1']);
        expect(outcome.runs.count).toBe(1);
        expect(await w.store.task('T-1')).toBeNull();
        expect(await w.store.runs({ tasks: ['T-1'] })).toEqual([]);
        // Its usage stays, attributed to no task now.
        expect((await w.store.stats()).records).toBe(calls);
        expect((await inputBy(w.store, ['task']))['T-1']).toBeUndefined();
        expect(await w.store.forgottenKeys([taskKey('T-1'), taskKey('TASK-7')])).toEqual(
          new Set([taskKey('T-1')]),
        );
        await w.store.saveTask({ id: 'T-1' });
        expect(await w.store.forgottenKeys([taskKey('T-1')])).toEqual(new Set());
      } finally {
        await w.close();
      }
    });

    it('forgets what a source added in a time range, and no later write brings it back', async () => {
      await withLedger(open, async ({ store }) => {
        const first = usage({ dedupKey: 'msg_a:req_a', ts: T0, input: 1 });
        const later = usage({ dedupKey: 'msg_b:req_b', ts: T0 + DAY, input: 10, sessionId: 's2' });
        const files = [fileWrite('/t/a.jsonl', [first, later])];
        await store.writeFiles(files, ORIGIN);
        const outcome = await forgetBothWays(store, {
          source: 'claude',
          fromMs: T0 + DAY,
          toMs: T0 + 2 * DAY,
        });
        expect(outcome.removedCalls.reduce((n, r) => n + r.responses, 0)).toBe(1);
        expect(outcome.remembered).toBe(1);
        expect(await store.forgottenKeys([usageKey(later.dedupKey), usageKey(first.dedupKey)])).toEqual(
          new Set([usageKey(later.dedupKey)]),
        );
        expect((await store.stats()).forgottenCalls).toBe(1);
        expect(await store.writeFiles(files, ORIGIN)).toEqual({ added: 0, forgotten: 1 });
        expect(await inputBy(store, ['session'])).toEqual({ s1: 1 });
        await expectRollupsConsistent(store);
        // Nothing left to forget: an empty outcome.
        const again = await store.forget(
          { source: 'claude', fromMs: T0 + DAY, toMs: T0 + 2 * DAY },
          { apply: false, stageMap: {} },
        );
        expect(again.removedCalls).toEqual([]);
      });
    });
  });
}
