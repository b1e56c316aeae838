/**
 * Tests for the pricer: Claude Code's own figures, tiers, fast mode, geography, web search,
 * overrides, dated prices, and linearity.
 * @module
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RateOverride } from '../config/config.js';
import { configFile } from '../config/paths.js';
import { UserError } from '../errors.js';
import type { PricingKey } from '../ledger/usage-sums.js';
import type { TokenCounts } from '../util/token-counts.js';
import { createPricer, createPricerFromTable } from './create-pricer.js';
import { loadPriceTable, parsePriceTable } from './price-table.js';

const table = loadPriceTable();
const pricer = createPricer();
/** A time after every price in the table. */
const NOW = Date.parse('2026-11-22T04:56:00Z');

function tokens(partial: Partial<TokenCounts>): TokenCounts {
  return { input: 0, output: 0, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0, ...partial };
}

function key(model: string, partial: Partial<Omit<PricingKey, 'model'>> = {}): PricingKey {
  return { model, sizeClass: 0, speed: '', geo: '', ...partial };
}

/** Token fields that are each priced at one rate. */
const PER_KIND: (keyof TokenCounts)[] = ['input', 'cacheWrite', 'cacheRead', 'output', 'webSearch'];

/** One million tokens of each kind, separately: the five rates in a row. */
function rateRow(model: string, partial: Partial<Omit<PricingKey, 'model'>> = {}): (number | null)[] {
  const k = key(model, partial);
  return [
    pricer.cost(k, tokens({ input: 1e6 }), NOW),
    pricer.cost(k, tokens({ cacheWrite: 1e6 }), NOW),
    pricer.cost(k, tokens({ cacheWrite: 1e6, cacheWrite1h: 1e6 }), NOW),
    pricer.cost(k, tokens({ cacheRead: 1e6 }), NOW),
    pricer.cost(k, tokens({ output: 1e6 }), NOW),
  ];
}

function expectRow(got: (number | null)[], expected: number[]): void {
  expect(got).toHaveLength(expected.length);
  got.forEach((value, i) => {
    expect(value).toBeCloseTo(expected[i] ?? Number.NaN, 12);
  });
}

describe("Claude Code's own figures", () => {
  it.each<[string, string, Partial<TokenCounts>, number]>([
    // FINDINGS §4, scenarios/multi-turn-cache.json prompt 0 = calls p0-call1-tool + p0-call2-final.
    [
      'sonnet-4.5 multi-turn prompt 0',
      'claude-sonnet-4-5-20250929',
      { input: 50 + 20, output: 40 + 25, cacheWrite: 12000 + 150, cacheRead: 0 + 12000 },
      0.0503475,
    ],
    // FINDINGS §4, scenarios/subagent.json call sub-1.
    [
      'haiku-4.5 subagent',
      'claude-haiku-4-5-20251001',
      { input: 300, output: 20, cacheWrite: 4000, cacheRead: 0 },
      0.0054,
    ],
    // FINDINGS §4 single turn, modelUsage key `claude-opus-4-8[1m]`.
    [
      'opus-4.8 single turn',
      'claude-opus-4-8[1m]',
      { input: 1234, output: 56, cacheWrite: 2000, cacheRead: 300 },
      0.02022,
    ],
    [
      'opus-5.5 single turn',
      'claude-opus-5-5',
      { input: 1234, output: 56, cacheWrite: 2000, cacheRead: 300 },
      0.016116,
    ],
    [
      '1e6 1h cache writes on sonnet',
      'claude-sonnet-4-5-20250929',
      { cacheWrite: 1e6, cacheWrite1h: 1e6 },
      6,
    ],
    // FORMATS §1.6 cost-state.
    [
      'cost-state',
      'claude-sonnet-4-5-20250929',
      { input: 65, output: 215, cacheRead: 1500, cacheWrite: 15007, cacheWrite1h: 7 },
      0.060162,
    ],
    // FORMATS §3.1 result modelUsage.
    [
      'headless result',
      'claude-sonnet-4-5-20250929',
      { input: 50, output: 170, cacheRead: 1000, cacheWrite: 10007, cacheWrite1h: 7 },
      0.040541999999999995,
    ],
  ])('%s: %s → %d', (_name, model, counts, expected) => {
    expect(pricer.cost(key(model), tokens(counts), NOW)).toBeCloseTo(expected, 12);
  });

  it('prices multi-turn prompt 0 call by call to the same total', () => {
    const k = key('claude-sonnet-4-5-20250929');
    const call1 = pricer.cost(k, tokens({ input: 50, output: 40, cacheWrite: 12000 }), NOW) ?? Number.NaN;
    const call2 =
      pricer.cost(k, tokens({ input: 20, output: 25, cacheWrite: 150, cacheRead: 12000 }), NOW) ?? Number.NaN;
    expect(call1 + call2).toBeCloseTo(0.0503475, 12);
  });
});

