import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prettyJsonChunks } from './pretty-json-chunks.js';

const joined = (value: unknown, splitDepth: number) => [...prettyJsonChunks(value, splitDepth)].join('');

describe('prettyJsonChunks', () => {
  it('property: the pieces join to JSON.stringify(value, null, 2), however deep it splits', () => {
    const values = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(
        fc.string(),
        fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.date({ noInvalidDate: true })),
      ),
      fc.array(
        fc.oneof(
          fc.jsonValue(),
          fc.constant(undefined),
          fc.constant(() => 1),
        ),
      ),
    );
    fc.assert(
      fc.property(values, fc.integer({ min: 0, max: 6 }), (value, splitDepth) => {
        expect(joined(value, splitDepth)).toBe(JSON.stringify(value, null, 2));
      }),
      { numRuns: 500 },
    );
  });

  it('writes a report shape as JSON.stringify does: nested rows, empty ones, toJSON, skipped fields', () => {
    const report = {
      rows: [
        { day: '2026-12-01', tokens: 12, models: ['a', 'b'], note: undefined, at: new Date(0) },
        { day: '2026-12-02', tokens: 0, models: [], extra: {} },
      ],
      totals: { tokens: 12, unpriced: [] },
      meta: { text: 'line\nbreak "quoted"', n: null },
    };
    for (const depth of [0, 1, 2, 3, 9]) expect(joined(report, depth)).toBe(JSON.stringify(report, null, 2));
    expect([...prettyJsonChunks(report, 3)].length).toBeGreaterThan(10);
    // toJSON is applied once: an object it returns is written as it is, its own toJSON left alone.
    const inner = { k: 1, toJSON: () => 'inner' };
    const outer = { a: { toJSON: () => inner }, b: [{ toJSON: () => inner }] };
    for (const depth of [0, 1, 2, 3]) expect(joined(outer, depth)).toBe(JSON.stringify(outer, null, 2));
    expect(joined({ toJSON: () => inner }, 0)).toBe(JSON.stringify({ toJSON: () => inner }, null, 2));
  });
});
