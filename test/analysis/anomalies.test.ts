/**
 * The anomaly detectors on generated histories: each planted problem (a task far over baseline,
 * runaway turns, a context leak, a cache that keeps expiring) is found with its evidence, a clean
 * history raises nothing, and multiplying every token count by a constant changes no flag.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Anomaly, DEFAULT_THRESHOLDS, type Detector } from '../../src/analysis/anomalies/anomaly.js';
import { farAbove } from '../../src/analysis/anomalies/baselines.js';
import { DETECTORS, detectAnomalies } from '../../src/analysis/anomalies/detectors.js';
import { candidateSessions } from '../../src/analysis/anomalies/find-anomalies.js';
import { PROBLEMS, type Problem, plantedInput, plantedLedger } from '../helpers/planted-problems.js';

const T = DEFAULT_THRESHOLDS;
/** Generous: a loaded machine must not fail a property on time (speed belongs in bench/). */
const PROPERTY_TIMEOUT_MS = 120_000;

function flagsOf(problems: readonly Problem[], options: { seed?: number; scale?: number } = {}) {
  const ledger = plantedLedger({ plant: problems, ...options });
  return { ledger, anomalies: detectAnomalies(plantedInput(ledger), T) };
}

/** kind + subject: what a flag is about. */
function about(a: Anomaly): string {
  return `${a.kind} ${JSON.stringify(a.subject)}`;
}

describe('planted problems', () => {
  const { ledger, anomalies } = flagsOf(PROBLEMS);
  const truth = ledger.truth;

  it('finds the task far over its baseline, with the baseline it was measured against', () => {
    const t = truth.overTask;
    const flag = anomalies.find((a) => a.kind === 'task-over-baseline' && a.subject.task === t?.task);
    expect(flag).toBeDefined();
    expect(flag?.baseline).toMatchObject({
      metric: 'tokens',
      groupedBy: { 'label:category': 'feature' },
      scaledBy: null,
    });
    expect(flag?.baseline.n).toBeGreaterThanOrEqual(20);
    expect(flag?.ratio).toBeGreaterThan(4);
    expect(flag?.score).toBeGreaterThan(T.minScore);
    expect(flag?.evidence.sessions).toEqual([t?.session]);
    expect(flag?.evidence.responses).toBe(t?.dedupKeys.length);
    expect(flag?.overrun?.excess).toBeCloseTo(
      (flag?.evidence.tokens.total ?? 0) - (flag?.baseline.median ?? 0),
      6,
    );
    // Its stages and its session are over their baselines too; its day is.
    expect(
      anomalies.filter((a) => a.kind === 'stage-over-baseline' && a.subject.task === t?.task),
    ).toHaveLength(2);
    expect(
      anomalies.some((a) => a.kind === 'session-over-baseline' && a.subject.session === t?.session),
    ).toBe(true);
    expect(anomalies.some((a) => a.kind === 'day-over-baseline' && a.subject.date === t?.date)).toBe(true);
  });

  it('finds the runaway task and session by their API calls', () => {
    const t = truth.runawayTask;
    const flags = anomalies.filter((a) => a.kind === 'runaway-turns');
    const task = flags.find((a) => a.subject.task === t?.task);
    const session = flags.find((a) => a.subject.session === t?.session);
    expect(task?.value).toBe(140);
    expect(session?.value).toBe(140);
    expect(task?.baseline).toMatchObject({ metric: 'responses', groupedBy: { 'label:category': 'feature' } });
    expect(session?.baseline.groupedBy).toEqual({ model: 'claude-sonnet-4-5-20250929' });
    expect(task?.baseline.median).toBeGreaterThanOrEqual(12);
    expect(task?.baseline.median).toBeLessThanOrEqual(16);
    expect(task?.overrun).toEqual({
      unit: 'responses',
      expected: task?.baseline.median,
      excess: 140 - (task?.baseline.median ?? 0),
    });
  });

  it('finds the context leak, with the calls that show it', () => {
    const t = truth.contextLeak;
    const flags = anomalies.filter((a) => a.kind === 'context-leak');
    expect(flags.map((a) => a.subject)).toEqual([{ session: t?.session }]);
    const [flag] = flags;
    expect(flag?.value).toBe(0);
    expect(flag?.baseline).toMatchObject({ metric: 'cacheReadShare', groupedBy: {} });
    expect(flag?.baseline.median).toBeGreaterThan(0.8);
    expect(flag?.evidence.facts.contextGrowth).toBeGreaterThan(T.leakGrowth);
    const keys = flag?.evidence.records.map((r) => r.dedupKey) ?? [];
    expect(keys[0]).toBe(t?.dedupKeys[0]);
    expect(keys[keys.length - 1]).toBe(t?.dedupKeys[t.dedupKeys.length - 1]);
    for (const k of keys) expect(t?.dedupKeys).toContain(k);
    const contexts = flag?.evidence.records.map((r) => r.input + r.cacheRead + r.cacheWrite) ?? [];
    expect(contexts).toEqual([...contexts].sort((a, b) => a - b));
  });

  it('finds the cache that keeps expiring, with the rewrites', () => {
    const t = truth.expiringCache;
    const flags = anomalies.filter((a) => a.kind === 'cache-expiring');
    expect(flags.map((a) => a.subject)).toEqual([{ session: t?.session }]);
    const [flag] = flags;
    expect(flag?.evidence.facts.rewrites).toBe(14);
    expect(flag?.evidence.facts.medianGapMinutes).toBeCloseTo(8, 6);
    expect(flag?.evidence.records.map((r) => r.dedupKey)).toEqual(t?.dedupKeys.slice(0, 12));
    expect(flag?.baseline.metric).toBe('cacheWriteShare');
    expect(flag?.value).toBe(1);
    expect(flag?.ratio).toBeGreaterThan(5);
  });

  it('flags nothing but the planted problems and their days', () => {
    const planted = Object.values(truth);
    const ours = (a: Anomaly) =>
      planted.some(
        (p) => a.subject.task === p.task || a.subject.session === p.session || a.subject.date === p.date,
      );
    expect(anomalies.filter((a) => !ours(a)).map(about)).toEqual([]);
  });

  it('reads the request series of only the sessions a leak rule needs', () => {
    const { series: _all, ...input } = plantedInput(ledger);
    expect(candidateSessions(input, T).sort()).toEqual(
      [truth.contextLeak?.session, truth.expiringCache?.session].sort(),
    );
  });
});