describe('every model in the table', () => {
  it.each(
    [...table.byId.values()]
      .map((list) => list.at(-1)!)
      .map(
        (m) =>
          [
            m.id,
            [m.rates.input, m.rates.cacheWrite5m, m.rates.cacheWrite1h, m.rates.cacheRead, m.rates.output],
          ] as const,
      ),
  )('%s resolves and prices its five rates', (id, rates) => {
    expect(pricer.resolve(id)).toEqual({ canonical: id, from: 'table' });
    expectRow(rateRow(id), [...rates]);
  });
});

describe('model resolution', () => {
  it.each([
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
    ['anthropic.claude-3-haiku-20240307-v1:0', 'claude-3-haiku'],
    ['claude-opus-4-8[1m]', 'claude-opus-4-8'],
    ['claude-sonnet-5-5', 'claude-sonnet-5-5'],
  ])('%s → %s', (model, canonical) => {
    expect(pricer.resolve(model)).toEqual({ canonical, from: 'table' });
  });

  it('prices claude-sonnet-5-5 as itself, not as claude-sonnet-5 (cache read 0.10, not 0.20)', () => {
    expect(pricer.cost(key('claude-sonnet-5-5'), tokens({ cacheRead: 1e6 }), NOW)).toBeCloseTo(0.1, 12);
    expect(pricer.cost(key('claude-sonnet-5'), tokens({ cacheRead: 1e6 }), NOW)).toBeCloseTo(0.2, 12);
  });

  it.each([
    'my-custom-model-x',
    'claude-sonnet-9',
    'claude-sonnet-5-5-1',
    'gpt-5',
    '<synthetic>',
    '',
  ])('%j is unpriced: null from resolve and cost, never 0', (model) => {
    expect(pricer.resolve(model)).toBeNull();
    expect(pricer.cost(key(model), tokens({}), NOW)).toBeNull();
    expect(pricer.cost(key(model), tokens({ input: 1000, webSearch: 2 }), NOW)).toBeNull();
  });
});

describe('prompt-size tiers', () => {
  const LONG = [6, 7.5, 12, 0.6, 22.5];
  const SONNET = [3, 3.75, 6, 0.3, 15];
  const HAIKU55 = [0.1, 0.125, 0.2, 0.01, 0.5];
  const HAIKU55_LONG = [0.5, 0.625, 1, 0.05, 2.5];

  it.each<[string, 0 | 1 | 2, number[]]>([
    ['claude-sonnet-4-5-20250929', 0, SONNET],
    ['claude-sonnet-4-5-20250929', 1, SONNET],
    ['claude-sonnet-4-5-20250929', 2, LONG],
    ['claude-sonnet-4-20250514', 1, SONNET],
    ['claude-sonnet-4-20250514', 2, LONG],
    ['claude-sonnet-4-6', 2, SONNET],
    ['claude-opus-4-6', 2, [5, 6.25, 10, 0.5, 25]],
    ['claude-haiku-5-5', 0, HAIKU55],
    ['claude-haiku-5-5', 1, HAIKU55_LONG],
    ['claude-haiku-5-5', 2, HAIKU55_LONG],
  ])('%s at size class %d', (model, sizeClass, expected) => {
    expectRow(rateRow(model, { sizeClass }), expected);
  });

  it('reprices the whole long-context request on Sonnet 4.5, every token kind included', () => {
    const request = tokens({
      input: 10,
      output: 2000,
      cacheWrite: 5000,
      cacheWrite1h: 1000,
      cacheRead: 250000,
    });
    // (10·6 + 4000·7.5 + 1000·12 + 250000·0.6 + 2000·22.5) / 1e6
    expect(pricer.cost(key('claude-sonnet-4-5', { sizeClass: 2 }), request, NOW)).toBeCloseTo(0.23706, 12);
    // (10·3 + 4000·3.75 + 1000·6 + 250000·0.3 + 2000·15) / 1e6
    expect(pricer.cost(key('claude-sonnet-4-5', { sizeClass: 1 }), request, NOW)).toBeCloseTo(0.12603, 12);
  });
});

