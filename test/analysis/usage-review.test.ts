/**
 * The periodic review model and the daily insights, from a real SQLite ledger. Every expected number
 * is worked out by hand from data/prices.json (USD per million tokens):
 *
 * | model             | input | cache write 5m | cache read | output |
 * |-------------------|-------|----------------|------------|--------|
 * | claude-opus-4-5   | 5     | 6.25           | 0.5        | 25     |
 * | claude-sonnet-4-5 | 3     | 3.75           | 0.3        | 15     |
 * | claude-haiku-4-5  | 1     | 1.25           | 0.1        | 5      |
 *
 * `opus` (a short alias) and `claude-opus-x` are not in the table.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ReportContext } from '../../src/analysis/reports.js';
import { buildReviewModel, dailyInsights } from '../../src/analysis/usage-review.js';
import type { AgentFact, UsageRecord } from '../../src/capture/types.js';
import type { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import { renderReview } from '../../src/outputs/token-usage/review.js';
import { createPricer } from '../../src/pricing/create-pricer.js';
import { cleanupTemp, ORIGIN, openTempLedger } from '../helpers/ledger.js';

afterEach(cleanupTemp);

const OPUS = 'claude-opus-4-5-20251101';
const SONNET = 'claude-sonnet-4-5-20250929';
const HAIKU = 'claude-haiku-4-5-20251001';
const MIN = 60_000;

interface Tokens {
  input?: number;
  output?: number;
  cacheWrite?: number;
  cacheRead?: number;
  reportedCost?: number;
}

/** Usage of one session: its records and the agent types of its subagents. */
class Session {
  readonly records: UsageRecord[] = [];
  readonly facts: AgentFact[] = [];
  #n = 0;

  constructor(
    readonly id: string,
    readonly task: string | null,
    readonly startMs: number,
  ) {}

  /** `count` responses of `agent` (`main`, or `type:agentId`) on `model`, each with `t`, a minute apart. */
  calls(agent: string, model: string, count: number, t: Tokens): this {
    const [type, agentId] = agent === 'main' ? [null, null] : agent.split(':');
    if (type !== null && agentId !== undefined && !this.facts.some((f) => f.agentId === agentId)) {
      this.facts.push({ sessionId: this.id, agentId, toolUseId: null, agentType: type, priority: 2 });
    }
    for (let i = 0; i < count; i++) {
      this.#n += 1;
      this.records.push({
        dedupKey: `msg_${this.id}_${this.#n}:req`,
        source: 'claude-code',
        ts: this.startMs + this.#n * MIN,
        sessionId: this.id,
        agentId: agentId ?? null,
        sidechain: agentId !== undefined && agentId !== null,
        model,
        input: t.input ?? 0,
        output: t.output ?? 0,
        cacheWrite: t.cacheWrite ?? 0,
        cacheWrite1h: 0,
        cacheRead: t.cacheRead ?? 0,
        webSearch: 0,
        outputFinal: true,
        speed: null,
        geo: null,
        reportedCost: t.reportedCost ?? null,
        project: '/work/app',
        gitBranch: 'main',
        agentVersion: '2.1.330',
      });
    }
    return this;
  }
}

/** A ledger holding `sessions`, each attributed to its task through a session span. */
async function ledger(sessions: readonly Session[]): Promise<SqliteStore> {
  const store = openTempLedger();
  await store.writeFiles(
    sessions.map((s) => ({
      path: `/claude/${s.id}.jsonl`,
      cursor: null,
      fromStart: true,
      readAt: Date.now(),
      bytesRead: 0,
      bytesLeft: 0,
      records: s.records,
      costCheckpoints: [],
      agentFacts: s.facts,
      problems: [],
    })),
    { ...ORIGIN },
  );
  for (const s of sessions) {
    if (s.task === null) continue;
    await store.openSpan({
      scope: 'session',
      sessionId: s.id,
      fromTs: s.startMs,
      taskId: s.task,
      source: 'run',
    });
  }
  await store.attributePending({});
  return store;
}

function context(store: SqliteStore, mode: ReportContext['mode'] = 'auto'): ReportContext {
  return { store, pricer: createPricer(), mode };
}

const AT = Date.parse('2026-11-18T09:00:00Z');

/**
 * A week with one case of each rule, all on 2026-11-18 (UTC), and usage the day before the period:
 * - T-1: the main thread and an `explorer` subagent, both on opus with small output.
 * - T-2: a `writer` on sonnet with a low cache hit rate and much uncached input.
 * - T-3: a sonnet main thread and four `helper` subagents returning 300 output tokens each.
 * - T-4: a `scout` on the unpriced alias `opus`, with a reported cost.
 * - T-5: a `mapper` on the unpriced `claude-opus-x`, without one.
 */
