import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPricer } from '../pricing/create-pricer.js';
import { totalTokens } from '../util/token-counts.js';
import {
  type Block,
  burnRateOf,
  HOUR_MS,
  identifyBlocks,
  largestCompletedBlock,
  priceGroups,
  projectionOf,
  selectBlocks,
  summarizeBlocks,
  type TimedUsage,
  tokenLimitStatus,
} from './blocks.js';
import { emptyUsageRow } from './usage-table.js';

const H = HOUR_MS;
const M = 60_000;
const T0 = Date.UTC(2026, 10, 20, 9, 17, 0); // 09:17 UTC
const SONNET = 'claude-sonnet-4-5-20250929';

function entry(ts: number, tokens: Partial<TimedUsage> = {}): TimedUsage {
  return {
    ts,
    model: SONNET,
    sizeClass: 0,
    speed: '',
    geo: '',
    input: 100,
    output: 50,
    cacheWrite: 0,
    cacheWrite1h: 0,
    cacheRead: 1000,
    webSearch: 0,
    reportedCost: 0,
    reportedRows: 0,
    responses: 1,
    lowerBound: 0,
    ...tokens,
  };
}

/** The responses a block holds: those from its first response's time to its last's. */
function entriesOf(b: Block, entries: readonly TimedUsage[]): TimedUsage[] {
  return entries.filter((e) => e.ts >= (b.firstMs ?? Number.NaN) && e.ts <= (b.actualEndMs ?? Number.NaN));
}

/** Blocks of responses, priced from the responses grouped as the ledger's rollup groups them. */
function summarize(
  entries: readonly TimedUsage[],
  session: number,
  now: number,
  pricer: Parameters<typeof summarizeBlocks>[2],
  mode: Parameters<typeof summarizeBlocks>[3],
) {
  const blocks = identifyBlocks(
    entries.map((e) => e.ts),
    session,
    now,
  );
  return summarizeBlocks(
    blocks,
    blocks.map((b) => priceGroups(entriesOf(b, entries))),
    pricer,
    mode,
    now,
  );
}

const at = (...offsets: number[]) => offsets.map((o) => T0 + o);
const FAR_FUTURE = T0 + 1000 * H;

