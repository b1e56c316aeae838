/**
 * Rollup upkeep: after every kind of change (merges that move a call to an earlier bucket before any
 * read, declarations, attribution, forget, imported records), the 15-minute rollup, the local-day
 * sums and the per-task rollup equal what grouping the usage itself gives.
 * @module
 */
import { describe, expect, it } from 'vitest';
import type { LedgerStore } from '../../../src/ledger/store.js';
import { World } from '../../attribution/world.js';
import type { OpenLedger } from './describe-ledger.js';
import { DAY, fileWrite, inputBy, MIN, ORIGIN, T0, usage, withLedger } from './ledger-inputs.js';
import { copyRecords } from './records.contract.js';
import { fillRichWorld } from './rich-ledger.js';
import { expectRollupsConsistent } from './rollup-check.js';

async function write(store: LedgerStore, records: Parameters<typeof fileWrite>[1]): Promise<void> {
  await store.writeFiles([fileWrite('/mem/t.jsonl', records)], ORIGIN);
}

export function rollupContract(open: OpenLedger): void {
  describe('rollup upkeep', () => {
    it('after merges that move a call to earlier buckets before any read', async () => {
      await withLedger(open, async ({ store }) => {
        await write(store, [usage({ dedupKey: 'k', ts: T0 + 40 * MIN })]);
        await write(store, [usage({ dedupKey: 'other', ts: T0 + 40 * MIN })]);
        await write(store, [usage({ dedupKey: 'k', ts: T0 + 20 * MIN, output: 6 })]);
        await write(store, [usage({ dedupKey: 'k', ts: T0 - DAY, output: 7 })]);
        expect(await expectRollupsConsistent(store)).toBe(2);
        const [row] = await store.groups({ dimensions: [], filter: {}, grain: 'day' });
        expect((await store.buckets(null, null)).reduce((a, b) => a + b.output, 0)).toBe(12);
        expect(row?.responses).toBe(1);
        // A read refreshed the rollup; a merge after it is seen by the next read.
        await write(store, [usage({ dedupKey: 'other', ts: T0 + 40 * MIN, output: 9 })]);
        expect((await store.buckets(null, null)).reduce((a, b) => a + b.output, 0)).toBe(16);
        await store.refreshRollup();
        await expectRollupsConsistent(store);
      });
    });

    it('after declarations, spans, attribution and re-attribution', async () => {
      await withLedger(open, async ({ store }) => {
        await write(store, [
          usage({ dedupKey: 'a', ts: T0, sessionId: 's1', input: 1 }),
          usage({ dedupKey: 'b', ts: T0 + DAY, sessionId: 's1', input: 10, agentId: 'x', sidechain: true }),
        ]);
        await store.declareTask(
          {
            taskId: 'D',
            ts: T0 + 2 * DAY,
            declaredAt: null,
            summary: 'unavailable',
            mode: 'log_only',
            project: '/p',
            receivedAt: T0 + 2 * DAY,
            missing: [],
            entries: [
              {
                agent: 'a',
                model: 'm',
                inputTokens: 5,
                outputTokens: 1,
                totalTokens: 6,
                estimatedCost: null,
              },
            ],
          },
          ORIGIN,
        );
        await expectRollupsConsistent(store);
        await store.openSpan({
          scope: 'session',
          sessionId: 's1',
          fromTs: T0 - MIN,
          taskId: 'T',
          source: 'run',
        });
        await store.attributePending({});
        expect(await expectRollupsConsistent(store)).toBe(3);
        expect(await inputBy(store, ['task'])).toEqual({ T: 11, D: 5 });
        await store.openSpan({
          scope: 'agent',
          sessionId: 's1',
          agentId: 'x',
          fromTs: T0,
          taskId: 'D',
          source: 'hook',
        });
        await store.attributePending({});
        // Captured usage now attributed to D: its declared usage stops counting.
        expect(await inputBy(store, ['task'])).toEqual({ T: 1, D: 10 });
        await expectRollupsConsistent(store);
        await store.closeSpans({ scope: 'session', sessionId: 's1' }, T0 + MIN);
        await store.reattributeAll({ x: 'review' });
        await expectRollupsConsistent(store);
      });
    });

    it('after forget and after imported records', async () => {
      const w = new World(await open());
      try {
        await fillRichWorld(w);
        await expectRollupsConsistent(w.store);
        await withLedger(open, async ({ store }) => {
          await copyRecords(w.store, store);
          await expectRollupsConsistent(store);
          await store.forget({ taskId: 'T-1' }, { apply: true, stageMap: {} });
          await expectRollupsConsistent(store);
          await store.forget(
            { source: 'telemetry', fromMs: 0, toMs: T0 + 10 * DAY },
            { apply: true, stageMap: {} },
          );
          await expectRollupsConsistent(store);
          // Imported back: what was forgotten stays forgotten or comes back, and the rollups follow.
          await copyRecords(w.store, store);
          await expectRollupsConsistent(store);
        });
      } finally {
        await w.close();
      }
    });
  });
}