describe('properties', () => {
  it(
    'a clean generated history raises nothing',
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 1_000_000 }),
          fc.integer({ min: 10, max: 40 }),
          (seed, days) => {
            const ledger = plantedLedger({ seed, days });
            expect(detectAnomalies(plantedInput(ledger), T).map(about)).toEqual([]);
          },
        ),
        { numRuns: 25 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'multiplying every token count by a constant raises no new flag (and drops none)',
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 1_000_000 }),
          fc.integer({ min: 2, max: 1_000 }),
          fc.subarray([...PROBLEMS]),
          (seed, scale, plant) => {
            const base = flagsOf(plant, { seed }).anomalies.map(about);
            expect(flagsOf(plant, { seed, scale }).anomalies.map(about)).toEqual(base);
          },
        ),
        { numRuns: 20 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'every planted problem is found whatever the seed',
    () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
          const { ledger, anomalies } = flagsOf(PROBLEMS, { seed });
          const kinds = (p: Problem) =>
            new Set(
              anomalies
                .filter(
                  (a) =>
                    a.subject.task === ledger.truth[p]?.task ||
                    a.subject.session === ledger.truth[p]?.session,
                )
                .map((a) => a.kind),
            );
          expect(kinds('overTask').has('task-over-baseline')).toBe(true);
          expect(kinds('runawayTask').has('runaway-turns')).toBe(true);
          expect(kinds('contextLeak').has('context-leak')).toBe(true);
          expect(kinds('expiringCache').has('cache-expiring')).toBe(true);
        }),
        { numRuns: 15 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('task size', () => {
  /** The clean history with every unit of `task` multiplied by `usage`, and its estimate by `estimate`. */
  function resized(usage: number, estimate: number) {
    const input = plantedInput(plantedLedger({ seed: 3 }));
    const task = 'T-20-0'; // on the last day; tasks `T-*-0` have a token estimate
    const facts = input.tasks.get(task);
    const tasks = new Map(input.tasks);
    tasks.set(task, { labels: facts?.labels ?? {}, estimateTokens: (facts?.estimateTokens ?? 0) * estimate });
    const units = input.units.map((u) =>
      u.task === task
        ? {
            ...u,
            input: u.input * usage,
            output: u.output * usage,
            cacheWrite: u.cacheWrite * usage,
            cacheRead: u.cacheRead * usage,
          }
        : u,
    );
    return {
      task,
      flags: detectAnomalies({ ...input, units, tasks }, T).filter((a) => a.kind === 'task-over-baseline'),
    };
  }

  it('compares tasks with an estimate in tokens per estimated token', () => {
    const { task, flags } = resized(5, 1);
    expect(flags.map((a) => a.subject.task)).toEqual([task]);
    expect(flags[0]?.baseline).toMatchObject({
      metric: 'tokensPerEstimatedToken',
      scaledBy: 'estimate',
      groupedBy: { 'label:category': 'feature' },
    });
    expect(flags[0]?.baseline.median).toBeGreaterThan(0.7);
    expect(flags[0]?.baseline.median).toBeLessThan(1.5);
    // What the baseline predicts for its size, and the overrun in tokens.
    const o = flags[0]?.overrun;
    expect(o?.expected).toBeCloseTo(
      ((flags[0]?.baseline.median ?? 0) * (flags[0]?.evidence.tokens.total ?? 0)) / (flags[0]?.value ?? 1),
      3,
    );
    expect(o?.excess).toBeCloseTo((flags[0]?.evidence.tokens.total ?? 0) - (o?.expected ?? 0), 3);
  });

  it('does not flag a large task whose estimate says it is large', () => {
    expect(resized(5, 5).flags).toEqual([]);
  });
});

describe('baselines', () => {
  const m = (value: number, groups: Record<string, string>[], flaggable = true) => ({
    item: value,
    value,
    groups,
    flaggable,
  });

  it('compares within the most specific group that has enough values, else the next', () => {
    const small = [m(10, [{ stage: 'a' }, {}]), m(11, [{ stage: 'a' }, {}]), m(100, [{ stage: 'a' }, {}])];
    const many = [10, 11, 12, 10, 11, 12].map((v) => m(v, [{ stage: 'b' }, {}], false));
    const [flag] = farAbove([...small, ...many], 'tokens', null, T);
    expect(flag?.value).toBe(100);
    expect(flag?.baseline.groupedBy).toEqual({});
    expect(flag?.baseline.n).toBe(9);
    const within = farAbove(
      [...small, ...many, m(13, [{ stage: 'a' }, {}]), m(12, [{ stage: 'a' }, {}])],
      'tokens',
      null,
      T,
    );
    expect(within.map((j) => [j.value, j.baseline.groupedBy])).toEqual([[100, { stage: 'a' }]]);
  });

  it('judges nothing against a baseline too small, and nothing not flaggable', () => {
    expect(farAbove([m(1, [{}]), m(1, [{}]), m(1, [{}]), m(50, [{}])], 'tokens', null, T)).toEqual([]);
    expect(
      farAbove([1, 1, 1, 1, 1].map((v) => m(v, [{}])).concat([m(50, [{}], false)]), 'tokens', null, T),
    ).toEqual([]);
  });

  it('needs both the score and the ratio', () => {
    // Score far above (a tight baseline), ratio below 2: not flagged.
    const tight = [100, 100, 101, 100, 99, 100, 150].map((v) => m(v, [{}]));
    expect(farAbove(tight, 'tokens', null, T)).toEqual([]);
    expect(farAbove(tight, 'tokens', null, { ...T, minRatio: 1.4 }).map((j) => j.value)).toEqual([150]);
  });
});

describe('the detector list', () => {
  it('runs a new detector as one more entry', () => {
    const extra: Detector = (input) =>
      input.days.slice(0, 1).map((d) => ({
        kind: 'day-over-baseline',
        subject: { date: d.date },
        value: d.tokens,
        baseline: { metric: 'tokens', median: 1, mad: 0, n: 1, groupedBy: {}, scaledBy: null },
        score: 1,
        ratio: d.tokens,
        overrun: null,
        evidence: {
          firstTs: d.startMs,
          lastTs: d.endMs - 1,
          tokens: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0, total: 0 },
          responses: 0,
          sessions: [],
          tasks: [],
          records: [],
          facts: {},
        },
        summary: 'extra',
      }));
    const input = plantedInput(plantedLedger());
    const flags = detectAnomalies(input, T, [...DETECTORS, { kind: 'day-over-baseline', detect: extra }]);
    expect(flags.map((a) => a.summary)).toEqual(['extra']);
  });
});