describe('identifyBlocks', () => {
  it('gives no blocks for no entries', () => {
    expect(identifyBlocks([], 5 * H, T0)).toEqual([]);
  });

  it('never parts responses of the same millisecond, even with a block shorter than an hour', () => {
    // 09:17 is already past a 10-minute block floored to 09:00: ccusage would open a new block for
    // the second response of that millisecond, and both blocks would span the same instant.
    const blocks = identifyBlocks([T0, T0, T0 + M], 10 * M, FAR_FUTURE);
    expect(blocks.map((b) => [b.firstMs, b.actualEndMs, b.responses])).toEqual([
      [T0, T0, 2],
      [T0 + M, T0 + M, 1],
    ]);
  });

  it('starts a block at the first entry floored to the hour, lasting the session length', () => {
    const [b] = identifyBlocks(at(0, 30 * M), 5 * H, FAR_FUTURE);
    expect(b).toMatchObject({
      id: '2026-11-20T09:00:00.000Z',
      startMs: Date.UTC(2026, 10, 20, 9),
      endMs: Date.UTC(2026, 10, 20, 14),
      actualEndMs: T0 + 30 * M,
      isGap: false,
      isActive: false,
    });
    expect(b).toMatchObject({ responses: 2, firstMs: T0 });
  });

  it('keeps an entry exactly 5 h after the block start in the block, and starts a new one just after', () => {
    // Block starts 09:00; 14:00 is exactly 5 h after it.
    const start = Date.UTC(2026, 10, 20, 9);
    const sameBlock = identifyBlocks([start, start + 2 * H, start + 5 * H], 5 * H, FAR_FUTURE);
    expect(sameBlock).toHaveLength(1);
    const next = identifyBlocks([start, start + 2 * H, start + 5 * H + 1], 5 * H, FAR_FUTURE);
    expect(next.map((b) => [b.id, b.isGap, b.responses])).toEqual([
      ['2026-11-20T09:00:00.000Z', false, 2],
      ['2026-11-20T14:00:00.000Z', false, 1],
    ]);
  });

  it('puts a gap block between two entries more than 5 h apart, from the last one + 5 h to the next', () => {
    const blocks = identifyBlocks(at(0, 5 * H + 1), 5 * H, FAR_FUTURE);
    expect(blocks.map((b) => [b.id, b.isGap, b.startMs, b.endMs, b.actualEndMs])).toEqual([
      ['2026-11-20T09:00:00.000Z', false, Date.UTC(2026, 10, 20, 9), Date.UTC(2026, 10, 20, 14), T0],
      ['gap-2026-11-20T14:17:00.000Z', true, T0 + 5 * H, T0 + 5 * H + 1, null],
      [
        '2026-11-20T14:00:00.000Z',
        false,
        Date.UTC(2026, 10, 20, 14),
        Date.UTC(2026, 10, 20, 19),
        T0 + 5 * H + 1,
      ],
    ]);
    // Exactly 5 h apart: no gap (ccusage's "more than").
    expect(identifyBlocks(at(0, 5 * H), 5 * H, FAR_FUTURE).filter((b) => b.isGap)).toEqual([]);
  });

  it('marks the block active while its last entry is under 5 h old and the block has not ended', () => {
    const blocks = identifyBlocks(at(0, 60 * M), 5 * H, T0 + 2 * H);
    expect(blocks[0]?.isActive).toBe(true);
    // The block (09:00–14:00) has ended, though the last entry is only 3h43m old.
    expect(identifyBlocks(at(0, 60 * M), 5 * H, Date.UTC(2026, 10, 20, 14))[0]?.isActive).toBe(false);
    expect(identifyBlocks(at(0), 5 * H, T0 + 5 * H)[0]?.isActive).toBe(false);
  });

  it('follows the session length', () => {
    const blocks = identifyBlocks(at(0, 61 * M, 125 * M), 1 * H, FAR_FUTURE);
    expect(blocks.map((b) => [b.id, b.responses])).toEqual([
      ['2026-11-20T09:00:00.000Z', 1],
      ['gap-2026-11-20T10:17:00.000Z', 0],
      ['2026-11-20T10:00:00.000Z', 1],
      ['gap-2026-11-20T11:18:00.000Z', 0],
      ['2026-11-20T11:00:00.000Z', 1],
    ]);
  });
});

describe('burn rate, projection and token limit', () => {
  const now = T0 + 100 * M;
  const entries = [entry(T0), entry(T0 + 40 * M), entry(T0 + 70 * M)];
  const [block] = identifyBlocks(
    entries.map((e) => e.ts),
    5 * H,
    now,
  ) as [Block];
  const pricer = createPricer();

  it('measures tokens per minute and dollars per hour between the first and last response', () => {
    const { blocks } = summarize(entries, 5 * H, now, pricer, 'calculate');
    const b = blocks[0];
    expect(b?.isActive).toBe(true);
    const usage = b?.usage ?? emptyUsageRow();
    expect(b?.burnRate?.tokensPerMinute).toBeCloseTo((3 * 1150) / 70, 10);
    expect(b?.burnRate?.tokensPerMinuteForIndicator).toBeCloseTo((3 * 150) / 70, 10);
    expect(b?.burnRate?.costPerHour).toBeCloseTo((usage.cost / 70) * 60, 12);
    // Block 09:00–14:00, now 10:57: 183 minutes left.
    expect(b?.projection).toEqual({
      totalTokens: Math.round(3 * 1150 + ((3 * 1150) / 70) * 183),
      totalCost: Math.round((usage.cost + (usage.cost / 70) * 183) * 100) / 100,
      remainingMinutes: 183,
    });
  });

  it('has no burn rate for one response, nor a projection for a completed block', () => {
    const [single] = identifyBlocks([T0], 5 * H, T0 + M) as [Block];
    expect(burnRateOf(single, emptyUsageRow())).toBeNull();
    const rate = { tokensPerMinute: 10, tokensPerMinuteForIndicator: 1, costPerHour: 1 };
    expect(projectionOf({ ...block, isActive: false }, emptyUsageRow(), rate, now)).toBeNull();
  });

  it('warns above 80% of the limit and exceeds above 100%', () => {
    expect(tokenLimitStatus(800, 1000).status).toBe('ok');
    expect(tokenLimitStatus(801, 1000).status).toBe('warning');
    expect(tokenLimitStatus(1000, 1000).status).toBe('warning');
    expect(tokenLimitStatus(1001, 1000)).toEqual({
      limit: 1000,
      projectedUsage: 1001,
      percentUsed: 100.1,
      status: 'exceeds',
    });
  });

  it('takes the largest completed block, never a gap or the active block', () => {
    const entries = [entry(T0, { input: 5000 }), entry(T0 + 6 * H), entry(T0 + 12 * H, { input: 99_999 })];
    const { blocks } = summarize(entries, 5 * H, T0 + 12 * H + M, pricer, 'calculate');
    expect(blocks.map((b) => [b.isGap, b.isActive])).toEqual([
      [false, false],
      [true, false],
      [false, false],
      [true, false],
      [false, true],
    ]);
    expect(largestCompletedBlock(blocks)).toBe(5000 + 50 + 1000);
  });
});

