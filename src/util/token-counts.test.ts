import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addTokenCounts,
  cacheHitRate,
  emptyTokenCounts,
  maxTokenCounts,
  type TokenCounts,
  totalTokens,
} from './token-counts.js';

const FIELDS = ['input', 'output', 'cacheWrite', 'cacheWrite1h', 'cacheRead', 'webSearch'] as const;

function counts(...n: [number, number, number, number, number, number]): TokenCounts {
  const [input, output, cacheWrite, cacheWrite1h, cacheRead, webSearch] = n;
  return { input, output, cacheWrite, cacheWrite1h, cacheRead, webSearch };
}

/** Counts of a realistic size: sums of a few stay exact integers. */
const arbCounts: fc.Arbitrary<TokenCounts> = fc.record({
  input: fc.nat(2 ** 40),
  output: fc.nat(2 ** 40),
  cacheWrite: fc.nat(2 ** 40),
  cacheWrite1h: fc.nat(2 ** 40),
  cacheRead: fc.nat(2 ** 40),
  webSearch: fc.nat(2 ** 40),
});

const sum = (...all: TokenCounts[]) => all.reduce((s, t) => addTokenCounts(s, t), emptyTokenCounts());

describe('token counts', () => {
  it('adds and takes the maximum field by field; empty is all zero', () => {
    expect(addTokenCounts(counts(1, 2, 3, 4, 5, 6), counts(1, 1, 1, 1, 1, 1))).toEqual(
      counts(2, 3, 4, 5, 6, 7),
    );
    expect(maxTokenCounts(counts(1, 9, 3, 0, 5, 0), counts(2, 1, 3, 4, 0, 6))).toEqual(
      counts(2, 9, 3, 4, 5, 6),
    );
    expect(emptyTokenCounts()).toEqual(counts(0, 0, 0, 0, 0, 0));
  });

  it('adds into its first argument, keeps its other fields, and leaves the second alone', () => {
    const into = { ...counts(1, 1, 1, 1, 1, 1), responses: 3 };
    const from = counts(1, 2, 3, 4, 5, 6);
    expect(addTokenCounts(into, from)).toBe(into);
    expect(into).toEqual({ ...counts(2, 3, 4, 5, 6, 7), responses: 3 });
    expect(from).toEqual(counts(1, 2, 3, 4, 5, 6));
  });

  it('adding equals the field-wise sums, is commutative and associative, and empty adds nothing', () => {
    fc.assert(
      fc.property(arbCounts, arbCounts, arbCounts, (a, b, c) => {
        for (const f of FIELDS) expect(sum(a, b, c)[f]).toBe(a[f] + b[f] + c[f]);
        expect(sum(a, b)).toEqual(sum(b, a));
        expect(addTokenCounts(sum(a, b), c)).toEqual(addTokenCounts(sum(a), sum(b, c)));
        expect(addTokenCounts({ ...a }, emptyTokenCounts())).toEqual(a);
      }),
    );
  });

  it('the maximum is commutative, associative and idempotent (the order lines arrive in never matters)', () => {
    const max = (...all: TokenCounts[]) => all.reduce((m, t) => maxTokenCounts(m, t), emptyTokenCounts());
    fc.assert(
      fc.property(arbCounts, arbCounts, arbCounts, (a, b, c) => {
        expect(max(a, b)).toEqual(max(b, a));
        expect(maxTokenCounts(max(a, b), c)).toEqual(maxTokenCounts(max(a), max(b, c)));
        expect(max(a, a)).toEqual(a);
      }),
    );
  });

  it('totals input, output, cache writes and cache reads (not web searches, not the 1-hour part twice)', () => {
    expect(totalTokens(counts(1, 20, 300, 100, 4000, 50000))).toBe(4321);
  });

  it('cacheHitRate is read / (read + input), null without either; cache writes do not count', () => {
    expect(cacheHitRate(90, 10)).toBe(0.9);
    expect(cacheHitRate(0, 10)).toBe(0);
    expect(cacheHitRate(10, 0)).toBe(1);
    expect(cacheHitRate(0, 0)).toBeNull();
  });
});
