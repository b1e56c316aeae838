/**
 * The group totals of `tokenledger variance`: each token counts once, for the nearest task with a
 * token estimate; a plan's estimate counts less its estimated parts'; tasks with no usage yet stay
 * out of the totals and the median.
 */
import { describe, expect, it } from 'vitest';
import { median } from '../../src/analysis/statistics.js';
import {
  type GroupMember,
  type ShareTask,
  tokenShares,
  varianceGroup,
} from '../../src/analysis/variance-groups.js';

const task = (
  id: string,
  parentId: string | null,
  estimateTokens: number | null,
  ownTokens: number,
): ShareTask => ({ id, parentId, estimateTokens, ownTokens });

describe('tokenShares', () => {
  it('a plan with an estimate and its estimated part: the part’s tokens count for the part only', () => {
    const shares = tokenShares([task('PLAN', null, 2_000_000, 0), task('T-3', 'PLAN', 40_000, 76_022)]);
    expect(Object.fromEntries(shares)).toEqual({
      PLAN: { tokens: 0, estimate: 1_960_000 },
      'T-3': { tokens: 76_022, estimate: 40_000 },
    });
  });

  it('tokens of a part without an estimate count for the nearest estimated task above it', () => {
    const shares = tokenShares([
      task('PLAN', null, 1000, 5),
      task('SEC', 'PLAN', null, 7),
      task('T', 'SEC', null, 11),
      task('E', 'SEC', 100, 13),
      task('E1', 'E', null, 17),
    ]);
    expect(Object.fromEntries(shares)).toEqual({
      PLAN: { tokens: 5 + 7 + 11, estimate: 900 },
      E: { tokens: 13 + 17, estimate: 100 },
    });
  });

  it('usage with no estimated task above it is in no share', () => {
    const shares = tokenShares([task('A', null, null, 50), task('B', 'A', null, 60), task('C', null, 10, 1)]);
    expect(Object.fromEntries(shares)).toEqual({ C: { tokens: 1, estimate: 10 } });
  });

  it('an estimated part with no usage yet keeps its estimate out of the plan’s and out of the shares', () => {
    const shares = tokenShares([
      task('PLAN', null, 1000, 0),
      task('DONE', 'PLAN', 300, 400),
      task('NOT-YET', 'PLAN', 200, 0),
    ]);
    expect(Object.fromEntries(shares)).toEqual({
      PLAN: { tokens: 0, estimate: 700 },
      DONE: { tokens: 400, estimate: 300 },
    });
  });

  it('a plan whose parts’ estimates exceed its own counts an estimate of 0, never less', () => {
    const shares = tokenShares([
      task('PLAN', null, 100, 3),
      task('A', 'PLAN', 80, 1),
      task('B', 'PLAN', 70, 1),
    ]);
    expect(shares.get('PLAN')).toEqual({ tokens: 3, estimate: 0 });
  });

  it('nested estimates subtract only from the nearest estimated task above', () => {
    const shares = tokenShares([task('P', null, 1000, 1), task('S', 'P', 400, 1), task('T', 'S', 100, 1)]);
    expect(Object.fromEntries(shares)).toEqual({
      P: { tokens: 1, estimate: 600 },
      S: { tokens: 1, estimate: 300 },
      T: { tokens: 1, estimate: 100 },
    });
  });

  it('a parent id the ledger does not hold and a cycle in the parent links end the walk', () => {
    const shares = tokenShares([
      task('A', 'B', 10, 5),
      task('B', 'A', 20, 7),
      task('C', 'MISSING', null, 9),
      task('D', 'C', 30, 1),
    ]);
    const tokens = [...shares.values()].reduce((n, s) => n + s.tokens, 0);
    expect(tokens).toBe(5 + 7 + 1);
    expect(shares.get('D')).toEqual({ tokens: 1, estimate: 30 });
  });
});

describe('varianceGroup', () => {
  const member = (o: Partial<GroupMember>): GroupMember => ({
    share: null,
    ratio: null,
    noUsageYet: false,
    overrun: false,
    ...o,
  });

  it('sums the shares, takes the median of the tasks’ own ratios, counts no-usage tasks apart', () => {
    const g = varianceGroup('bug', [
      member({ share: { tokens: 2000, estimate: 1000 }, ratio: 2 }),
      member({ share: { tokens: 5000, estimate: 1000 }, ratio: 5, overrun: true }),
      member({ share: { tokens: 0, estimate: 500 }, ratio: 0.4 }),
      member({ noUsageYet: true }),
    ]);
    expect(g).toEqual({
      group: 'bug',
      tasks: 4,
      noUsageYet: 1,
      estimatedTokens: 2500,
      actualTokens: 7000,
      ratio: 2.8,
      medianMultiplier: 2,
      overruns: 1,
    });
  });

  it('a group with only tasks that have no usage yet has no ratio and no median', () => {
    expect(varianceGroup('x', [member({ noUsageYet: true })])).toMatchObject({
      tasks: 1,
      noUsageYet: 1,
      estimatedTokens: 0,
      actualTokens: 0,
      ratio: null,
      medianMultiplier: null,
    });
  });

  it('median of an even count is the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