describe('fast mode', () => {
  const FAST = [10, 12.5, 20, 1, 50];

  it.each<[string, string, number[]]>([
    ['claude-opus-4-8', 'fast', FAST],
    ['claude-opus-4-8[1m]', 'FAST', FAST],
    ['claude-opus-5', 'fast', FAST],
    ['claude-opus-5', 'standard', [5, 6.25, 10, 0.5, 25]],
    ['claude-opus-5', '', [5, 6.25, 10, 0.5, 25]],
  ])('%s with speed %j', (model, speed, expected) => {
    expectRow(rateRow(model, { speed }), expected);
  });

  it('prices the FINDINGS single turn in fast mode on Opus 4.8', () => {
    const single = tokens({ input: 1234, output: 56, cacheWrite: 2000, cacheRead: 300 });
    // (1234·10 + 2000·12.5 + 300·1 + 56·50) / 1e6
    expect(pricer.cost(key('claude-opus-4-8', { speed: 'fast' }), single, NOW)).toBeCloseTo(0.04044, 12);
  });
});

describe('US-only inference (inference_geo "us")', () => {
  const single = tokens({ input: 1234, output: 56, cacheWrite: 2000, cacheRead: 300 });

  it.each<[string, string, string, number]>([
    ['claude-opus-4-6', '', '', 0.02022],
    ['claude-opus-4-6', 'us', '', 0.02022 * 1.1],
    ['claude-opus-4-6', 'US', '', 0.02022 * 1.1],
    ['claude-opus-4-6', 'eu', '', 0.02022],
    ['claude-opus-5-5', 'us', '', 0.016116 * 1.1],
    ['claude-opus-5', 'us', 'fast', 0.04044 * 1.1],
    ['claude-sonnet-4-6', 'us', '', ((1234 * 3 + 2000 * 3.75 + 300 * 0.3 + 56 * 15) / 1e6) * 1.1],
    ['claude-sonnet-4-5', 'us', '', (1234 * 3 + 2000 * 3.75 + 300 * 0.3 + 56 * 15) / 1e6],
    ['claude-haiku-4-5', 'us', '', (1234 * 1 + 2000 * 1.25 + 300 * 0.1 + 56 * 5) / 1e6],
  ])('%s geo %j speed %j', (model, geo, speed, expected) => {
    expect(pricer.cost(key(model, { geo, speed }), single, NOW)).toBeCloseTo(expected, 12);
  });

  it('does not apply the multiplier to web search requests', () => {
    expect(pricer.cost(key('claude-opus-4-6', { geo: 'us' }), tokens({ webSearch: 10 }), NOW)).toBeCloseTo(
      0.1,
      12,
    );
  });
});

describe('web search', () => {
  it.each<[string, Partial<TokenCounts>, number]>([
    ['claude-sonnet-4-5', { webSearch: 1 }, 0.01],
    ['claude-sonnet-4-5', { webSearch: 1000 }, 10],
    ['claude-haiku-4-5', { input: 1000, webSearch: 3 }, 0.001 + 0.03],
  ])('%s %j → %d', (model, counts, expected) => {
    expect(pricer.cost(key(model), tokens(counts), NOW)).toBeCloseTo(expected, 12);
  });
});