function mixedWeek(): Session[] {
  return [
    new Session('s-old', 'T-1', Date.parse('2026-11-13T20:00:00Z')).calls('main', OPUS, 1, {
      input: 999_999,
    }),
    new Session('s-1', 'T-1', AT)
      .calls('main', OPUS, 10, { input: 1_000, cacheWrite: 1_000, cacheRead: 18_000, output: 100 })
      .calls('explorer:ex1', OPUS, 20, { input: 1_000, cacheWrite: 1_000, cacheRead: 8_000, output: 100 }),
    new Session('s-2', 'T-2', AT).calls('writer:wr1', SONNET, 10, {
      input: 20_000,
      cacheWrite: 2_000,
      cacheRead: 8_000,
      output: 3_000,
    }),
    new Session('s-3', 'T-3', AT)
      .calls('main', SONNET, 2, { input: 100, cacheWrite: 1_000, cacheRead: 5_000, output: 200 })
      .calls('helper:h1', SONNET, 1, { input: 100, cacheWrite: 15_000, output: 300 })
      .calls('helper:h2', SONNET, 1, { input: 100, cacheWrite: 15_000, output: 300 })
      .calls('helper:h3', SONNET, 1, { input: 100, cacheWrite: 15_000, output: 300 })
      .calls('helper:h4', SONNET, 1, { input: 100, cacheWrite: 15_000, output: 300 }),
    new Session('s-4', 'T-4', AT).calls('scout:sc1', 'opus', 10, {
      input: 12_000,
      output: 100,
      reportedCost: 0.07,
    }),
    new Session('s-5', 'T-5', AT).calls('mapper:mp1', 'claude-opus-x', 10, { input: 12_000, output: 100 }),
  ];
}

// Per agent and task, by hand (tokens = input + output + cache writes + cache reads):
// T-1 main      201,000 tokens  10k×5 + 10k×6.25 + 180k×0.5 + 1k×25        = $0.2275
// T-1 explorer  202,000         20k×5 + 20k×6.25 + 160k×0.5 + 2k×25        = $0.355
// T-2 writer    330,000         200k×3 + 20k×3.75 + 80k×0.3 + 30k×15       = $1.149
// T-3 main       12,600         200×3 + 2k×3.75 + 10k×0.3 + 400×15         = $0.0171
// T-3 helpers    61,600         4 × (100×3 + 15k×3.75 + 300×15)            = $0.2442
// T-4 scout     121,000         reported 10 × $0.07                         = $0.70
// T-5 mapper    121,000         unpriced, nothing reported                  = unavailable
const TOTAL_TOKENS = 201_000 + 202_000 + 330_000 + 12_600 + 61_600 + 121_000 + 121_000;

