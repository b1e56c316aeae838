import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatCompact,
  formatCost,
  formatInt,
  formatPercent,
  formatShare,
  formatUnpriced,
  formatUsd,
  formatUsdCents,
  formatUsdPlain,
  groupDigits,
  NOT_AVAILABLE,
  UNAVAILABLE,
} from './format.js';

describe('formatInt', () => {
  it.each([
    [0, '0'],
    [12, '12'],
    [1_234, '1,234'],
    [1_234_567, '1,234,567'],
    [1_234_567_890_123, '1,234,567,890,123'],
    [1234.6, '1,235'],
    [-0.2, '0'],
    [-4_321, '-4,321'],
    [Number.NaN, '—'],
  ])('%d → %s', (n, expected) => {
    expect(formatInt(n)).toBe(expected);
  });
});

describe('formatCompact', () => {
  it.each([
    [0, '0'],
    [12, '12'],
    [999, '999'],
    [999.6, '1.0K'],
    [1_000, '1.0K'],
    [845_300, '845.3K'],
    [999_960, '1.0M'],
    [1_234_567, '1.2M'],
    [2_500_000_000, '2.5B'],
    [3_100_000_000_000, '3.1T'],
    [4_200_000_000_000_000, '4200.0T'],
    [-1_500, '-1.5K'],
    [Number.POSITIVE_INFINITY, '—'],
  ])('%d → %s', (n, expected) => {
    expect(formatCompact(n)).toBe(expected);
  });
});

describe('formatUsd', () => {
  it.each([
    [0, '$0.00'],
    [-0, '$0.00'],
    [0.01, '$0.01'],
    [0.0042, '$0.0042'],
    [0.004237, '$0.0042'],
    [0.00000123, '$0.0000012'],
    [0.5, '$0.50'],
    [1234.561, '$1,234.56'],
    [1_000_000, '$1,000,000.00'],
    [-12.5, '-$12.50'],
    [-0.003, '-$0.0030'],
    [Number.NaN, '—'],
  ])('%d → %s', (n, expected) => {
    expect(formatUsd(n)).toBe(expected);
  });
});

describe('formatPercent', () => {
  it.each([
    [0, '0.0%'],
    [0.8734, '87.3%'],
    [1, '100.0%'],
    [0.0005, '0.1%'],
    [Number.NaN, '—'],
    [undefined, '—'],
    [null, '—'],
  ])('%s → %s', (ratio, expected) => {
    expect(formatPercent(ratio)).toBe(expected);
  });
});

describe('groupDigits (the file formats: every digit kept, no rounding)', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [1234567, '1,234,567'],
    [12345678, '12,345,678'],
    [1234.5, '1,234.5'],
    [-4321, '-4,321'],
  ])('%s → %s', (n, text) => {
    expect(groupDigits(n)).toBe(text);
  });

  it('equals formatInt for every safe integer (the reports round, the files need not)', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.boolean(), (n, negative) => {
        const x = negative ? -n : n;
        expect(groupDigits(x)).toBe(formatInt(x));
      }),
    );
  });
});

describe('formatUsdPlain (the file formats: 2 decimals, 4 below a cent, no grouping)', () => {
  it.each([
    [0, '$0.00'],
    [-0, '$0.00'],
    [1.05, '$1.05'],
    [1.234, '$1.23'],
    [0.0042, '$0.0042'],
    [0.00000123, '$0.0000'],
    [0.01, '$0.01'],
    [1234.5, '$1234.50'],
    [-0.5, '-$0.50'],
    [-0.003, '-$0.0030'],
    [null, 'unavailable'],
  ])('%s → %s', (usd, expected) => {
    expect(formatUsdPlain(usd)).toBe(expected);
  });

  it('differs from formatUsd only in grouping and in what is left below a cent', () => {
    expect([formatUsd(1234.5), formatUsdPlain(1234.5)]).toEqual(['$1,234.50', '$1234.50']);
    expect([formatUsd(0.00000123), formatUsdPlain(0.00000123)]).toEqual(['$0.0000012', '$0.0000']);
  });
});

describe('formatUsdCents (the summary of recorded telemetry: to the cent)', () => {
  it.each([
    [0, '$0.00'],
    [0.004, '<$0.01'],
    [0.005, '$0.01'],
    [0.54, '$0.54'],
    [37.035, '$37.04'],
    [1234.5, '$1234.50'],
  ])('%s → %s', (usd, expected) => {
    expect(formatUsdCents(usd)).toBe(expected);
  });
});

describe('formatPercent with the word for a missing ratio of each output', () => {
  it.each([
    [0.8904, NOT_AVAILABLE, '89.0%'],
    [1, NOT_AVAILABLE, '100.0%'],
    [null, NOT_AVAILABLE, 'n/a'],
    [0.425, UNAVAILABLE, '42.5%'],
    [null, UNAVAILABLE, 'unavailable'],
    [Number.NaN, UNAVAILABLE, 'unavailable'],
  ])('%s with %s → %s', (ratio, missing, expected) => {
    expect(formatPercent(ratio, missing)).toBe(expected);
  });
});

describe('formatShare (whole percents)', () => {
  it.each([
    [0, '0%'],
    [0.001, '<1%'],
    [0.004999, '<1%'],
    [0.005, '1%'],
    [0.6, '60%'],
    [1, '100%'],
  ])('%s → %s', (fraction, expected) => {
    expect(formatShare(fraction)).toBe(expected);
  });
});

describe('formatCost and formatUnpriced', () => {
  it.each([
    [12.345, '$12.35'],
    [0, '$0.00'],
    [null, 'unpriced'],
    [undefined, 'unpriced'],
  ])('%s → %s', (usd, expected) => {
    expect(formatCost(usd)).toBe(expected);
  });

  it('never shows an unpriced cost as a dollar amount', () => {
    expect(formatUnpriced()).not.toMatch(/\$/);
  });
});

describe('formatters agree with Intl.NumberFormat en-US (which they replace to start faster)', () => {
  const usd = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  const usdSmall = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumSignificantDigits: 2,
    maximumSignificantDigits: 2,
  });
  const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const amounts = fc.oneof(
    fc.double({ min: -1e9, max: 1e9, noNaN: true }),
    fc.double({ min: 1e-9, max: 0.02, noNaN: true }),
    fc.integer({ min: -10_000_000, max: 10_000_000 }).map((c) => c / 1000),
  );

  it('formatUsd', () => {
    fc.assert(
      fc.property(amounts, (n) => {
        const abs = Math.abs(n);
        const want = abs > 0 && abs < 0.01 ? usdSmall.format(n) : usd.format(abs === 0 ? 0 : n);
        expect(formatUsd(n)).toBe(want);
      }),
      { numRuns: 5000 },
    );
  });

  it('formatInt', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e15, max: 1e15, noNaN: true }), (n) => {
        const r = Math.round(n);
        expect(formatInt(n)).toBe(int.format(r === 0 ? 0 : r));
      }),
      { numRuns: 5000 },
    );
  });
});
