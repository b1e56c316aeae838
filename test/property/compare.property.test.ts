/**
 * Properties of the A/B verdict (`tokenledger compare`): swapping the cohorts mirrors the interval
 * and inverts the verdict; the same seed gives the same interval; a cohort against itself (in any
 * order) never gets a verdict; and the O(n) resampled medians of `bootstrapMedianChange` are exactly
 * those of resampling and sorting (`bootstrapTwoSample` on the same random stream).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareMetric, MIN_TASKS, tasksNeeded } from '../../src/analysis/compare.js';
import { bootstrapMedianChange, bootstrapTwoSample, median } from '../../src/analysis/statistics.js';

/** Per-task values: costs, tokens or counts (positive, with ties). */
const sample = fc.array(
  fc.oneof(fc.integer({ min: 1, max: 50 }), fc.double({ min: 0.01, max: 1e6, noNaN: true })),
  { minLength: 1, maxLength: 60 },
);
const options = fc.record({ seed: fc.nat(), resamples: fc.integer({ min: 100, max: 400 }) });

describe('compare: properties', () => {
  it('swapping A and B mirrors the interval exactly and inverts the verdict', () => {
    fc.assert(
      fc.property(sample, sample, options, (a, b, o) => {
        const ab = compareMetric('cost', a, b, o);
        const ba = compareMetric('cost', b, a, o);
        const flip = { lower: 'higher', higher: 'lower' } as const;
        expect(ba.verdict).toBe(ab.verdict === null ? null : flip[ab.verdict]);
        expect(ba.reason).toBe(ab.reason);
        if (ab.change === null) expect(ba.change).toBeNull();
        else {
          // `+ 0` makes -0 and 0 one value: equal samples give a change of 0 either way round.
          expect((ba.change?.log.low ?? Number.NaN) + 0).toBe(-ab.change.log.high + 0);
          expect((ba.change?.log.high ?? Number.NaN) + 0).toBe(-ab.change.log.low + 0);
          expect((ba.change?.log.estimate ?? Number.NaN) + 0).toBe(-ab.change.log.estimate + 0);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('the same seed gives the same interval', () => {
    fc.assert(
      fc.property(sample, sample, options, (a, b, o) => {
        expect(bootstrapMedianChange(a, b, o)).toEqual(bootstrapMedianChange([...a], [...b], o));
        expect(compareMetric('tokens', a, b, o)).toEqual(compareMetric('tokens', a, b, o));
      }),
      { numRuns: 100 },
    );
  });

  it('identical cohorts, in any order, never get a verdict', () => {
    fc.assert(
      fc.property(sample, fc.nat(), options, (a, shift, o) => {
        const rotated = a.map((_, i) => a[(i + shift) % a.length] ?? 0);
        const r = compareMetric('duration', a, rotated, o);
        expect(r.verdict).toBeNull();
        expect(r.change?.estimate ?? 0).toBe(0);
        expect(r.tasksNeededPerCohort === null || r.tasksNeededPerCohort >= MIN_TASKS).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('resampled medians by counting equal those of resampling and sorting', () => {
    fc.assert(
      fc.property(sample, sample, options, (a, b, o) => {
        const sa = [...a].sort((x, y) => x - y);
        const sb = [...b].sort((x, y) => x - y);
        const fast = bootstrapMedianChange(sa, sb, o);
        // The canonical order resamples the smaller sorted sample first: only compare that case.
        // (Smaller: shorter, else the first differing value is lower — numerically, as the code compares.)
        const firstDiff = sa.findIndex((v, i) => v !== sb[i]);
        const smallerFirst =
          sa.length < sb.length ||
          (sa.length === sb.length && (firstDiff < 0 || (sa[firstDiff] ?? 0) < (sb[firstDiff] ?? 0)));
        fc.pre(smallerFirst && fast !== null);
        const slow = bootstrapTwoSample(
          sa,
          sb,
          (x, y) => {
            const mx = median(x) ?? 0;
            const my = median(y) ?? 0;
            return mx > 0 && my > 0 ? Math.log(my) - Math.log(mx) : null;
          },
          o,
        );
        expect(fast?.log.low).toBe(slow?.low);
        expect(fast?.log.high).toBe(slow?.high);
      }),
      { numRuns: 100 },
    );
  });

  it('a verdict lies on the side of its whole interval, and says how large the change is', () => {
    fc.assert(
      fc.property(sample, sample, options, (a, b, o) => {
        const r = compareMetric('cost', a, b, o);
        if (r.verdict === null) return;
        expect(a.length).toBeGreaterThanOrEqual(MIN_TASKS);
        expect(b.length).toBeGreaterThanOrEqual(MIN_TASKS);
        if (r.verdict === 'lower') expect(r.change?.high ?? 0).toBeLessThan(0);
        else expect(r.change?.low ?? 0).toBeGreaterThan(0);
        expect(r.text).toContain(`${Math.round(Math.abs(r.change?.estimate ?? 0) * 100)}%`);
      }),
      { numRuns: 150 },
    );
  });
});

describe('compare: examples', () => {
  it('a clear 30% saving gets a verdict whose interval contains it', () => {
    const a = Array.from({ length: 40 }, (_, i) => 1 + (i % 10) / 20);
    const b = a.map((x) => x * 0.7);
    const r = compareMetric('cost', a, b, { seed: 3 });
    expect(r.verdict).toBe('lower');
    expect(r.change?.estimate ?? 0).toBeCloseTo(-0.3, 10);
    expect(r.text).toMatch(/^B costs 30% less per task \(95% CI \d+–\d+%, n=40\/40\)\.$/);
  });

  it('too few tasks: no verdict, and at least the minimum is asked for', () => {
    const r = compareMetric('turns', [1, 2], [5, 6, 7], { seed: 1 });
    expect(r.verdict).toBeNull();
    expect(r.reason).toBe('too-few-tasks');
    expect(r.tasksNeededPerCohort ?? 0).toBeGreaterThanOrEqual(MIN_TASKS);
    expect(compareMetric('cost', [], [1], {}).reason).toBe('too-few-tasks');
    expect(compareMetric('cost', [0, 0, 0], [1, 2, 3], {}).reason).toBe('zero-median');
  });

  it('tasks needed: the half-width, shrinking with the square root of the counts, falls below the difference', () => {
    const change = {
      estimate: 0.1,
      low: 0,
      high: 0,
      level: 0.95,
      log: { estimate: 0.1, low: -0.1, high: 0.3, level: 0.95 },
    };
    // h = 0.2, d = 0.1: n = 2·4 ÷ (1/20 + 1/20) = 80.
    expect(tasksNeeded(change, 20, 20)).toBe(80);
    expect(tasksNeeded({ ...change, log: { ...change.log, estimate: 0 } }, 20, 20)).toBeNull();
  });
});
