/**
 * The verdict of `review check`: the wording every verdict shares (`describeChange`), too little
 * data said as such, and saving / no saving / not clear from the bootstrap interval of the change of
 * the median cost per task, the same on every run (seeded).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkVerdict, type WorkSample } from '../../src/analysis/proposal-check.js';
import { describeChange } from '../../src/analysis/statistics.js';

function samples(costs: readonly number[], turns = 6): WorkSample[] {
  return costs.map((cost, i) => ({ task: `T-${i}`, atMs: i, cost, turns: turns + (i % 3) }));
}

/** `n` costs spread evenly around `center` (±20%). */
function around(center: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => center * (0.8 + (0.4 * i) / Math.max(1, n - 1)));
}

describe('describeChange', () => {
  it('words a fall, a rise and an interval across 0', () => {
    expect(
      describeChange('cost per task', { estimate: -0.41, low: -0.55, high: -0.28, level: 0.95 }, 12, 9),
    ).toBe('cost per task fell 41% (95% CI 28–55%, n=12/9)');
    expect(describeChange('cost per task', { estimate: 0.3, low: 0.12, high: 0.5, level: 0.95 }, 5, 6)).toBe(
      'cost per task rose 30% (95% CI 12–50%, n=5/6)',
    );
    expect(
      describeChange('turns per task', { estimate: 0.04, low: -0.1, high: 0.2, level: 0.9 }, 12, 9),
    ).toBe('turns per task rose 4% (90% CI −10% to +20%, n=12/9)');
    expect(describeChange('turns per task', { estimate: 0, low: 0, high: 0, level: 0.95 }, 8, 8)).toBe(
      'turns per task did not change (95% CI 0–0%, n=8/8)',
    );
  });
});

describe('checkVerdict', () => {
  it('says when there is too little data', () => {
    const v = checkVerdict(samples(around(1, 4)), samples(around(0.5, 8)));
    expect(v.status).toBe('too_little_data');
    expect(v.cost).toBeNull();
    expect(v.text).toBe(
      'too little data to tell: n=4/8 priced tasks before/after (at least 5 on each side are needed).',
    );
  });

  it('finds the saving when the whole interval is below 0, the same on every run', () => {
    const before = samples(around(1, 12));
    const after = samples(around(0.6, 9));
    const v = checkVerdict(before, after);
    expect(v.status).toBe('saving');
    expect(v.cost?.estimate).toBeCloseTo(-0.4, 10);
    expect(v.cost?.high ?? 0).toBeLessThan(0);
    expect(v.before).toEqual({ tasks: 12, medianCost: 1, medianTurns: 7 });
    expect(v.text).toMatch(
      /^cost per task fell 40% \(95% CI \d+–\d+%, n=12\/9\); turns per task .*: the saving happened\.$/,
    );
    expect(checkVerdict(before, after)).toEqual(v);
  });

  it('finds no saving when the work costs more, and is not sure when it costs the same', () => {
    expect(checkVerdict(samples(around(1, 8)), samples(around(1.5, 8))).status).toBe('no_saving');
    const same = checkVerdict(samples(around(1, 8)), samples(around(1, 8).reverse()));
    expect(same.status).toBe('inconclusive');
    expect(same.cost?.low ?? 0).toBeLessThan(0);
    expect(same.cost?.high ?? 0).toBeGreaterThan(0);
    expect(same.text).toContain('not clear yet');
  });

  it('leaves unpriced tasks out of the cost comparison', () => {
    const before = [...samples(around(1, 5)), { task: 'X', atMs: 9, cost: null, turns: 3 }];
    const v = checkVerdict(before, samples(around(0.5, 5)));
    expect(v.before.tasks).toBe(6);
    expect(v.text).toMatch(/n=5\/5\)/);
  });
});

describe('checkVerdict (properties)', () => {
  const costs = fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 5, maxLength: 15 });

  it('sees the saving when every task after costs under half of the cheapest before, and none when over twice the dearest', () => {
    fc.assert(
      fc.property(costs, costs, (before, after) => {
        const low = Math.min(...before);
        const high = Math.max(...before);
        const cheaper = checkVerdict(samples(before), samples(after.map((c) => (c / 101) * low * 0.5)));
        expect(cheaper.status).toBe('saving');
        expect(cheaper.cost?.high ?? 0).toBeLessThan(-0.5);
        const dearer = checkVerdict(samples(before), samples(after.map((c) => high * 2 + c)));
        expect(dearer.status).toBe('no_saving');
        expect(dearer.cost?.low ?? 0).toBeGreaterThan(1);
      }),
      { numRuns: 50 },
    );
  });

  it('gives an ordered interval and counts every task', () => {
    fc.assert(
      fc.property(costs, costs, (before, after) => {
        const v = checkVerdict(samples(before), samples(after));
        const c = v.cost;
        if (c === null) return;
        expect(c.low).toBeLessThanOrEqual(c.high);
        expect(v.before.tasks).toBe(before.length);
      }),
      { numRuns: 50 },
    );
  });
});