describe('buildReviewModel', () => {
  it('totals, cost breakdowns, shares, top tasks, model mix and cache hit rate of a mixed week', async () => {
    const store = await ledger(mixedWeek());
    const review = await buildReviewModel(context(store), { date: '2026-11-20', days: 7, timeZone: 'UTC' });

    expect(review.date).toBe('2026-11-20');
    expect(review.period).toEqual({ start: '2026-11-14', end: '2026-11-20' });
    // The 999,999 tokens of 2026-11-13 are outside the period.
    expect(review.totals.totalTokens).toBe(1_049_200);
    expect(review.totals.totalTokens).toBe(TOTAL_TOKENS);
    // The known part: mapper's usage has no cost, and is not counted as $0 but left out, and said so.
    expect(review.totals.estimatedCost).toBeCloseTo(0.2275 + 0.355 + 1.149 + 0.0171 + 0.2442 + 0.7, 10);
    expect(review.totals.unpriced).toEqual({ totalTokens: 121_000, models: ['claude-opus-x'] });

    expect(review.costByModel.map((l) => [l.name, l.totalTokens])).toEqual([
      [SONNET, 404_200],
      ['opus', 121_000],
      [OPUS, 403_000],
      ['claude-opus-x', 121_000],
    ]);
    expect(review.costByModel[0]?.estimatedCost).toBeCloseTo(1.149 + 0.0171 + 0.2442, 10);
    expect(review.costByModel[1]?.estimatedCost).toBeCloseTo(0.7, 10);
    expect(review.costByModel[2]?.estimatedCost).toBeCloseTo(0.2275 + 0.355, 10);
    expect(review.costByModel[3]?.estimatedCost).toBeNull();
    expect(review.costByModel[3]?.unpriced).toEqual({ totalTokens: 121_000, models: ['claude-opus-x'] });
    // scout's alias `opus` is unpriced too, but its reported cost stands in: nothing left out.
    expect(review.costByModel.filter((l) => l.unpriced !== undefined).map((l) => l.name)).toEqual([
      'claude-opus-x',
    ]);

    expect(review.costByAgent.map((l) => [l.name, l.totalTokens])).toEqual([
      ['writer', 330_000],
      ['scout', 121_000],
      ['explorer', 202_000],
      ['main', 213_600],
      ['helper', 61_600],
      ['mapper', 121_000],
    ]);
    expect(review.costByAgent[3]?.estimatedCost).toBeCloseTo(0.2446, 10);
    expect(review.costByAgent[5]?.estimatedCost).toBeNull();

    // Top 5 by tokens; mapper and scout tie and go by name; helper is sixth.
    expect(review.mostActiveAgents).toEqual([
      { agent: 'writer', totalTokens: 330_000, share: 330_000 / TOTAL_TOKENS },
      { agent: 'main', totalTokens: 213_600, share: 213_600 / TOTAL_TOKENS },
      { agent: 'explorer', totalTokens: 202_000, share: 202_000 / TOTAL_TOKENS },
      { agent: 'mapper', totalTokens: 121_000, share: 121_000 / TOTAL_TOKENS },
      { agent: 'scout', totalTokens: 121_000, share: 121_000 / TOTAL_TOKENS },
    ]);

    expect(review.topExpensiveTasks.map((t) => [t.taskId, t.totalTokens])).toEqual([
      ['T-2', 330_000],
      ['T-4', 121_000],
      ['T-1', 403_000],
      ['T-3', 74_200],
      ['T-5', 121_000],
    ]);
    expect(review.topExpensiveTasks[2]?.estimatedCost).toBeCloseTo(0.5825, 10);
    expect(review.topExpensiveTasks[3]?.estimatedCost).toBeCloseTo(0.2613, 10);
    expect(review.topExpensiveTasks[4]?.estimatedCost).toBeNull();

    expect(review.agentModelMix).toEqual([
      { agent: 'explorer', models: [{ model: OPUS, totalTokens: 202_000, share: 1 }] },
      {
        agent: 'helper',
        models: [{ model: SONNET, totalTokens: 61_600, share: 1 }],
      },
      {
        agent: 'main',
        models: [
          { model: OPUS, totalTokens: 201_000, share: 201_000 / 213_600 },
          { model: SONNET, totalTokens: 12_600, share: 12_600 / 213_600 },
        ],
      },
      { agent: 'mapper', models: [{ model: 'claude-opus-x', totalTokens: 121_000, share: 1 }] },
      { agent: 'scout', models: [{ model: 'opus', totalTokens: 121_000, share: 1 }] },
      { agent: 'writer', models: [{ model: SONNET, totalTokens: 330_000, share: 1 }] },
    ]);

    // The rate of every report, cache reads ÷ (cache reads + uncached input), over usage with any
    // cache activity (scout and mapper have none):
    //   reads: T-1 main 10×18k = 180k, explorer 20×8k = 160k, writer 10×8k = 80k, T-3 main 2×5k = 10k,
    //          helpers 0                                                            = 430,000
    //   input: T-1 main 10×1k = 10k, explorer 20×1k = 20k, writer 10×20k = 200k, T-3 main 2×100 = 200,
    //          helpers 4×100 = 400                                                  = 230,600
    //   430,000 ÷ (430,000 + 230,600) = 430,000 ÷ 660,600 = 0.65092… (65.1%). Cache writes are not counted.
    expect(review.cacheHitRate).toBeCloseTo(430_000 / 660_600, 12);
    expect(review.estimateOverruns).toEqual([]);
  });

  it('recommends each rule with a hand-computed saving, largest first, and an unpriced one last', async () => {
    const store = await ledger(mixedWeek());
    const review = await buildReviewModel(context(store), { date: '2026-11-20', days: 7, timeZone: 'UTC' });
    const recs = review.recommendations;
    expect(recs.map((r) => [r.type, r.description.split(':')[0]])).toEqual([
      ['context_reuse', 'Make writer reuse cached context'],
      ['model_selection', 'Run scout on sonnet instead of opus'],
      ['delegation_reduction', 'Do small lookups in the main thread instead of spawning subagents'],
      ['model_selection', 'Run explorer on sonnet instead of opus (claude-opus-4-5-20251101)'],
      ['model_selection', 'Run mapper on sonnet instead of opus (claude-opus-x)'],
    ]);
    const [writer, scout, helpers, explorer, mapper] = recs;

    // writer: 10 calls of 20k input, 2k cache writes, 8k cache reads: reads 80k, uncached input 200k.
    // Hit rate 80k ÷ (80k + 200k) = 80k ÷ 280k = 0.285714… = 28.6%; at 80%, 0.8 × 280k − 80k = 224k − 80k
    // = 144k tokens would be cache reads: 144k × ($3 − $0.30) per million = 144k × $2.70 / 1M = $0.3888.
    expect(writer?.savingUsd).toBeCloseTo(0.3888, 10);
    expect(writer?.evidence).toContain(
      'cache hit rate 28.6% (cache reads ÷ (cache reads + uncached input) = 80,000 ÷ 280,000)',
    );
    expect(writer?.evidence).toContain('144,000 of those tokens would be cache reads');
    expect(writer?.evidence).toContain('200,000 tokens of uncached input');

    // scout: reported $0.70; the same 120k input + 1k output at claude-sonnet-4-5 (the sonnet the week
    // used): 120k×3 + 1k×15 = $0.375; saving $0.325.
    expect(scout?.savingUsd).toBeCloseTo(0.325, 10);
    expect(scout?.evidence).toContain('100 tokens per response on average');
    expect(scout?.evidence).toContain('claude-sonnet-4-5 prices would cost $0.38');

    // helpers: 4 subagents with 300 output tokens each; their input and cache writes:
    // 4 × (100×3 + 15k×3.75) = $0.2262.
    expect(helpers?.savingUsd).toBeCloseTo(0.2262, 10);
    expect(helpers?.description).toContain('4 subagents in 1 task');
    expect(helpers?.evidence).toContain(
      'Small subagents from 2026-11-14 to 2026-11-20: T-3 (4 of its 4 subagents, 1,200 output tokens in all)',
    );

    // explorer: $0.355 on opus 4.5; at sonnet 4.5 (same generation): 20k×3 + 20k×3.75 + 160k×0.3 + 2k×15
    // = $0.213; saving $0.142. The main thread, on opus with small output too, is not a candidate.
    expect(explorer?.savingUsd).toBeCloseTo(0.142, 10);
    expect(explorer?.evidence).toContain('1.0% of its 200,000 prompt tokens');

    // mapper: no price and no reported cost: the pattern is reported, the saving is not invented.
    expect(mapper?.savingUsd).toBeNull();
    expect(mapper?.evidence).toContain('cost unavailable (no price in the table and no reported cost)');

    for (const r of recs) {
      expect(r.proposed_change.startsWith('In the ')).toBe(true);
      expect(r.evidence.length).toBeGreaterThan(0);
    }
    expect(recs.some((r) => r.description.startsWith('Run main '))).toBe(false);
  });

  it('falls back to reported costs in calculate mode for unpriced models', async () => {
    const store = await ledger(mixedWeek());
    const review = await buildReviewModel(context(store, 'calculate'), {
      date: '2026-11-20',
      days: 7,
      timeZone: 'UTC',
    });
    expect(review.costByModel.find((l) => l.name === 'opus')?.estimatedCost).toBeCloseTo(0.7, 10);
    expect(review.costByModel.find((l) => l.name === 'claude-opus-x')?.estimatedCost).toBeNull();
  });

  it('is deterministic, and the existing renderer renders it', async () => {
    const store = await ledger(mixedWeek());
    const ctx = context(store);
    const options = { date: '2026-11-20', days: 7, timeZone: 'UTC' };
    const a = await buildReviewModel(ctx, options);
    const b = await buildReviewModel(ctx, options);
    expect(b).toEqual(a);
    const text = renderReview(a);
    expect(text).toContain('# Usage Review: 2026-11-20');
    expect(text).toContain('Period: Last 7 days (2026-11-14 to 2026-11-20)');
    expect(text).toContain('- Total tokens: 1,049,200');
    // $0.2275 + $0.355 + $1.149 + $0.0171 + $0.2442 + $0.70 = $2.6928 known; mapper's 10 × (12,000 + 100)
    // = 121,000 tokens on claude-opus-x have no cost and are named, not counted as $0.
    expect(text).toContain(
      '- Total cost: $2.69 (partial: 121,000 tokens unpriced for model claude-opus-x)\n',
    );
    expect(text).toContain('claude-opus-x unavailable (121,000 tokens)');
    // 430,000 ÷ 660,600 (see the first test).
    expect(text).toContain('3. **Cache hit rate**: 65.1%.');
    expect(text).toContain('Recommendation 1 (context_reuse): Make writer reuse cached context');
    // writer's $0.3888 (see the second test).
    expect(text).toContain('   - Estimated saving: $0.39');
    expect(text).toContain('### For build-lead.md');
    expect(renderReview(b)).toBe(text);
  });

  it('emits no recommendation when nothing warrants one', async () => {
    const store = await ledger([
      new Session('s-1', 'B-1', AT)
        // The main thread on opus with small output: the main thread is never told to downshift.
        .calls('main', OPUS, 10, { input: 500, cacheWrite: 1_000, cacheRead: 30_000, output: 200 })
        // Substantial output, well cached.
        .calls('builder:b1', SONNET, 10, {
          input: 1_000,
          cacheWrite: 2_000,
          cacheRead: 40_000,
          output: 2_000,
        })
        // Two small subagents: fewer than three.
        .calls('helper:h1', SONNET, 1, { input: 100, cacheWrite: 15_000, output: 300 })
        .calls('helper:h2', SONNET, 1, { input: 100, cacheWrite: 15_000, output: 300 }),
      // Small output on opus, but too little usage to matter (under 100,000 tokens).
      new Session('s-2', 'B-2', AT).calls('explorer:e1', OPUS, 5, {
        input: 1_000,
        cacheWrite: 1_000,
        cacheRead: 8_000,
        output: 100,
      }),
    ]);
    const review = await buildReviewModel(context(store), { date: '2026-11-20', days: 7, timeZone: 'UTC' });
    expect(review.recommendations).toEqual([]);
    expect(renderReview(review)).toContain('## Recommendations\n\n- None.');
    const daily = await dailyInsights(context(store), { date: '2026-11-18', timeZone: 'UTC' });
    expect(daily).toEqual({ anomalies: [], optimizationCandidates: [] });
  });

  it('an empty ledger gives an empty review', async () => {
    const store = await ledger([]);
    const review = await buildReviewModel(context(store), { date: '2026-11-20', days: 1, timeZone: 'UTC' });
    expect(review).toEqual({
      date: '2026-11-20',
      period: { start: '2026-11-20', end: '2026-11-20' },
      totals: { totalTokens: 0, estimatedCost: 0 },
      costByModel: [],
      costByAgent: [],
      mostActiveAgents: [],
      topExpensiveTasks: [],
      agentModelMix: [],
      cacheHitRate: null,
      estimateOverruns: [],
      recommendations: [],
    });
    expect(renderReview(review)).toContain('Period: Last 1 day (2026-11-20 to 2026-11-20)');
  });

  it('rejects a bad date or period', async () => {
    const store = await ledger([]);
    await expect(buildReviewModel(context(store), { date: '2026-02-30', days: 7 })).rejects.toThrow(
      /not a date/,
    );
    await expect(buildReviewModel(context(store), { date: '2026-11-20', days: 0 })).rejects.toThrow(/days/);
  });

  it('local days follow the time zone', async () => {
    // 2026-11-18 23:30 UTC is 2026-11-19 in Berlin (UTC+1).
    const store = await ledger([
      new Session('s-1', 'Z-1', Date.parse('2026-11-18T23:29:00Z')).calls('main', HAIKU, 1, { input: 1_000 }),
    ]);
    const utc = await buildReviewModel(context(store), { date: '2026-11-18', days: 1, timeZone: 'UTC' });
    const berlin = await buildReviewModel(context(store), {
      date: '2026-11-18',
      days: 1,
      timeZone: 'Europe/Berlin',
    });
    expect(utc.totals.totalTokens).toBe(1_000);
    expect(berlin.totals.totalTokens).toBe(0);
  });
});

