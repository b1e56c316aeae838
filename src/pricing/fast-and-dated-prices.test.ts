/**
 * The pricer on fast-mode and dated prices of the shipped table: every fast rate, every date
 * boundary (the day before, the last moment before, the first moment from, and the day after each
 * change), fast mode together with a long-context tier, the hints for fast requests without a fast
 * rate, and overrides with fast rates.
 * @module
 */
import { describe, expect, it } from 'vitest';
import { configFile } from '../config/paths.js';
import { UserError } from '../errors.js';
import type { PricingKey } from '../ledger/usage-sums.js';
import type { TokenCounts } from '../util/token-counts.js';
import { createPricer } from './create-pricer.js';
import type { Pricer } from './pricer.js';

const pricer = createPricer();
const NOW = Date.parse('2026-11-22T04:56:00Z');
const DAY = 86_400_000;

function tokens(partial: Partial<TokenCounts>): TokenCounts {
  return { input: 0, output: 0, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0, ...partial };
}

function key(model: string, partial: Partial<Omit<PricingKey, 'model'>> = {}): PricingKey {
  return { model, sizeClass: 0, speed: '', geo: '', ...partial };
}

/** The five rates (input, 5m write, 1h write, cache read, output) a key is charged at `at`; null when unpriced. */
function rates(
  model: string,
  partial: Partial<Omit<PricingKey, 'model'>>,
  at: number,
  p: Pricer = pricer,
): (number | null)[] {
  const k = key(model, partial);
  return [
    p.cost(k, tokens({ input: 1e6 }), at),
    p.cost(k, tokens({ cacheWrite: 1e6 }), at),
    p.cost(k, tokens({ cacheWrite: 1e6, cacheWrite1h: 1e6 }), at),
    p.cost(k, tokens({ cacheRead: 1e6 }), at),
    p.cost(k, tokens({ output: 1e6 }), at),
  ];
}

function expectRates(got: (number | null)[], expected: number[] | null): void {
  if (expected === null) {
    expect(got).toEqual([null, null, null, null, null]);
    return;
  }
  expect(got).toHaveLength(5);
  got.forEach((value, i) => {
    expect(value).not.toBeNull();
    expect(value).toBeCloseTo(expected[i] ?? Number.NaN, 12);
  });
}

/** The four moments around a change on `date` (UTC midnight): two before it, two from it. */
function around(date: string): { before: number[]; from: number[] } {
  const t = Date.parse(`${date}T00:00:00Z`);
  return { before: [t - DAY + 12 * 3_600_000, t - 1], from: [t, t + DAY + 12 * 3_600_000] };
}

const SIX_X_OPUS = [30, 37.5, 60, 3, 150];
const OPUS_STANDARD = [5, 6.25, 10, 0.5, 25];

describe('fast-mode rates', () => {
  it.each<[string, number[]]>([
    ['claude-opus-4-6', SIX_X_OPUS],
    ['claude-opus-4-6-20260205', SIX_X_OPUS],
    ['us.anthropic.claude-opus-4-6-v1:0', SIX_X_OPUS],
    ['claude-opus-5-5', [8, 10, 16, 0.4, 40]],
    ['claude-fable-5-2', [16, 20, 32, 0.4, 80]],
    ['claude-mythos-5-2', [16, 20, 32, 0.4, 80]],
    ['claude-opus-4-8', [10, 12.5, 20, 1, 50]],
    ['claude-opus-5', [10, 12.5, 20, 1, 50]],
  ])('%s in fast mode: %j', (model, expected) => {
    expectRates(rates(model, { speed: 'fast' }, NOW), expected);
  });

  it.each([
    'claude-sonnet-4-5',
    'claude-sonnet-4-6',
    'claude-sonnet-5-5',
    'claude-haiku-4-5',
    'claude-haiku-5-5',
    'claude-opus-4-5',
    'claude-fable-5',
    'claude-fable-5-1',
    'claude-mythos-5-1',
  ])('%s has no fast rate: a fast request is unpriced, a standard one is not', (model) => {
    expectRates(rates(model, { speed: 'fast' }, NOW), null);
    expect(pricer.cost(key(model, { speed: 'standard' }), tokens({ input: 1 }), NOW)).not.toBeNull();
  });

  it('prices a whole fast request on Opus 5.5 (2× every rate), and on US-only inference ×1.1', () => {
    const request = tokens({ input: 1234, output: 56, cacheWrite: 2000, cacheWrite1h: 500, cacheRead: 300 });
    // (1234·8 + 1500·10 + 500·16 + 300·0.4 + 56·40) / 1e6 = 2 × Opus 5.5's standard price
    const fast = (1234 * 8 + 1500 * 10 + 500 * 16 + 300 * 0.4 + 56 * 40) / 1e6;
    expect(pricer.cost(key('claude-opus-5-5', { speed: 'fast' }), request, NOW)).toBeCloseTo(fast, 12);
    expect(pricer.cost(key('claude-opus-5-5'), request, NOW)).toBeCloseTo(fast / 2, 12);
    expect(pricer.cost(key('claude-opus-5-5', { speed: 'fast', geo: 'us' }), request, NOW)).toBeCloseTo(
      fast * 1.1,
      12,
    );
  });
});