describe('summarizeBlocks', () => {
  it('prices each block, lists its models in first-use order and keeps unpriced models apart', () => {
    // 09:17, 09:33, 09:49, 09:50: models first used in three different quarter hours.
    const entries = [
      entry(T0, { model: 'claude-opus-4-6' }),
      entry(T0 + 16 * M, { model: 'no-such-model' }),
      entry(T0 + 32 * M),
      entry(T0 + 33 * M, { reportedCost: 1.5, reportedRows: 1 }),
    ];
    const pricer = createPricer();
    const calc = summarize(entries, 5 * H, FAR_FUTURE, pricer, 'calculate');
    const b = calc.blocks[0];
    expect(b?.models).toEqual(['claude-opus-4-6', 'no-such-model', SONNET]);
    expect(b?.usage.unpriced).toEqual(['no-such-model']);
    expect(b?.entries).toBe(4);
    const expected =
      (pricer.cost(entries[0] as TimedUsage, entries[0] as TimedUsage, T0) ?? 0) +
      2 * (pricer.cost(entries[2] as TimedUsage, entries[2] as TimedUsage, T0) ?? 0);
    expect(b?.usage.cost).toBeCloseTo(expected, 12);
    // auto: a reported cost wins where there is one.
    const auto = summarize(entries, 5 * H, FAR_FUTURE, pricer, 'auto').blocks[0];
    expect(auto?.usage.cost).toBeCloseTo(
      expected - (pricer.cost(entries[2] as TimedUsage, entries[2] as TimedUsage, T0) ?? 0) + 1.5,
      12,
    );
  });
});

describe('selectBlocks', () => {
  const blocks = [
    { startMs: 10, isActive: false },
    { startMs: 20, isActive: false },
    { startMs: 30, isActive: true },
  ];
  it('selects by start, recency (keeping the active block) and activity', () => {
    expect(selectBlocks(blocks, { fromMs: 20 }).map((b) => b.startMs)).toEqual([20, 30]);
    expect(selectBlocks(blocks, { toMs: 30 }).map((b) => b.startMs)).toEqual([10, 20]);
    expect(selectBlocks(blocks, { recentFromMs: 40 }).map((b) => b.startMs)).toEqual([30]);
    expect(selectBlocks(blocks, { activeOnly: true }).map((b) => b.startMs)).toEqual([30]);
  });
});

// Timestamps with pauses of every size around the session length.
const arbEntries = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 10 * M }),
      fc.integer({ min: 0, max: 3 * H }),
      fc.integer({ min: 4 * H, max: 6 * H }),
      fc.integer({ min: 5 * H - 2, max: 5 * H + 2 }),
      fc.integer({ min: 6 * H, max: 40 * H }),
    ),
    { maxLength: 60 },
  )
  .map((steps) => {
    let t = T0;
    return steps.map((s, i) => {
      t += s;
      return entry(t, { input: i + 1, output: 2 * i, cacheRead: 7 * i });
    });
  });
const arbSession = fc.constantFrom(0.5, 1, 1.3, 2.5, 5, 8).map((h) => h * H);
const timesOf = (entries: readonly TimedUsage[]) => entries.map((e) => e.ts);

