/**
 * Billing blocks read from the ledger: the response times (declared telemetry left out) and each
 * block's sums (the rollup for whole quarter hours, usage rows at the ends, declared telemetry taken
 * off) give exactly the blocks computed from the responses written.
 * @module
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  identifyBlocks,
  priceGroups,
  selectBlocks,
  summarizeBlocks,
  type TimedUsage,
} from '../../../src/analysis/blocks.js';
import { blocksReport } from '../../../src/analysis/blocks-report.js';
import type { UsageRecord } from '../../../src/capture/types.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import type { UsageSums } from '../../../src/ledger/usage-sums.js';
import { createPricer } from '../../../src/pricing/create-pricer.js';
import type { OpenedLedger, OpenLedger } from './describe-ledger.js';
import { PROPERTY_TIMEOUT_MS } from './ledger-inputs.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 9, 1, 7, 42);
const pricer = createPricer();
const origin = { machine: 'm', user: 'u' };

export function record(i: number, ts: number): UsageRecord {
  return {
    dedupKey: `msg_${i}:req_${i}`,
    source: 'claude-code',
    ts,
    sessionId: `s-${i % 3}`,
    agentId: null,
    sidechain: false,
    model: i % 4 === 0 ? 'claude-opus-4-6' : 'claude-sonnet-4-5-20250929',
    input: 10 + i,
    output: 5 * i,
    cacheWrite: i % 5,
    cacheWrite1h: 0,
    cacheRead: i % 7 === 0 ? 250_000 : 100 * i, // some requests above 200k tokens
    webSearch: i % 6 === 0 ? 1 : 0,
    outputFinal: i % 9 !== 0,
    speed: null,
    geo: null,
    reportedCost: i % 8 === 0 ? 0.5 : null,
    project: '/p',
    gitBranch: 'main',
    agentVersion: '2.1.100',
  };
}

/** The record as the ledger stores it: one response, with its pricing key. */
function timed(r: UsageRecord): TimedUsage {
  const whole = r.input + r.cacheWrite + r.cacheRead;
  return {
    ts: r.ts,
    model: r.model,
    sizeClass: whole > 200_000 ? 2 : whole > 100_000 ? 1 : 0,
    speed: '',
    geo: '',
    input: r.input,
    output: r.output,
    cacheWrite: r.cacheWrite,
    cacheWrite1h: r.cacheWrite1h,
    cacheRead: r.cacheRead,
    webSearch: r.webSearch,
    reportedCost: r.reportedCost ?? 0,
    reportedRows: r.reportedCost === null ? 0 : 1,
    responses: 1,
    lowerBound: r.outputFinal ? 0 : 1,
  };
}

export async function write(store: LedgerStore, records: UsageRecord[]): Promise<void> {
  const file = {
    path: '/t/a.jsonl',
    cursor: null,
    fromStart: true,
    readAt: Date.now(),
    bytesRead: 0,
    bytesLeft: 0,
  };
  await store.writeFiles([{ ...file, records, costCheckpoints: [], agentFacts: [], problems: [] }], origin);
}

/** A task declared through usage-tracker telemetry at `ts`: it becomes usage rows of source `telemetry`. */
export async function declare(store: LedgerStore, taskId: string, ts: number): Promise<void> {
  await store.declareTask(
    {
      taskId,
      ts,
      declaredAt: new Date(ts).toISOString(),
      summary: 'x',
      mode: 'log_only',
      project: '/p',
      receivedAt: ts,
      missing: [],
      entries: [
        {
          agent: 'lead',
          model: 'claude-opus-4-6',
          inputTokens: 700,
          outputTokens: 300,
          totalTokens: 1000,
          estimatedCost: 0.2,
        },
      ],
    },
    origin,
  );
}

/** What the report must give, computed from the responses themselves. */
function expected(records: UsageRecord[], sessionMs: number, now: number, fromMs?: number) {
  const entries = records.map(timed).sort((a, b) => a.ts - b.ts);
  const blocks = selectBlocks(
    identifyBlocks(
      entries.map((e) => e.ts),
      sessionMs,
      now,
    ),
    fromMs === undefined ? {} : { fromMs },
  );
  return summarizeBlocks(
    blocks,
    blocks.map((b) =>
      priceGroups(
        entries.filter((e) => e.ts >= (b.firstMs ?? Number.NaN) && e.ts <= (b.actualEndMs ?? Number.NaN)),
      ),
    ),
    pricer,
    'calculate',
    now,
  );
}