describe('fast mode on Opus 4.7 ended 2026-07-24', () => {
  const { before, from } = around('2026-07-24');

  it.each(before)('at %d a fast request costs 6× on every rate', (at) => {
    expectRates(rates('claude-opus-4-7', { speed: 'fast' }, at), SIX_X_OPUS);
  });

  it.each(from)('at %d a fast request is unpriced, a standard one is priced as before', (at) => {
    expectRates(rates('claude-opus-4-7', { speed: 'fast' }, at), null);
    expectRates(rates('claude-opus-4-7', {}, at), OPUS_STANDARD);
  });

  it('standard requests cost the same on both sides', () => {
    for (const at of [...before, ...from]) expectRates(rates('claude-opus-4-7', {}, at), OPUS_STANDARD);
  });
});

describe('Sonnet 5.5: cache read $0.20 until 2026-10-06, then $0.10', () => {
  const { before, from } = around('2026-10-06');

  it.each(before)('at %d', (at) => {
    expectRates(rates('claude-sonnet-5-5', {}, at), [2, 2.5, 4, 0.2, 10]);
  });

  it.each(from)('at %d', (at) => {
    expectRates(rates('claude-sonnet-5-5', {}, at), [2, 2.5, 4, 0.1, 10]);
  });
});

describe('Opus 4.6 and Sonnet 4.6: the >200k long-context tier until 2026-03-13', () => {
  const { before, from } = around('2026-03-13');
  const SONNET = [3, 3.75, 6, 0.3, 15];

  it.each(before)('at %d: the tier for requests over 200k only', (at) => {
    expectRates(rates('claude-opus-4-6', { sizeClass: 2 }, at), [10, 12.5, 20, 1, 37.5]);
    expectRates(rates('claude-opus-4-6', { sizeClass: 1 }, at), OPUS_STANDARD);
    expectRates(rates('claude-sonnet-4-6', { sizeClass: 2 }, at), [6, 7.5, 12, 0.6, 22.5]);
    expectRates(rates('claude-sonnet-4-6', { sizeClass: 1 }, at), SONNET);
  });

  it.each(from)('at %d: no tier', (at) => {
    expectRates(rates('claude-opus-4-6', { sizeClass: 2 }, at), OPUS_STANDARD);
    expectRates(rates('claude-sonnet-4-6', { sizeClass: 2 }, at), SONNET);
  });

  it.each(before)('at %d: fast mode over 200k is 6× the tier', (at) => {
    expectRates(rates('claude-opus-4-6', { sizeClass: 2, speed: 'fast' }, at), [60, 75, 120, 6, 225]);
    expectRates(rates('claude-opus-4-6', { sizeClass: 1, speed: 'fast' }, at), SIX_X_OPUS);
  });

  it.each(from)('at %d: fast mode over 200k is 6× standard', (at) => {
    expectRates(rates('claude-opus-4-6', { sizeClass: 2, speed: 'fast' }, at), SIX_X_OPUS);
  });

  it('prices a whole fast long-context request, every token kind at the tier, US-only ×1.1', () => {
    const at = Date.parse('2026-03-12T10:00:00Z');
    const request = tokens({
      input: 10,
      output: 2000,
      cacheWrite: 5000,
      cacheWrite1h: 1000,
      cacheRead: 250000,
    });
    const expected = (10 * 60 + 4000 * 75 + 1000 * 120 + 250000 * 6 + 2000 * 225) / 1e6;
    const k = key('claude-opus-4-6', { sizeClass: 2, speed: 'fast' });
    expect(pricer.cost(k, request, at)).toBeCloseTo(expected, 12);
    expect(pricer.cost({ ...k, geo: 'us' }, request, at)).toBeCloseTo(expected * 1.1, 12);
  });
});

