/**
 * A report by what drove calls (tool, file...) without a time dimension reads its rows summed per
 * span of constant prices, not per UTC day: the same tokens, and the same cost as pricing each day
 * at its own date, across a price change, in any zone and date range.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { dimensionReport, filterOf, type ReportDimension } from '../../src/analysis/reports.js';
import { UsageTableBuilder } from '../../src/analysis/usage-table.js';
import { ZonedClock } from '../../src/analysis/zoned-time.js';
import type { CallActivity } from '../../src/capture/types.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import type { GroupDimension, UsageFilter } from '../../src/ledger/usage-repository.js';
import { BUCKET_MS } from '../../src/ledger/usage-sums.js';
import { createPricerFromTable } from '../../src/pricing/create-pricer.js';
import { parsePriceTable } from '../../src/pricing/price-table.js';
import { cleanupTemp, openTempLedger } from '../helpers/ledger.js';
import { fileWrite, ORIGIN } from '../ledger/conformance/ledger-inputs.js';
import { HOUR, usage } from '../ledger/jsonl/jsonl-helpers.js';

afterEach(cleanupTemp);

const rates = (input: number) => ({
  input,
  cacheWrite5m: input * 1.25,
  cacheWrite1h: input * 2,
  cacheRead: input / 10,
  output: input * 5,
});
/** Prices that change twice within the calls' days. */
const pricer = createPricerFromTable(
  parsePriceTable({
    version: 'spans-1',
    source: 'test',
    date: '2026-01-01',
    currency: 'USD',
    unit: 'per million tokens',
    webSearchPerRequest: 0.01,
    models: [
      { id: 'claude-x', name: 'X', source: 'test', validFrom: '2024-01-01', rates: rates(1) },
      { id: 'claude-x', name: 'X', source: 'test', validFrom: '2026-01-03', rates: rates(3) },
      { id: 'claude-x', name: 'X', source: 'test', validFrom: '2026-01-06', rates: rates(7) },
    ],
  }),
);
const START = Date.UTC(2026, 0, 1, 5);
const FILES = ['/f1', '/f2', '/f3'];

function act(dedupKey: string, toolUseId: string, file: string): CallActivity {
  const none = { mcpServer: null, skill: null, agentType: null };
  return { dedupKey, toolUseId, tool: 'Read', file, fileOp: 'read', ...none };
}

/** Calls every few hours over eight days, each asking to read some files. */
async function ledgerOf(calls: { hours: number; input: number; files: number[] }[]): Promise<LedgerStore> {
  const store = openTempLedger();
  const records = calls.map((c, i) =>
    usage({
      dedupKey: `msg_${i}:req`,
      ts: START + c.hours * HOUR,
      model: 'claude-x-20250101',
      input: c.input,
    }),
  );
  const activities = calls.flatMap((c, i) =>
    c.files.map((f, k) => act(`msg_${i}:req`, `t${i}_${k}`, FILES[f] ?? '/f1')),
  );
  await store.writeFiles([fileWrite('/t/a.jsonl', records, { activities })], ORIGIN);
  return store;
}

/** The rows as the report priced them before: one input per UTC day, at its date. */
async function byDay(store: LedgerStore, dims: GroupDimension[], filter: UsageFilter) {
  const builder = new UsageTableBuilder(pricer, 'calculate');
  for (const r of await store.groups({ dimensions: dims, filter, grain: 'day' })) {
    const at = r.bucket * BUCKET_MS;
    const label = Object.fromEntries(dims.map((d) => [d, r.values[d] ?? '']));
    builder.add(Object.values(label).join('|'), label, r, { atMs: at, firstTs: r.firstTs, lastTs: r.lastTs });
  }
  return Object.fromEntries(builder.build().rows.map((r) => [Object.values(r.label).join('|'), r]));
}

const callArb = fc.record({
  hours: fc.integer({ min: 0, max: 8 * 24 }),
  input: fc.integer({ min: 1, max: 5_000_000 }),
  files: fc.array(fc.integer({ min: 0, max: FILES.length - 1 }), { maxLength: 2 }),
});

describe('a report by what drove calls, priced per span of constant prices', () => {
  it('gives the tokens and cost of pricing each day at its date', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(callArb, { minLength: 1, maxLength: 25 }),
        fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata'),
        fc.option(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }))),
        async (calls, tz, range) => {
          const store = await ledgerOf(calls);
          const clock = new ZonedClock(tz);
          const dates = range && { since: `2026-01-0${1 + range[0]}`, until: `2026-01-0${5 + range[1]}` };
          const scope = { clock, weekStart: 0 as const, order: 'desc' as const, ...dates };
          const filter = filterOf(scope);
          for (const [dims, storeDims] of [
            [['file'], ['file']],
            [
              ['file', 'model'],
              ['file', 'model'],
            ],
            [['tool'], ['tool']],
          ] as [ReportDimension[], GroupDimension[]][]) {
            const report = await dimensionReport({ store, pricer, mode: 'calculate' }, dims, scope);
            const expected = await byDay(store, storeDims, filter);
            expect(report.rows.length).toBe(Object.keys(expected).length);
            for (const r of report.rows) {
              const e = expected[dims.map((d) => r.label[d]).join('|')];
              expect(r.sums).toEqual(e?.sums);
              expect(r.cost).toBeCloseTo(e?.cost ?? Number.NaN, 9);
              expect(r.models.map((m) => m.model)).toEqual(e?.models.map((m) => m.model));
              r.models.forEach((m, i) => {
                expect(m.sums).toEqual(e?.models[i]?.sums);
                expect(m.cost).toBeCloseTo(e?.models[i]?.cost ?? Number.NaN, 9);
              });
            }
          }
          await cleanupTemp();
        },
      ),
      { numRuns: Number(process.env.TL_PROPERTY_RUNS ?? 25) },
    );
  }, 60_000);
});
