import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../util/prng.js';
import {
  bootstrapTwoSample,
  median,
  medianAbsoluteDeviation,
  medianChange,
  quantile,
  robustScore,
} from './statistics.js';

describe('quantiles and the median', () => {
  it('interpolates between order statistics', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.8)).toBe(42);
    expect(quantile([7], 0.9)).toBe(7);
  });

  it('a quantile lies between the minimum and the maximum and grows with q', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, q) => {
          const v = quantile(xs, q) ?? Number.NaN;
          expect(v).toBeGreaterThanOrEqual(Math.min(...xs));
          expect(v).toBeLessThanOrEqual(Math.max(...xs));
          expect(quantile(xs, Math.min(1, q + 0.1)) ?? Number.NaN).toBeGreaterThanOrEqual(v);
        },
      ),
    );
  });
});

describe('robust baselines', () => {
  it('scores an outlier far above and a typical value near zero', () => {
    const baseline = [100, 110, 90, 105, 95, 100, 102];
    expect(medianAbsoluteDeviation(baseline)).toBe(5);
    expect(robustScore(100, baseline)).toBe(0);
    expect(robustScore(1000, baseline) ?? 0).toBeGreaterThan(100);
    expect(robustScore(1, [])).toBeNull();
  });

  it('does not divide by zero when every baseline value is equal', () => {
    const score = robustScore(200, [100, 100, 100]);
    expect(score).toBe(100);
  });
});

describe('seeded bootstrap', () => {
  it('is reproducible for a seed and covers a clear difference', () => {
    const prng = new Prng(42);
    const random = () => prng.next();
    const a = Array.from({ length: 40 }, () => 100 + random() * 20);
    const b = Array.from({ length: 40 }, () => 60 + random() * 20);
    const first = bootstrapTwoSample(a, b, medianChange, { seed: 7 });
    const again = bootstrapTwoSample(a, b, medianChange, { seed: 7 });
    expect(first).toEqual(again);
    expect(first?.estimate ?? 0).toBeCloseTo(-0.364, 1);
    expect(first?.high ?? 0).toBeLessThan(0);
    expect(first?.low ?? 0).toBeLessThan(first?.estimate ?? 0);
  });

  it('spans zero when the two samples hold the same values', () => {
    const prng = new Prng(3);
    const random = () => prng.next();
    const a = Array.from({ length: 30 }, () => 100 + random() * 50);
    const b = [...a].reverse();
    const ci = bootstrapTwoSample(a, b, medianChange);
    expect(ci?.low ?? 0).toBeLessThan(0);
    expect(ci?.high ?? 0).toBeGreaterThan(0);
  });

  it('gives nothing for an empty sample or an undefined statistic', () => {
    expect(bootstrapTwoSample([], [1], medianChange)).toBeNull();
    expect(bootstrapTwoSample([0, 0], [1], medianChange)).toBeNull();
  });
});