describe('hints for fast requests without a fast rate', () => {
  it('Opus 4.7: says until when the table had fast rates, with its standard rates filled in', () => {
    const hint = pricer.unpricedHint('claude-opus-4-7-20260416', true);
    expect(hint).not.toContain('\n');
    expect(hint).toContain('fast-mode requests on "claude-opus-4-7-20260416" have no price');
    expect(hint).toContain('fast-mode rates for "claude-opus-4-7" only before 2026-07-24');
    expect(hint).toContain(configFile());
    expect(hint).toContain(
      '"pricing": {"overrides": {"claude-opus-4-7": {"input": 5, "output": 25, "cacheWrite5m": 6.25, "cacheWrite1h": 10, "cacheRead": 0.5, "fast": {"input": …, "output": …}}}}',
    );
  });

  it('a model that never had fast rates', () => {
    expect(pricer.unpricedHint('claude-sonnet-4-5', true)).toContain(
      'the price table has no fast-mode rates for "claude-sonnet-4-5"',
    );
  });

  it('an unknown model: the standard hint, with fast rates added', () => {
    const hint = pricer.unpricedHint('my-model', true);
    expect(hint).toContain('no price for model "my-model"');
    expect(hint).toContain('"fast": {"input": …, "output": …}');
    expect(pricer.unpricedHint('my-model')).not.toContain('"fast"');
  });

  it('a model whose override has no fast rates', () => {
    const p = createPricer({ 'claude-opus-4-7': { input: 5, output: 25 } });
    expect(p.cost(key('claude-opus-4-7', { speed: 'fast' }), tokens({ input: 1 }), NOW)).toBeNull();
    expect(p.unpricedHint('claude-opus-4-7', true)).toContain('its pricing override');
  });
});

describe('overrides with fast rates', () => {
  const p = createPricer({
    'claude-opus-4-7': { input: 5, output: 25, fast: { input: 30, output: 150 } },
    'my-model': {
      input: 1,
      output: 2,
      fast: { input: 4, output: 8, cacheWrite5m: 5, cacheWrite1h: 6, cacheRead: 0.7 },
    },
  });

  it('price fast requests at them (cache rates default to 1.25×, 2×, 0.1× the fast input), flat', () => {
    const after = Date.parse('2026-08-01T00:00:00Z');
    expectRates(rates('claude-opus-4-7', { speed: 'fast' }, after, p), SIX_X_OPUS);
    expectRates(rates('claude-opus-4-7', { speed: 'fast', sizeClass: 2, geo: 'us' }, after, p), SIX_X_OPUS);
    expectRates(rates('claude-opus-4-7', {}, after, p), OPUS_STANDARD);
    expectRates(rates('my-model', { speed: 'fast' }, NOW, p), [4, 5, 6, 0.7, 8]);
    expectRates(rates('my-model', {}, NOW, p), [1, 1.25, 2, 0.1, 2]);
  });

  it('are part of the version', () => {
    const base = { input: 5, output: 25 };
    const a = createPricer({ m: { ...base, fast: { input: 30, output: 150 } } }).version;
    const b = createPricer({ m: { ...base, fast: { input: 30, output: 151 } } }).version;
    expect(a).not.toBe(b);
    expect(a).not.toBe(createPricer({ m: base }).version);
  });

  it('reject an invalid fast rate, naming it', () => {
    expect(() => createPricer({ m: { input: 1, output: 1, fast: { input: -1, output: 1 } } })).toThrow(
      UserError,
    );
    expect(() => createPricer({ m: { input: 1, output: 1, fast: { input: -1, output: 1 } } })).toThrow(
      /invalid fast\.input/,
    );
  });
});