describe('overrides', () => {
  const gateway: Record<string, RateOverride> = { 'my-gateway-model': { input: 1, output: 5 } };

  it.each<[string, Record<string, RateOverride>, string, string, number[]]>([
    ['an unknown model', gateway, 'my-gateway-model', 'my-gateway-model', [1, 1.25, 2, 0.1, 5]],
    ['an unknown model, any case', gateway, 'My-Gateway-Model', 'my-gateway-model', [1, 1.25, 2, 0.1, 5]],
    [
      'a table model by canonical id, for every spelling of it',
      { 'claude-sonnet-4-5': { input: 2, output: 8, cacheWrite5m: 2.2, cacheWrite1h: 3.3, cacheRead: 0.4 } },
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'claude-sonnet-4-5',
      [2, 2.2, 3.3, 0.4, 8],
    ],
    [
      'a table model by exact raw id',
      { 'claude-opus-4-6-20260101': { input: 7, output: 30, cacheRead: 0.2 } },
      'claude-opus-4-6-20260101',
      'claude-opus-4-6',
      [7, 8.75, 14, 0.2, 30],
    ],
    [
      'the raw id before the canonical id',
      { 'claude-haiku-4-5': { input: 1, output: 1 }, 'claude-haiku-4-5-20251001': { input: 2, output: 2 } },
      'claude-haiku-4-5-20251001',
      'claude-haiku-4-5',
      [2, 2.5, 4, 0.2, 2],
    ],
  ])('price %s', (_name, overrides, model, canonical, expected) => {
    const p = createPricer(overrides);
    expect(p.resolve(model)).toEqual({ canonical, from: 'override' });
    const k = key(model);
    expectRow(
      [
        p.cost(k, tokens({ input: 1e6 }), NOW),
        p.cost(k, tokens({ cacheWrite: 1e6 }), NOW),
        p.cost(k, tokens({ cacheWrite: 1e6, cacheWrite1h: 1e6 }), NOW),
        p.cost(k, tokens({ cacheRead: 1e6 }), NOW),
        p.cost(k, tokens({ output: 1e6 }), NOW),
      ],
      expected,
    );
  });

  it('leaves other models to the table', () => {
    const p = createPricer({ 'claude-sonnet-4-5': { input: 100, output: 100 } });
    expect(p.resolve('claude-sonnet-4-6')).toEqual({ canonical: 'claude-sonnet-4-6', from: 'table' });
    expect(p.cost(key('claude-sonnet-4-6'), tokens({ input: 1e6 }), NOW)).toBeCloseTo(3, 12);
  });

  it('does not override a raw id that only shares a prefix', () => {
    const p = createPricer({ 'claude-sonnet-5': { input: 100, output: 100 } });
    expect(p.resolve('claude-sonnet-5-5')).toEqual({ canonical: 'claude-sonnet-5-5', from: 'table' });
  });

  it('applies flat rates: no tier or geo multiplier', () => {
    const p = createPricer({ 'claude-opus-4-8': { input: 1, output: 1 } });
    const k = key('claude-opus-4-8', { sizeClass: 2, geo: 'us' });
    expect(p.cost(k, tokens({ input: 1e6, webSearch: 1 }), NOW)).toBeCloseTo(1.01, 12);
  });

  it.each<[string, Record<string, RateOverride> | undefined, RegExp]>([
    ['no overrides', undefined, /^anthropic-2026-11-20\.2$/],
    ['empty overrides', {}, /^anthropic-2026-11-20\.2$/],
    ['one override', gateway, /^anthropic-2026-11-20\.2\+overrides:[0-9a-f]{8}$/],
  ])('version with %s', (_name, overrides, expected) => {
    expect(createPricer(overrides).version).toMatch(expected);
  });

  it('changes the version when a rate changes, not when the key order does', () => {
    const a = { x: { input: 1, output: 2 }, y: { input: 3, output: 4 } };
    const b = { y: { input: 3, output: 4 }, x: { input: 1, output: 2 } };
    const c = { x: { input: 1, output: 2 }, y: { input: 3, output: 4.5 } };
    expect(createPricer(a).version).toBe(createPricer(b).version);
    expect(createPricer(a).version).not.toBe(createPricer(c).version);
  });

  it.each<[string, Record<string, RateOverride>]>([
    ['a negative rate', { m: { input: -1, output: 1 } }],
    ['a NaN rate', { m: { input: 1, output: Number.NaN } }],
    ['two keys for one model', { 'Model-A': { input: 1, output: 1 }, 'model-a': { input: 2, output: 2 } }],
  ])('rejects %s', (_name, overrides) => {
    expect(() => createPricer(overrides)).toThrow(UserError);
  });
});

