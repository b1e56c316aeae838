/**
 * The times of responses read backwards in chunks (`responseTimesBefore`), and the active block drawn
 * from the responses since the last long pause only: the same blocks as from every response.
 * @module
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { identifyBlocks } from '../../../src/analysis/blocks.js';
import { blocksReport, recentResponseTimes } from '../../../src/analysis/blocks-report.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import { createPricer } from '../../../src/pricing/create-pricer.js';
import { comparable, declare, record, write } from './blocks.contract.js';
import type { OpenedLedger, OpenLedger } from './describe-ledger.js';
import { PROPERTY_TIMEOUT_MS } from './ledger-inputs.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 9, 1, 7, 42);
const pricer = createPricer();

/** Every time, newest first, read `limit` instants at a time and expanded by their counts. */
async function readBackwards(store: LedgerStore, limit: number): Promise<number[]> {
  const out: number[] = [];
  let before: number | null = null;
  for (;;) {
    const chunk = await store.responseTimesBefore(before, limit);
    for (const { ts, responses } of chunk) for (let i = 0; i < responses; i++) out.push(ts);
    const oldest = chunk[chunk.length - 1];
    if (chunk.length < limit || oldest === undefined) return out;
    expect(chunk.length).toBe(limit);
    before = oldest.ts;
  }
}

/** Steps between responses: the same millisecond, minutes, hours, just under and over 5 h, long pauses. */
const arbTimes = fc
  .array(
    fc.oneof(
      fc.constant(0),
      fc.integer({ min: 0, max: 20 * 60_000 }),
      fc.integer({ min: 0, max: 2 * H }),
      fc.integer({ min: 5 * H - 3, max: 5 * H + 3 }),
      fc.integer({ min: H - 2, max: H + 2 }),
      fc.integer({ min: 5 * H, max: 30 * H }),
    ),
    { minLength: 1, maxLength: 40 },
  )
  .map((steps) => {
    let t = T0;
    return steps.map((s) => {
      t += s;
      return t;
    });
  });

export function recentResponseTimesContract(open: OpenLedger): void {
  describe('recent response times', () => {
    const opened: OpenedLedger[] = [];
    const openTemp = async (): Promise<LedgerStore> => {
      const ledger = await open();
      opened.push(ledger);
      return ledger.store;
    };
    const cleanupOpened = async (): Promise<void> => {
      for (const l of opened.splice(0)) await l.cleanup();
    };
    afterEach(cleanupOpened);

    it('reads every response time backwards in chunks, same-instant responses counted, declared ones not', async () => {
      const store = await openTemp();
      const times = [T0, T0, T0 + 1, T0 + 5 * H, T0 + 5 * H, T0 + 5 * H, T0 + 9 * H];
      await write(
        store,
        times.map((t, i) => record(i, t)),
      );
      await declare(store, 'T-1', T0 + 5 * H); // at the instant of three responses
      await declare(store, 'T-2', T0 + 2 * H); // an instant with no response
      expect(await store.responseTimesBefore(null, 10)).toEqual([
        { ts: T0 + 9 * H, responses: 1 },
        { ts: T0 + 5 * H, responses: 3 },
        { ts: T0 + 2 * H, responses: 0 },
        { ts: T0 + 1, responses: 1 },
        { ts: T0, responses: 2 },
      ]);
      expect(await store.responseTimesBefore(T0 + 5 * H, 2)).toEqual([
        { ts: T0 + 2 * H, responses: 0 },
        { ts: T0 + 1, responses: 1 },
      ]);
      expect(await store.responseTimesBefore(T0, 2)).toEqual([]);
      for (const limit of [1, 2, 3, 5, 6])
        expect((await readBackwards(store, limit)).reverse()).toEqual(times);
    });

    it(
      'the blocks drawn from the responses since the last long pause are the last blocks, the active one among them',
      async () => {
        await fc.assert(
          fc.asyncProperty(
            arbTimes,
            fc.constantFrom(0.25, 1, 1.3, 5), // custom block lengths, and the default
            fc.integer({ min: -6 * H, max: 12 * H }), // now, from the last response (before it: responses ahead)
            fc.array(fc.nat(), { maxLength: 3 }),
            fc.integer({ min: 1, max: 6 }),
            fc.integer({ min: 1, max: 6 }), // the first chunk's size, doubled up to `chunk`
            async (times, hours, fromLast, declaredAt, chunk, firstChunk) => {
              const store = await openTemp();
              const records = times.map((t, i) => record(i, t));
              await write(store, records);
              for (const [k, i] of declaredAt.entries())
                await declare(store, `T-${k}`, times[i % times.length] as number);
              const sessionMs = hours * H;
              const nowMs = (times[times.length - 1] as number) + fromLast;
              const all = identifyBlocks(await store.responseTimes(), sessionMs, nowMs);
              const recent = identifyBlocks(
                await recentResponseTimes(store, sessionMs, nowMs, chunk, firstChunk),
                sessionMs,
                nowMs,
              );
              expect(recent.length).toBeGreaterThan(0);
              expect(all.slice(all.length - recent.length)).toEqual(recent);
              expect(all.filter((b) => b.isActive)).toEqual(recent.filter((b) => b.isActive));
              for (const selection of [{}, { recentFromMs: nowMs - sessionMs }, { fromMs: nowMs - H }]) {
                const query = { sessionMs, nowMs, selection: { ...selection, activeOnly: true } };
                const full = await blocksReport({ store, pricer, mode: 'calculate' }, query);
                const fast = await blocksReport(
                  { store, pricer, mode: 'calculate' },
                  { ...query, skipLargestCompleted: true },
                );
                expect(comparable(fast)).toEqual(comparable(full));
                expect(fast.largestCompleted).toBe(0);
              }
              await cleanupOpened();
            },
          ),
          { numRuns: 60 },
        );
      },
      PROPERTY_TIMEOUT_MS,
    );
  });
}
