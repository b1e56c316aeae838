import { describe, expect, it } from 'vitest';
import { addCost, cell, formatCost, formatCostSum, NO_COST, oneLine, strong } from './format.js';

describe('format', () => {
  it('sums costs, telling complete, partial and unavailable apart', () => {
    expect(formatCostSum(NO_COST)).toBe('$0.00');
    expect(formatCostSum(addCost(addCost(NO_COST, 0.1), 0.2))).toBe('$0.30');
    expect(formatCostSum(addCost(addCost(NO_COST, 0.6), null))).toBe('$0.60 (partial)');
    expect(formatCostSum(addCost(NO_COST, null))).toBe('unavailable');
  });

  it('says what a partial sum leaves out when the missing costs come with their usage', () => {
    // $0.60 known; 5,000 + 2,500 tokens without a cost on haiku, 1,000 on x: 8,500 tokens, 2 models.
    const sum = [
      [0.6, 20_000, 'sonnet'],
      [null, 5_000, 'haiku'],
      [null, 1_000, 'x'],
      [null, 2_500, 'haiku'],
    ] as const;
    const total = sum.reduce((s, [cost, tokens, model]) => addCost(s, cost, { tokens, model }), NO_COST);
    expect(total).toMatchObject({ known: 0.6, count: 4, missing: 3, unpricedTokens: 8_500 });
    expect(total.unpricedModels).toEqual(['haiku', 'x']);
    expect(formatCostSum(total)).toBe('$0.60 (partial: 8,500 tokens unpriced for models haiku, x)');
    expect(formatCostSum(addCost(NO_COST, null, { tokens: 7, model: 'x' }))).toBe('unavailable');
    expect(formatCost(1.5, { totalTokens: 1_234, models: ['opus'] })).toBe(
      '$1.50 (partial: 1,234 tokens unpriced for model opus)',
    );
    expect(formatCost(1.5)).toBe('$1.50');
    expect(formatCost(null, { totalTokens: 1_234, models: ['opus'] })).toBe('unavailable');
  });

  it('puts text on one line and escapes Markdown where it could break', () => {
    expect(oneLine('  a \r\n\r\n  b\u2028c ')).toBe('a b c');
    expect(cell('x|y\\z\nw')).toBe('x\\|y\\\\z w');
    expect(strong('a**b\\')).toBe('**a\\*\\*b\\\\**');
  });
});
