import { describe, expect, it } from 'vitest';
import { addUsd, cacheHitRate, formatPercent, formatUsd, groupDigits, showValue } from './numbers.js';

describe('numbers', () => {
  it('cacheHitRate is read / (read + input), null without either', () => {
    expect(cacheHitRate(90, 10)).toBe(0.9);
    expect(cacheHitRate(0, 10)).toBe(0);
    expect(cacheHitRate(0, 0)).toBeNull();
  });

  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [12345678, '12,345,678'],
    [1234.5, '1,234.5'],
  ])('groupDigits(%s) = %s', (n, text) => {
    expect(groupDigits(n)).toBe(text);
  });

  it('formats dollars and percentages', () => {
    expect([formatUsd(0), formatUsd(1.234), formatUsd(0.0042), formatUsd(0.01)]).toEqual([
      '$0.00',
      '$1.23',
      '$0.0042',
      '$0.01',
    ]);
    expect([formatPercent(0.8904), formatPercent(1), formatPercent(null)]).toEqual([
      '89.0%',
      '100.0%',
      'n/a',
    ]);
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
