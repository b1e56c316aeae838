/**
 * Billing blocks read from a real SQLite ledger: the responses come back one per API response, oldest
 * first, and a report that reads only from the last long pause before its range (`resumeAfterPause`)
 * gives exactly the blocks that computing all history and then selecting would give.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { identifyBlocks, selectBlocks, summarizeBlocks } from '../../src/analysis/blocks.js';
import { blocksReport } from '../../src/analysis/blocks-report.js';
import type { UsageRecord } from '../../src/capture/types.js';
import type { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import { createPricer } from '../../src/pricing/create-pricer.js';
import { cleanupTemp, openTempLedger } from '../helpers/ledger.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 9, 1, 7, 42);
const pricer = createPricer();

afterEach(cleanupTemp);

function record(i: number, ts: number, copy = 0): UsageRecord {
  return {
    dedupKey: `msg_${i}:req_${i}`,
    source: 'claude-code',
    ts: ts + copy, // a later copy of the same response (e.g. another content block's line)
    sessionId: `s-${i % 3}`,
    agentId: null,
    sidechain: false,
    model: i % 4 === 0 ? 'claude-opus-4-6' : 'claude-sonnet-4-5-20250929',
    input: 10 + i,
    output: copy > 0 ? 5 * i + 1 : 5 * i, // the later copy has the final output count
    cacheWrite: i % 5,
    cacheWrite1h: 0,
    cacheRead: 100 * i,
    webSearch: 0,
    outputFinal: copy > 0,
    speed: null,
    geo: null,
    reportedCost: null,
    project: '/p',
    gitBranch: 'main',
    agentVersion: '2.1.100',
  };
}

async function write(store: SqliteStore, records: UsageRecord[]): Promise<void> {
  await store.writeFiles(
    [
      {
        path: '/t/a.jsonl',
        cursor: null,
        fromStart: true,
        readAt: Date.now(),
        bytesRead: 0,
        bytesLeft: 0,
        records,
        costStates: [],
        agentFacts: [],
        problems: [],
      },
    ],
    { machine: 'm', user: 'u' },
  );
}

const arbTimes = fc
  .array(
    fc.oneof(
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

describe('blocks from the ledger', () => {
  it('reads one entry per response, oldest first, with its earliest time and merged tokens', async () => {
    const store = openTempLedger();
    await write(store, [record(2, T0 + H), record(1, T0), record(2, T0 + H, 7)]);
    const entries = await store.usageEntries({});
    expect(entries.map((e) => [e.ts, e.input, e.output, e.responses, e.lowerBound])).toEqual([
      [T0, 11, 5, 1, 1],
      [T0 + H, 12, 11, 1, 0],
    ]);
  });

  it('a report over a range equals all blocks computed, then selected', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbTimes,
        fc.constantFrom(1, 5),
        // Cutoffs near the responses: an hour either side of one.
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: -H, max: H })), { minLength: 1, maxLength: 6 }),
        async (times, hours, near) => {
          const store = openTempLedger();
          await write(
            store,
            times.map((t, i) => record(i, t)),
          );
          const sessionMs = hours * H;
          const now = (times[times.length - 1] as number) + H;
          const all = identifyBlocks(await store.usageEntries({}), sessionMs, now);
          for (const [i, delta] of near) {
            const selection = { fromMs: (times[i % times.length] as number) + delta };
            const got = await blocksReport(
              { store, pricer, mode: 'calculate' },
              { sessionMs, nowMs: now, selection },
            );
            const want = summarizeBlocks(selectBlocks(all, selection), pricer, 'calculate', now);
            expect(got.blocks).toEqual(want.blocks);
            expect(got.totals.sums).toEqual(want.totals.sums);
          }
          await cleanupTemp();
        },
      ),
      { numRuns: 40 },
    );
  });
});
