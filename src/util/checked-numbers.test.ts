import { describe, expect, it } from 'vitest';
import { addTokenCountsChecked, addUsd, showValue } from './checked-numbers.js';
import { emptyTokenCounts } from './token-counts.js';

describe('numbers', () => {
  it('addTokenCountsChecked adds, or throws naming the public field and adds nothing', () => {
    const names = [
      ['input', 'inputTokens'],
      ['cacheRead', 'cacheReadTokens'],
    ] as const;
    const into = { ...emptyTokenCounts(), input: 1, cacheRead: 2 };
    addTokenCountsChecked(
      into,
      { ...emptyTokenCounts(), input: 10, cacheRead: 20, webSearch: 1 },
      names,
      'plan',
    );
    expect(into).toEqual({ ...emptyTokenCounts(), input: 11, cacheRead: 22, webSearch: 1 });
    const big = { ...emptyTokenCounts(), input: 1, cacheRead: Number.MAX_SAFE_INTEGER };
    expect(() => addTokenCountsChecked(into, big, names, 'plan')).toThrow(
      `plan.cacheReadTokens overflows: 22 + ${Number.MAX_SAFE_INTEGER}`,
    );
    expect(into).toEqual({ ...emptyTokenCounts(), input: 11, cacheRead: 22, webSearch: 1 });
  });

  it('addUsd drops float noise', () => {
    expect(addUsd(0.1, 0.2)).toBe(0.3);
  });

  it('showValue prints values for error messages', () => {
    expect([
      showValue(undefined),
      showValue(Number.NaN),
      showValue('x'),
      showValue([]),
      showValue(1n),
    ]).toEqual(['undefined', 'NaN', '"x"', '[]', 'bigint']);
  });
});