describe('estimate overruns and daily insights', () => {
  const day = (date: string) => Date.parse(`${date}T08:00:00Z`);

  /**
   * History 2026-11-13..19: five tasks of 8k, 10k, 10k, 12k and 20k tokens (median 10,000).
   * 2026-11-20: BIG uses 35,000 tokens (3.5× the median), SMALL 25,000 (2.5×). SMALL is a child of
   * EST (estimates 20,000 tokens and $0.01), which used 5,000 tokens itself on 2026-11-10.
   * All on haiku 4.5, input only ($1 per million).
   */
  async function estimates(): Promise<SqliteStore> {
    const sessions = [
      new Session('h1', 'H-1', day('2026-11-13')).calls('main', HAIKU, 1, { input: 8_000 }),
      new Session('h2', 'H-2', day('2026-11-15')).calls('main', HAIKU, 1, { input: 10_000 }),
      new Session('h3', 'H-3', day('2026-11-16')).calls('main', HAIKU, 1, { input: 10_000 }),
      new Session('h4', 'H-4', day('2026-11-17')).calls('main', HAIKU, 1, { input: 12_000 }),
      new Session('h5', 'H-5', day('2026-11-19')).calls('main', HAIKU, 1, { input: 20_000 }),
      new Session('e0', 'EST', day('2026-11-10')).calls('main', HAIKU, 1, { input: 5_000 }),
      new Session('big', 'BIG', day('2026-11-20')).calls('main', HAIKU, 1, { input: 35_000 }),
      new Session('small', 'SMALL', day('2026-11-20')).calls('main', HAIKU, 1, { input: 25_000 }),
    ];
    const store = await ledger(sessions);
    await store.saveTask({ id: 'EST', estimateTokens: 20_000, estimateUsd: 0.01 });
    await store.saveTask({ id: 'SMALL', parentId: 'EST' });
    await store.saveTask({ id: 'BIG', estimateTokens: 100_000 });
    return store;
  }

  it('the review lists tasks whose whole usage passed the overrun multiple of their estimate, children included', async () => {
    const store = await estimates();
    // EST: 5,000 (own, before the period) + 25,000 (SMALL) = 30,000 tokens = $0.03 at $1 per million:
    // 1.5× its tokens and 3.0× its dollars. Neither passes the default multiple (4×) ...
    const byDefault = await buildReviewModel(context(store), {
      date: '2026-11-20',
      days: 1,
      timeZone: 'UTC',
    });
    expect(byDefault.estimateOverruns).toEqual([]);
    expect(renderReview(byDefault)).toContain('4. **Estimate overruns**: none.');
    // ... a multiple of 2 flags the dollars only, a multiple of 1 both.
    const two = await buildReviewModel(context(store), {
      date: '2026-11-20',
      days: 1,
      timeZone: 'UTC',
      overrunMultiple: 2,
    });
    expect(two.estimateOverruns.map((o) => [o.taskId, o.metric])).toEqual([['EST', 'usd']]);
    const review = await buildReviewModel(context(store), {
      date: '2026-11-20',
      days: 1,
      timeZone: 'UTC',
      overrunMultiple: 1,
    });
    expect(review.estimateOverruns).toHaveLength(2);
    expect(review.estimateOverruns[0]).toMatchObject({ taskId: 'EST', metric: 'usd', estimate: 0.01 });
    expect(review.estimateOverruns[0]?.actual).toBeCloseTo(0.03, 10);
    expect(review.estimateOverruns[1]).toEqual({
      taskId: 'EST',
      metric: 'tokens',
      estimate: 20_000,
      actual: 30_000,
    });
    expect(renderReview(review)).toContain('EST used $0.03 against $0.01 estimated (3.0×)');
  });

  it('daily anomalies: usage far above its robust baseline, and overruns', async () => {
    const store = await estimates();
    // Tasks in the 28 days before and on the day: 5,000 (EST's own), 8,000, 10,000, 10,000, 12,000,
    // 20,000, 25,000 (SMALL) and 35,000 (BIG): median 11,000, deviations 6,000 3,000 1,000 1,000 1,000
    // 9,000 14,000 24,000, MAD 4,500. BIG: (35,000 − 11,000) ÷ (4,500 × 1.4826) = 3.6 ≥ 3.5, 3.2× ≥ 2.
    // SMALL: 2.1 < 3.5. Only two tasks have an estimate: too few to compare tasks by their size.
    // Days: 5,000 8,000 10,000 10,000 12,000 20,000 and 60,000 on the day: median 10,000, MAD 2,000.
    const median = [
      'task BIG used 35,000 tokens: 3.2× the median, robust score 3.6 (median 11,000 tokens, MAD 4,500 tokens, n=8 tasks); about 24,000 tokens over.',
      'session big used 35,000 tokens: 3.2× the median, robust score 3.6 (median 11,000 tokens, MAD 4,500 tokens, n=8 sessions grouped by model=claude-haiku-4-5-20251001); about 24,000 tokens over.',
      '2026-11-20 used 60,000 tokens: 6.0× the median, robust score 16.9 (median 10,000 tokens, MAD 2,000 tokens, n=7 active days); about 50,000 tokens over.',
    ];
    // EST is at 3.0× its dollars and 1.5× its tokens: below the default overrun multiple (4×).
    const byDefault = await dailyInsights(context(store), { date: '2026-11-20', timeZone: 'UTC' });
    expect(byDefault.anomalies).toEqual(median);
    expect(byDefault.optimizationCandidates).toEqual([]);
    const two = await dailyInsights(context(store), {
      date: '2026-11-20',
      timeZone: 'UTC',
      overrunMultiple: 2,
    });
    expect(two.anomalies).toEqual([
      ...median,
      'EST passed its estimate: $0.03 used against $0.01 estimated (3.0×).',
    ]);
    const one = await dailyInsights(context(store), {
      date: '2026-11-20',
      timeZone: 'UTC',
      overrunMultiple: 1,
    });
    expect(one.anomalies).toEqual([
      ...median,
      'EST passed its estimate: $0.03 used against $0.01 estimated (3.0×).',
      'EST passed its estimate: 30,000 tokens used against 20,000 tokens estimated (1.5×).',
    ]);
  });

  it('no anomaly without a baseline of 5 tasks, or on a day with nothing unusual', async () => {
    const store = await estimates();
    // For 2026-11-14 the week before (11-07..11-13) has H-1 and EST only.
    const early = await dailyInsights(context(store), { date: '2026-11-14', timeZone: 'UTC' });
    expect(early).toEqual({ anomalies: [], optimizationCandidates: [] });
    // The day after the spike: 11-13..11-19 has the five history tasks, nothing of 11-20.
    const before = await dailyInsights(context(store), { date: '2026-11-19', timeZone: 'UTC' });
    expect(before.anomalies).toEqual([]);
  });

  it('daily candidates are the review rules on that day alone', async () => {
    const store = await ledger(mixedWeek());
    const daily = await dailyInsights(context(store), { date: '2026-11-18', timeZone: 'UTC' });
    // T-1's day is far above the other tasks of the week (in tokens and in API calls).
    expect(daily.anomalies).toEqual([
      'task T-1 used 1,402,999 tokens: 11.6× the median, robust score 18.5 (median 121,000 tokens, MAD 46,800 tokens, n=5 tasks); about 1,281,999 tokens over.',
      'task T-1 made 31 API calls: 3.1× the median, robust score 210.0 (median 10 API calls, MAD 0 API calls, n=5 tasks); about 21 API calls over.',
      'session s-1 made 30 API calls: 3.0× the median, robust score 6.7 (median 10 API calls, MAD 2 API calls, n=6 sessions); about 20 API calls over.',
    ]);
    expect(daily.optimizationCandidates).toEqual([
      // 80,000 ÷ 280,000 = 28.6%; $0.3888 (see 'recommends each rule ...').
      'Improve prompt-cache reuse for writer: hit rate 28.6% with 200,000 uncached input tokens; est. saving up to $0.39.',
      'Consider sonnet instead of opus for scout: output averages 100 tokens per response (0.8% of prompt tokens); est. saving $0.33.',
      'Do small lookups inline: 4 subagents in T-3 returned at most 1,000 output tokens each; est. saving up to $0.23.',
      'Consider sonnet instead of opus for explorer: output averages 100 tokens per response (1.0% of prompt tokens); est. saving $0.14.',
      'Consider sonnet instead of opus for mapper: output averages 100 tokens per response (0.8% of prompt tokens); est. saving unavailable.',
    ]);
    const otherDay = await dailyInsights(context(store), { date: '2026-11-19', timeZone: 'UTC' });
    expect(otherDay).toEqual({ anomalies: [], optimizationCandidates: [] });
  });
});