describe('version, source and hint', () => {
  it('names the table source and date', () => {
    expect(pricer.version).toBe('anthropic-2026-11-20.2');
    expect(pricer.source).toContain(table.source);
    expect(pricer.source).toContain('2026-11-20');
  });

  it.each(['my-custom-model-x', 'weird "model"\nname'])('gives a one-line hint for %j', (model) => {
    const hint = pricer.unpricedHint(model);
    expect(hint).not.toContain('\n');
    expect(hint).toContain(configFile());
    expect(hint).toContain(JSON.stringify(model));
    expect(hint).toMatch(/"pricing": \{"overrides": \{/);
    expect(hint).toMatch(/"input".*"output".*"cacheWrite5m".*"cacheWrite1h".*"cacheRead"/);
    expect(hint).toContain('USD per million tokens');
  });
});

describe('dated prices (validFrom)', () => {
  const rates = (input: number) => ({
    input,
    cacheWrite5m: input * 1.25,
    cacheWrite1h: input * 2,
    cacheRead: input / 10,
    output: input * 5,
  });
  const dated = createPricerFromTable(
    parsePriceTable({
      version: 'dated-1',
      source: 'test',
      date: '2026-01-01',
      currency: 'USD',
      unit: 'per million tokens',
      webSearchPerRequest: 0.01,
      models: [
        { id: 'claude-x', name: 'X', source: 'test', validFrom: '2025-06-01', rates: rates(2) },
        { id: 'claude-x', name: 'X', source: 'test', validFrom: '2024-01-01', rates: rates(1) },
        { id: 'claude-x', name: 'X', source: 'test', validFrom: '2026-01-01', rates: rates(3) },
      ],
    }),
  );

  it.each([
    ['2023-05-01T00:00:00Z', 1],
    ['2024-01-01T00:00:00Z', 1],
    ['2025-05-31T23:59:59Z', 1],
    ['2025-06-01T00:00:00Z', 2],
    ['2025-12-31T12:00:00Z', 2],
    ['2026-01-01T00:00:00Z', 3],
    ['2030-01-01T00:00:00Z', 3],
  ])('at %s the input rate is %d', (at, expected) => {
    expect(dated.cost(key('claude-x-20250101'), tokens({ input: 1e6 }), Date.parse(at))).toBeCloseTo(
      expected,
      12,
    );
  });
});

describe('linearity: the cost of a sum is the sum of the costs for one key', () => {
  const tokenArb = fc
    .record({
      input: fc.nat(2_000_000),
      output: fc.nat(200_000),
      cacheWrite5m: fc.nat(2_000_000),
      cacheWrite1h: fc.nat(2_000_000),
      cacheRead: fc.nat(5_000_000),
      webSearch: fc.nat(20),
    })
    .map(
      (t): TokenCounts => ({
        input: t.input,
        output: t.output,
        cacheWrite: t.cacheWrite5m + t.cacheWrite1h,
        cacheWrite1h: t.cacheWrite1h,
        cacheRead: t.cacheRead,
        webSearch: t.webSearch,
      }),
    );
  const keyArb = fc.record({
    model: fc.constantFrom(
      ...table.models.map((m) => m.id),
      'claude-sonnet-4-5-20250929',
      'claude-opus-4-8[1m]',
    ),
    sizeClass: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
    speed: fc.constantFrom('', 'standard', 'fast'),
    geo: fc.constantFrom('', 'us', 'eu'),
  });

  it('holds for every model, size class, speed and geo', () => {
    fc.assert(
      fc.property(keyArb, fc.array(tokenArb, { minLength: 1, maxLength: 8 }), (k, requests) => {
        const sum = requests.reduce(
          (acc, t) => ({
            input: acc.input + t.input,
            output: acc.output + t.output,
            cacheWrite: acc.cacheWrite + t.cacheWrite,
            cacheWrite1h: acc.cacheWrite1h + t.cacheWrite1h,
            cacheRead: acc.cacheRead + t.cacheRead,
            webSearch: acc.webSearch + t.webSearch,
          }),
          tokens({}),
        );
        const whole = pricer.cost(k, sum, NOW);
        const costs = requests.map((t) => pricer.cost(k, t, NOW));
        // Unpriced (a fast request on a model without fast rates) is all or nothing for one key.
        if (whole === null) {
          expect(costs.every((c) => c === null)).toBe(true);
          return;
        }
        const parts = costs.reduce<number>((acc, c) => acc + (c ?? Number.NaN), 0);
        expect(Math.abs(whole - parts)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(whole)));
      }),
    );
  });

  it.each(PER_KIND)('is additive in %s alone', (field) => {
    const k = key('claude-sonnet-4-5', { sizeClass: 2 });
    const one = pricer.cost(k, tokens({ [field]: 123_457 }), NOW) ?? Number.NaN;
    const two = pricer.cost(k, tokens({ [field]: 246_914 }), NOW) ?? Number.NaN;
    expect(two).toBeCloseTo(2 * one, 12);
  });
});
