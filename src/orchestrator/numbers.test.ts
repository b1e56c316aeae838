import { describe, expect, it } from 'vitest';
import { addUsd, showValue } from './numbers.js';

describe('numbers', () => {
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