describe('declared telemetry', () => {
  it('declared agents and short model aliases: reported costs, a default cheaper model, no cache claims', async () => {
    const store = await ledger([]);
    const ts = Date.parse('2026-11-18T12:00:00Z');
    await store.declareTask(
      {
        taskId: 'TEL-1',
        ts,
        declaredAt: '2026-11-18T12:00:00Z',
        summary: 'Explore the repo.',
        mode: 'log_only',
        project: null,
        receivedAt: ts,
        missing: [],
        entries: [
          {
            agent: 'explorer',
            model: 'opus',
            inputTokens: 150_000,
            outputTokens: 400,
            totalTokens: 150_400,
            estimatedCost: 2.5,
          },
          {
            agent: 'build-lead',
            model: 'sonnet',
            inputTokens: 30_000,
            outputTokens: 10_000,
            totalTokens: 40_000,
            estimatedCost: 0.6,
          },
        ],
      },
      { ...ORIGIN },
    );
    const review = await buildReviewModel(context(store), { date: '2026-11-20', days: 7, timeZone: 'UTC' });
    expect(review.totals.totalTokens).toBe(190_400);
    expect(review.totals.estimatedCost).toBeCloseTo(3.1, 10);
    expect(review.costByAgent.map((l) => [l.name, l.totalTokens, l.estimatedCost])).toEqual([
      ['explorer', 150_400, 2.5],
      ['build-lead', 40_000, 0.6],
    ]);
    // No cache reads or writes are declared: no rate, and no context_reuse claim.
    expect(review.cacheHitRate).toBeNull();
    // explorer: 400 output tokens in one declared entry, 0.27% of its input. No sonnet model was used
    // in the period, so the default claude-sonnet-4-5 prices it: 150k×3 + 400×15 = $0.456; $2.50 − $0.456.
    expect(review.recommendations).toHaveLength(1);
    expect(review.recommendations[0]?.type).toBe('model_selection');
    expect(review.recommendations[0]?.description).toContain('Run explorer on sonnet instead of opus');
    expect(review.recommendations[0]?.savingUsd).toBeCloseTo(2.044, 10);
  });
});

