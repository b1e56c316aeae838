/**
 * Usage: the max-merge of one API call's copies (files, lines, imports: any order), idempotent
 * re-imports, and every read of usage (groups, buckets, days, spans, response times) agreeing with
 * what was written.
 * @module
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../../src/capture/types.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import type { FileWrite } from '../../../src/ledger/usage-repository.js';
import { BUCKET_MS } from '../../../src/ledger/usage-sums.js';
import type { OpenLedger } from './describe-ledger.js';
import {
  DAY,
  fileWrite,
  MIN,
  ORIGIN,
  PROPERTY_TIMEOUT_MS,
  sumsOf,
  T0,
  totalsBy,
  usage,
  usageView,
  withLedger,
} from './ledger-inputs.js';

/** Two copies of one API call, as two files (a fork, relayed progress) or two lines hold it. */
const EARLY = usage({
  dedupKey: 'msg_1:req_1',
  ts: T0 + 20 * MIN,
  input: 10,
  output: 5,
  cacheRead: 0,
  outputFinal: false,
  reportedCost: null,
  agentId: null,
  project: null,
  gitBranch: null,
});
const LATE = usage({
  dedupKey: 'msg_1:req_1',
  ts: T0 + 40 * MIN,
  input: 8,
  output: 50,
  cacheRead: 300,
  webSearch: 1,
  outputFinal: true,
  reportedCost: 0.25,
  agentId: 'a1',
  sidechain: true,
});

async function writeAll(store: LedgerStore, batches: FileWrite[][]): Promise<number> {
  let added = 0;
  for (const b of batches) added += (await store.writeFiles(b, ORIGIN)).added;
  return added;
}