/**
 * Dollars to the nano-dollar: sums of the same amounts in another order (or with declared rows taken
 * off again) differ in the last bits.
 */
export function comparable(r: ReturnType<typeof expected>) {
  const nano = (x: number | null) => (x === null ? null : Math.round(x * 1e9));
  const sums = (x: UsageSums) => ({ ...x, reportedCost: nano(x.reportedCost) });
  return {
    blocks: r.blocks.map((b) => ({
      ...b,
      burnRate: b.burnRate && { ...b.burnRate, costPerHour: nano(b.burnRate.costPerHour) },
      usage: {
        ...b.usage,
        sums: sums(b.usage.sums),
        cost: nano(b.usage.cost),
        models: b.usage.models.map((m) => ({ ...m, sums: sums(m.sums), cost: nano(m.cost) })),
      },
    })),
    sums: sums(r.totals.sums),
  };
}

const arbTimes = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 20 * 60_000 }),
      fc.integer({ min: 0, max: 2 * H }),
      fc.integer({ min: 2 * H, max: 5 * H }),
      fc.integer({ min: 5 * H - 3, max: 5 * H + 3 }),
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

export function blocksContract(open: OpenLedger): void {
  describe('blocks', () => {
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

    describe('blocks from the ledger', () => {
      it('leaves declared telemetry out of the times and the sums', async () => {
        const store = await openTemp();
        const records = [
          record(1, T0),
          record(2, T0 + 20 * 60_000),
          record(3, T0 + 70 * 60_000),
          record(4, T0 + 3 * H),
        ];
        await write(store, records);
        await declare(store, 'T-1', T0 + 50 * 60_000); // inside a whole quarter hour of the first block
        await declare(store, 'T-2', T0); // at the same instant as a response
        expect(await store.responseTimes()).toEqual(records.map((r) => r.ts));
        const now = T0 + 4 * H;
        const got = await blocksReport(
          { store, pricer, mode: 'calculate' },
          { sessionMs: 5 * H, nowMs: now, selection: {} },
        );
        expect(comparable(got)).toEqual(comparable(expected(records, 5 * H, now)));
        expect(got.totals.sums.responses).toBe(4);
      });

      it('splits a quarter hour between the block that ends in it and the next one', async () => {
        // 1.3 h blocks: A from 06:00 to 07:18, B from 07:00 to 08:18, C from 08:00; each boundary falls
        // inside a quarter hour that holds responses of both blocks.
        const S = Date.UTC(2026, 9, 1, 7);
        const min = 60_000;
        const records = [S - 50 * min, S + 16 * min, S + 20 * min, S + 76 * min, S + 80 * min].map((t, i) =>
          record(i + 1, t),
        );
        const store = await openTemp();
        await write(store, records);
        const now = S + 10 * H;
        const got = await blocksReport(
          { store, pricer, mode: 'calculate' },
          { sessionMs: 1.3 * H, nowMs: now, selection: {} },
        );
        expect(got.blocks.map((b) => b.entries)).toEqual([2, 2, 1]);
        expect(comparable(got)).toEqual(comparable(expected(records, 1.3 * H, now)));
      });

      it(
        'a report equals the blocks computed from the responses, selected',
        async () => {
          await fc.assert(
            fc.asyncProperty(
              arbTimes,
              fc.constantFrom(1, 1.3, 5), // 1.3 h: block ends inside quarter hours
              fc.array(fc.nat(), { maxLength: 3 }),
              // Cutoffs near the responses: an hour either side of one.
              fc.array(fc.tuple(fc.nat(), fc.integer({ min: -H, max: H })), { minLength: 1, maxLength: 4 }),
              async (times, hours, declaredAt, near) => {
                const store = await openTemp();
                const records = times.map((t, i) => record(i, t));
                await write(store, records);
                for (const [k, i] of declaredAt.entries())
                  await declare(store, `T-${k}`, times[i % times.length] as number);
                const sessionMs = hours * H;
                const now = (times[times.length - 1] as number) + H;
                for (const [i, delta] of near) {
                  const fromMs = (times[i % times.length] as number) + delta;
                  const got = await blocksReport(
                    { store, pricer, mode: 'calculate' },
                    { sessionMs, nowMs: now, selection: { fromMs } },
                  );
                  expect(comparable(got)).toEqual(comparable(expected(records, sessionMs, now, fromMs)));
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
  });
}