describe('identifyBlocks properties', () => {
  it('every response is in exactly one non-gap block, blocks in order; gaps hold none', () => {
    fc.assert(
      fc.property(arbEntries, arbSession, (entries, session) => {
        const blocks = identifyBlocks(timesOf(entries), session, FAR_FUTURE);
        expect(blocks.filter((b) => !b.isGap).flatMap((b) => entriesOf(b, entries))).toEqual(entries);
        for (const b of blocks) expect(entriesOf(b, entries)).toHaveLength(b.responses);
        for (const b of blocks.filter((x) => x.isGap))
          expect(b).toMatchObject({ responses: 0, firstMs: null });
      }),
    );
  });

  it('blocks obey the boundary rules', () => {
    fc.assert(
      fc.property(arbEntries, arbSession, (entries, session) => {
        const blocks = identifyBlocks(timesOf(entries), session, FAR_FUTURE);
        const real = blocks.filter((b) => !b.isGap);
        for (const [i, b] of real.entries()) {
          const mine = entriesOf(b, entries);
          const first = mine[0] as TimedUsage;
          const last = mine[mine.length - 1] as TimedUsage;
          expect(b.startMs).toBe(Math.floor(first.ts / H) * H);
          expect(b.endMs).toBe(b.startMs + session);
          expect([b.firstMs, b.actualEndMs]).toEqual([first.ts, last.ts]);
          // After the first (which only sets the start), no response is more than a session past the
          // start or past the response before it.
          // Responses of the same millisecond stay together even past that.
          for (const [j, e] of mine.entries()) {
            if (j === 0 || e.ts === (mine[j - 1] as TimedUsage).ts) continue;
            expect(e.ts - b.startMs).toBeLessThanOrEqual(session);
            expect(e.ts - (mine[j - 1] as TimedUsage).ts).toBeLessThanOrEqual(session);
          }
          const prev = real[i - 1];
          if (prev !== undefined) {
            // The block could not have gone on: too long since the previous start or response.
            const prevLast = prev.actualEndMs ?? Number.NaN;
            expect(first.ts - prev.startMs > session || first.ts - prevLast > session).toBe(true);
            // A gap sits between them exactly when the pause was longer than a session.
            const between = blocks.slice(blocks.indexOf(prev) + 1, blocks.indexOf(b));
            if (first.ts - prevLast > session) {
              expect(between).toHaveLength(1);
              expect(between[0]).toMatchObject({ isGap: true, startMs: prevLast + session, endMs: first.ts });
            } else expect(between).toEqual([]);
          }
        }
        const starts = real.map((b) => b.startMs);
        expect(starts).toEqual([...starts].sort((a, b) => a - b));
        for (const g of blocks.filter((b) => b.isGap)) expect(g.startMs).toBeLessThan(g.endMs);
      }),
    );
  });

  it('at most one block is active, the last one (no response after now)', () => {
    fc.assert(
      fc.property(arbEntries, arbSession, fc.integer({ min: 0, max: 12 * H }), (entries, session, after) => {
        const last = entries[entries.length - 1];
        const now = (last?.ts ?? T0) + after;
        const blocks = identifyBlocks(timesOf(entries), session, now);
        const active = blocks.filter((b) => b.isActive);
        expect(active.length).toBeLessThanOrEqual(1);
        if (active.length === 1) expect(active[0]).toBe(blocks[blocks.length - 1]);
      }),
    );
  });

  it('the blocks’ totals are the responses’ totals, whatever the cost mode', () => {
    const pricer = createPricer();
    fc.assert(
      fc.property(
        arbEntries,
        arbSession,
        fc.constantFrom('auto', 'calculate', 'display' as const),
        (entries, session, mode) => {
          const { blocks, totals } = summarize(entries, session, FAR_FUTURE, pricer, mode);
          const sum = (f: (e: TimedUsage) => number) => entries.reduce((a, e) => a + f(e), 0);
          expect(totals.sums.input).toBe(sum((e) => e.input));
          expect(totalTokens(totals.sums)).toBe(sum((e) => e.input + e.output + e.cacheWrite + e.cacheRead));
          expect(totals.sums.responses).toBe(entries.length);
          expect(blocks.reduce((a, b) => a + totalTokens(b.usage.sums), 0)).toBe(totalTokens(totals.sums));
          expect(blocks.reduce((a, b) => a + b.entries, 0)).toBe(entries.length);
          expect(blocks.reduce((a, b) => a + b.usage.cost, 0)).toBeCloseTo(totals.cost, 9);
        },
      ),
    );
  });
});
