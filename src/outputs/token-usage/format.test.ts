import { describe, expect, it } from 'vitest';
import {
  addCost,
  cell,
  formatCostSum,
  formatDollars,
  formatRate,
  formatShare,
  formatTokens,
  NO_COST,
  oneLine,
  strong,
} from './format.js';

describe('format', () => {
  it('formats tokens, dollars, shares and rates', () => {
    expect([formatTokens(0), formatTokens(999), formatTokens(1234567)]).toEqual(['0', '999', '1,234,567']);
    expect([
      formatDollars(0),
      formatDollars(1.05),
      formatDollars(0.0042),
      formatDollars(-0.5),
      formatDollars(null),
    ]).toEqual(['$0.00', '$1.05', '$0.0042', '-$0.50', 'unavailable']);
    expect([formatShare(0), formatShare(0.001), formatShare(0.6), formatShare(1)]).toEqual([
      '0%',
      '<1%',
      '60%',
      '100%',
    ]);
    expect([formatRate(0.425), formatRate(null)]).toEqual(['42.5%', 'unavailable']);
  });

  it('sums costs, telling complete, partial and unavailable apart', () => {
    expect(formatCostSum(NO_COST)).toBe('$0.00');
    expect(formatCostSum(addCost(addCost(NO_COST, 0.1), 0.2))).toBe('$0.30');
    expect(formatCostSum(addCost(addCost(NO_COST, 0.6), null))).toBe('$0.60 (partial)');
    expect(formatCostSum(addCost(NO_COST, null))).toBe('unavailable');
  });

  it('puts text on one line and escapes Markdown where it could break', () => {
    expect(oneLine('  a \r\n\r\n  b\u2028c ')).toBe('a b c');
    expect(cell('x|y\\z\nw')).toBe('x\\|y\\\\z w');
    expect(strong('a**b\\')).toBe('**a\\*\\*b\\\\**');
  });
});