export function usageContract(open: OpenLedger): void {
  describe('usage: max-merge of an API call', () => {
    const orders: [string, FileWrite[][]][] = [
      ['early file first', [[fileWrite('/t/a.jsonl', [EARLY])], [fileWrite('/t/b.jsonl', [LATE])]]],
      ['late file first', [[fileWrite('/t/b.jsonl', [LATE])], [fileWrite('/t/a.jsonl', [EARLY])]]],
      ['both files in one write', [[fileWrite('/t/b.jsonl', [LATE]), fileWrite('/t/a.jsonl', [EARLY])]]],
      ['both lines in one file', [[fileWrite('/t/a.jsonl', [LATE, EARLY])]]],
    ];
    it.each(
      orders,
    )('takes each field’s maximum, the earliest time and the known values (%s)', async (_, batches) => {
      await withLedger(open, async ({ store }) => {
        expect(await writeAll(store, batches)).toBe(1);
        const [row, ...more] = await store.groups({
          dimensions: ['session', 'agentId', 'branch'],
          filter: {},
        });
        expect(more).toEqual([]);
        if (row === undefined) throw new Error('the call is missing from the groups');
        expect(row).toMatchObject({
          bucket: Math.floor((T0 + 20 * MIN) / BUCKET_MS),
          firstTs: T0 + 20 * MIN,
          lastTs: T0 + 20 * MIN,
          values: { session: 's1', agentId: 'a1', branch: 'main' },
          input: 10,
          output: 50,
          cacheRead: 300,
          webSearch: 1,
          reportedCost: 0.25,
          reportedRows: 1,
          responses: 1,
          lowerBound: 0,
        });
        expect(await store.responseTimes()).toEqual([T0 + 20 * MIN]);
        const buckets = await store.buckets(null, null);
        expect(buckets.map((b) => [b.bucket, ...sumsOf(b)])).toEqual([[row.bucket, ...sumsOf(row)]]);
        expect((await store.stats()).records).toBe(1);
      });
    });

    it('a copy that adds nothing changes nothing, and writing everything again adds no call', async () => {
      await withLedger(open, async ({ store }) => {
        const files = [fileWrite('/t/a.jsonl', [EARLY, usage({ dedupKey: 'k2', ts: T0 + 3 * 3_600_000 })])];
        expect((await store.writeFiles(files, ORIGIN)).added).toBe(2);
        await store.writeFiles([fileWrite('/t/b.jsonl', [LATE])], ORIGIN);
        const before = await usageView(store);
        const stats = await store.stats();
        expect((await store.writeFiles(files, ORIGIN)).added).toBe(0);
        expect((await store.writeFiles([fileWrite('/t/b.jsonl', [LATE])], ORIGIN)).added).toBe(0);
        expect(await usageView(store)).toEqual(before);
        expect(await store.stats()).toEqual(stats);
      });
    });

    it('keeps the origin of the import that first wrote a call', async () => {
      await withLedger(open, async ({ store }) => {
        await store.writeFiles([fileWrite('/t/a.jsonl', [EARLY])], { machine: 'laptop', user: 'ann' });
        await store.writeFiles([fileWrite('/t/a.jsonl', [LATE, usage({ dedupKey: 'k2' })])], ORIGIN);
        expect(Object.keys(await totalsBy(store, ['machine', 'user'])).sort()).toEqual(['laptop|ann', 'm|u']);
      });
    });
  });

  describe('usage: reads agree with what was written', () => {
    it('groups, buckets, days, spans and response times, with filters and size classes', async () => {
      await withLedger(open, async ({ store }) => {
        const records: UsageRecord[] = [
          usage({ dedupKey: 'a', ts: T0, sessionId: 's1', project: '/home/dev/app', input: 1 }),
          usage({
            dedupKey: 'b',
            ts: T0 + 16 * MIN,
            sessionId: 's1',
            project: '/home/dev/app/web',
            input: 10,
          }),
          usage({
            dedupKey: 'c',
            ts: T0 + 25 * 3_600_000,
            sessionId: 's2',
            project: '/home/dev/apple',
            input: 100,
          }),
          usage({
            dedupKey: 'd',
            ts: T0 + 26 * 3_600_000,
            sessionId: 's2',
            project: '/o',
            input: 150_000,
            speed: 'fast',
          }),
          usage({
            dedupKey: 'e',
            ts: T0 + 27 * 3_600_000,
            sessionId: 's3',
            project: '/o',
            input: 1,
            cacheRead: 250_000,
            geo: 'us',
          }),
        ];
        await store.writeFiles([fileWrite('/t/a.jsonl', records)], ORIGIN);
        const input = (rows: { input: number }[]) => rows.reduce((n, r) => n + r.input, 0);
        expect(input(await store.buckets(null, null))).toBe(150_112);
        expect(input(await store.buckets(T0, T0 + 15 * MIN))).toBe(1);
        // The range covers every call (a backend may widen it, to whole UTC days at most).
        const range = await store.rollupRange();
        expect(range?.fromMs).toBeLessThanOrEqual(T0);
        expect(range?.fromMs).toBeGreaterThan(T0 - DAY);
        expect(range?.toMs).toBeGreaterThan(T0 + 27 * 3_600_000);
        expect(range?.toMs).toBeLessThanOrEqual(T0 + 28 * 3_600_000 + DAY);
        expect(await store.responseTimes()).toEqual(records.map((r) => r.ts));
        const keys = (await store.buckets(null, null))
          .map((b) => [b.sizeClass, b.speed, b.geo].join('|'))
          .sort();
        expect(keys).toEqual(['0||', '0||', '0||', '1|fast|', '2||us']);
        // Filters.
        const filtered = async (filter: Parameters<LedgerStore['groups']>[0]['filter']) =>
          input(await store.groups({ dimensions: [], filter }));
        expect(await filtered({ fromMs: T0 + 16 * MIN, toMs: T0 + 26 * 3_600_000 })).toBe(110);
        expect(await filtered({ session: 's2' })).toBe(150_100);
        expect(await filtered({ project: '/home/dev/app' })).toBe(1);
        expect(await filtered({ projectDir: '/home/dev/app' })).toBe(11);
        expect(await filtered({ projectDir: '/home/dev/app/' })).toBe(11);
        // Local days: an hour east of UTC, T0 (10:00 UTC) and the next day's calls.
        const days = await store.days([
          { fromMs: T0 - 3_600_000, toMs: T0 + 30 * 3_600_000, offsetMs: 3_600_000 },
        ]);
        const byDay: Record<number, number> = {};
        for (const d of days) byDay[d.day] = (byDay[d.day] ?? 0) + d.input;
        const day0 = Math.floor((T0 + 3_600_000) / 86_400_000);
        expect(byDay).toEqual({ [day0]: 11, [day0 + 1]: 150_101 });
        // Spans, bounds included.
        const spans = await store.usageInSpans([
          { fromMs: T0, toMs: T0 + 16 * MIN },
          { fromMs: T0 + 25 * 3_600_000, toMs: T0 + 26 * 3_600_000 - 1 },
          { fromMs: T0 + 40 * 3_600_000, toMs: T0 + 41 * 3_600_000 },
        ]);
        expect(spans.map(input)).toEqual([11, 100, 0]);
        // Day grain: UTC days.
        const utcDays = await store.groups({ dimensions: ['session'], filter: {}, grain: 'day' });
        expect(new Set(utcDays.map((r) => r.bucket % (86_400_000 / BUCKET_MS)))).toEqual(new Set([0]));
        expect(input(utcDays)).toBe(150_112);
      });
    });

    it('another connection sees the writes', async () => {
      await withLedger(open, async ({ store, reopen }) => {
        if (reopen === undefined) return;
        await store.writeFiles([fileWrite('/t/a.jsonl', [EARLY])], ORIGIN);
        const other = await reopen();
        await other.writeFiles([fileWrite('/t/b.jsonl', [LATE])], ORIGIN);
        expect(await usageView(store)).toEqual(await usageView(other));
        expect((await store.groups({ dimensions: [], filter: {} }))[0]?.output).toBe(50);
      });
    });
  });

  describe('usage: order and batching do not matter (property)', () => {
    interface Copy {
      call: number;
      file: number;
      batch: number;
      lag: number;
      input: number;
      output: number;
      cacheRead: number;
      final: boolean;
    }
    const scenario = fc.record({
      calls: fc.array(
        fc.record({
          session: fc.integer({ min: 0, max: 2 }),
          minute: fc.integer({ min: 0, max: 3000 }),
          opus: fc.boolean(),
        }),
        { minLength: 1, maxLength: 12 },
      ),
      copies: fc.array(
        fc.record({
          call: fc.nat(),
          file: fc.integer({ min: 0, max: 3 }),
          batch: fc.integer({ min: 0, max: 2 }),
          lag: fc.integer({ min: 0, max: 30 }),
          input: fc.integer({ min: 0, max: 2000 }),
          output: fc.integer({ min: 0, max: 500 }),
          cacheRead: fc.integer({ min: 0, max: 150_000 }),
          final: fc.boolean(),
        }),
        { minLength: 1, maxLength: 30 },
      ),
      seed: fc.integer(),
    });

    it(
      'random partitions and orders of the same file writes give the same groups and stats',
      async () => {
        await fc.assert(
          fc.asyncProperty(scenario, async ({ calls, copies, seed }) => {
            const record = (c: Copy): UsageRecord => {
              const call = calls[c.call % calls.length] ?? { session: 0, minute: 0, opus: false };
              return usage({
                dedupKey: `msg_${c.call % calls.length}:req`,
                sessionId: `s${call.session}`,
                model: call.opus ? 'claude-opus-4-6' : 'claude-sonnet-4-5-20250929',
                ts: T0 + (call.minute + c.lag) * MIN,
                input: c.input,
                output: c.output,
                cacheRead: c.cacheRead,
                outputFinal: c.final,
              });
            };
            const byFile = (list: readonly Copy[]) =>
              [0, 1, 2, 3]
                .map((f) => fileWrite(`/t/${f}.jsonl`, list.filter((c) => c.file === f).map(record)))
                .filter((f) => f.records.length > 0);
            const read = async (store: LedgerStore, added: number) => ({
              added,
              view: await usageView(store),
              stats: await store.stats(),
              input: (await store.groups({ dimensions: [], filter: {} })).reduce((n, r) => n + r.input, 0),
            });
            // The baseline: every copy in one write, files in order.
            const baseline = await withLedger(open, async ({ store }) =>
              read(store, (await store.writeFiles(byFile(copies), ORIGIN)).added),
            );
            // The same copies shuffled, and split over several writes.
            const shuffled = shuffle(copies, seed);
            const batches = [0, 1, 2].map((b) =>
              shuffle(byFile(shuffled.filter((c) => c.batch === b)), seed + b),
            );
            const other = await withLedger(open, async ({ store }) =>
              read(store, await writeAll(store, batches)),
            );
            expect(other).toEqual(baseline);
            // And the numbers are the max-merge's: per call, the maximum of each field over its copies.
            const distinct = new Set(copies.map((c) => c.call % calls.length));
            expect(baseline.added).toBe(distinct.size);
            expect(baseline.stats.records).toBe(distinct.size);
            let input = 0;
            for (const call of distinct)
              input += Math.max(...copies.filter((c) => c.call % calls.length === call).map((c) => c.input));
            expect(baseline.input).toBe(input);
          }),
          { numRuns: Number(process.env.TL_PROPERTY_RUNS ?? 25) },
        );
      },
      PROPERTY_TIMEOUT_MS,
    );
  });
}

/** A deterministic shuffle (mulberry32), so a failing case replays from fast-check's seed. */
function shuffle<T>(list: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