describe('unpriced usage in the review', () => {
  /**
   * One task M-1 on 2026-11-18, mixing a priced and two unknown models:
   * - main on claude-haiku-4-5: 2 × (100,000 input + 10,000 output) = 220,000 tokens,
   *   2 × (100k × $1 + 10k × $5) per million = 2 × ($0.10 + $0.05) = $0.30.
   * - main on claude-mystery-9 (not in the table, no reported cost): 30,000 + 2,000 = 32,000 tokens.
   * - a `scout` subagent on claude-enigma-1 (same): 8,000 input tokens.
   * Totals: 220,000 + 32,000 + 8,000 = 260,000 tokens; $0.30 known; 32,000 + 8,000 = 40,000 unpriced.
   */
  function mixedPricing(): Session[] {
    return [
      new Session('m-1', 'M-1', AT)
        .calls('main', HAIKU, 2, { input: 100_000, output: 10_000 })
        .calls('main', 'claude-mystery-9', 1, { input: 30_000, output: 2_000 })
        .calls('scout:sc1', 'claude-enigma-1', 1, { input: 8_000 }),
    ];
  }

  it('marks every cost that leaves unpriced usage out, in the model and the rendered review', async () => {
    const store = await ledger(mixedPricing());
    const review = await buildReviewModel(context(store), { date: '2026-11-20', days: 7, timeZone: 'UTC' });

    expect(review.totals.totalTokens).toBe(260_000);
    expect(review.totals.estimatedCost).toBeCloseTo(0.3, 10);
    expect(review.totals.unpriced).toEqual({
      totalTokens: 40_000,
      models: ['claude-enigma-1', 'claude-mystery-9'],
    });
    // main: $0.30 on haiku is known; its 32,000 tokens on claude-mystery-9 are not.
    expect(review.costByAgent.map((l) => [l.name, l.totalTokens, l.unpriced])).toEqual([
      ['main', 252_000, { totalTokens: 32_000, models: ['claude-mystery-9'] }],
      ['scout', 8_000, { totalTokens: 8_000, models: ['claude-enigma-1'] }],
    ]);
    expect(review.costByAgent[1]?.estimatedCost).toBeNull();
    // A fully priced line has no `unpriced` key at all.
    expect(review.costByModel[0]).toEqual({ name: HAIKU, totalTokens: 220_000, estimatedCost: 0.3 });
    expect(review.topExpensiveTasks).toEqual([
      {
        taskId: 'M-1',
        totalTokens: 260_000,
        estimatedCost: 0.3,
        unpriced: { totalTokens: 40_000, models: ['claude-enigma-1', 'claude-mystery-9'] },
      },
    ]);

    // Shares: main 252,000 ÷ 260,000 = 96.9% → 97%, scout 8,000 ÷ 260,000 = 3.1% → 3%; main's mix:
    // haiku 220,000 ÷ 252,000 = 87.3% → 87%, claude-mystery-9 32,000 ÷ 252,000 = 12.7% → 13%. No cache
    // reads or writes: no hit rate. No rule fires (the unknown models have no family; main is never told
    // to downshift; nothing is cached).
    expect(renderReview(review)).toBe(`# Usage Review: 2026-11-20

Period: Last 7 days (2026-11-14 to 2026-11-20)

## Overview

- Total tokens: 260,000
- Total cost: $0.30 (partial: 40,000 tokens unpriced for models claude-enigma-1, claude-mystery-9)
- Cost by model: ${HAIKU} $0.30 (220,000 tokens), claude-mystery-9 unavailable (32,000 tokens), claude-enigma-1 unavailable (8,000 tokens)
- Cost by agent: main $0.30 (252,000 tokens; partial: 32,000 tokens unpriced for model claude-mystery-9), scout unavailable (8,000 tokens)
- Most active agents: main (97%), scout (3%)

## Findings

1. **Top expensive tasks**: M-1 $0.30 (260,000 tokens; partial: 40,000 tokens unpriced for models claude-enigma-1, claude-mystery-9).
2. **Model mix by agent**: main: ${HAIKU} 87%, claude-mystery-9 13%; scout: claude-enigma-1 100%.
3. **Cache hit rate**: unavailable.
4. **Estimate overruns**: none.

## Recommendations

- None.

## Proposed Changes

- None.
`);
  });

  it('a fully priced period has no marker', async () => {
    const store = await ledger([
      new Session('p-1', 'P-1', AT).calls('main', HAIKU, 2, { input: 100_000, output: 10_000 }),
    ]);
    const review = await buildReviewModel(context(store), { date: '2026-11-20', days: 7, timeZone: 'UTC' });
    expect(review.totals).toEqual({ totalTokens: 220_000, estimatedCost: 0.3 });
    expect(renderReview(review)).toContain('- Total cost: $0.30\n');
  });
});
