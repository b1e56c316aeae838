/**
 * The price table's fast-mode and dated entries: what the shipped table holds (and where each dated
 * price comes from), and the schema of fast rates and per-tier fast rates.
 * @module
 */
import { describe, expect, it } from 'vitest';
import { loadPriceTable, PriceTableError, parsePriceTable } from './price-table.js';

const table = loadPriceTable();

/** The five rates of a model whose input costs `input`, with the usual multipliers. */
function rates(input: number) {
  return {
    input,
    cacheWrite5m: input * 1.25,
    cacheWrite1h: input * 2,
    cacheRead: input / 10,
    output: input * 5,
  };
}

/** A valid table of two models, to change in the schema tests. */
function twoModels(): { models: Record<string, unknown>[] } & Record<string, unknown> {
  return {
    version: 'test-1',
    source: 'test',
    date: '2026-01-01',
    currency: 'USD',
    unit: 'per million tokens',
    webSearchPerRequest: 0.01,
    models: [
      { id: 'claude-a', name: 'A', source: 'test', rates: rates(1) },
      { id: 'claude-b', name: 'B', source: 'test', rates: rates(1) },
    ],
  };
}

describe('the shipped table: dated and fast-mode entries', () => {
  it.each<[string, (string | null)[]]>([
    ['claude-opus-4-6', [null, '2026-03-13']],
    ['claude-sonnet-4-6', [null, '2026-03-13']],
    ['claude-opus-4-7', [null, '2026-07-24']],
    ['claude-sonnet-5-5', [null, '2026-10-06']],
  ])('%s has dated entries %j, each naming its source', (id, dates) => {
    const entries = table.byId.get(id) ?? [];
    expect(entries.map((e) => e.validFrom)).toEqual(dates);
    for (const e of entries) expect(e.source).toMatch(/pricing page|Claude Code|genai-prices/);
  });

  it('Opus 4.7 had fast-mode rates (6×) until they ended on 2026-07-24', () => {
    const entries = table.byId.get('claude-opus-4-7') ?? [];
    expect(entries.map((e) => [e.validFrom, e.fast])).toEqual([
      [null, { input: 30, cacheWrite5m: 37.5, cacheWrite1h: 60, cacheRead: 3, output: 150 }],
      ['2026-07-24', null],
    ]);
  });

  it('Opus 4.6 before 2026-03-13: the long-context tier, with its own fast rates (6×)', () => {
    const [before] = table.byId.get('claude-opus-4-6') ?? [];
    expect(before?.fast).toEqual({
      input: 30,
      cacheWrite5m: 37.5,
      cacheWrite1h: 60,
      cacheRead: 3,
      output: 150,
    });
    expect(before?.promptTiers.map((t) => [t.above, t.rates, t.fast])).toEqual([
      [
        200000,
        { input: 10, cacheWrite5m: 12.5, cacheWrite1h: 20, cacheRead: 1, output: 37.5 },
        { input: 60, cacheWrite5m: 75, cacheWrite1h: 120, cacheRead: 6, output: 225 },
      ],
    ]);
    expect(before?.source).toContain('@pydantic/genai-prices');
  });

  it('Sonnet 4.6 before 2026-03-13: the long-context tier, no fast mode', () => {
    const [before] = table.byId.get('claude-sonnet-4-6') ?? [];
    expect(before?.fast).toBeNull();
    expect(before?.promptTiers.map((t) => [t.above, t.rates, t.fast])).toEqual([
      [200000, { input: 6, cacheWrite5m: 7.5, cacheWrite1h: 12, cacheRead: 0.6, output: 22.5 }, null],
    ]);
  });

  it.each([
    ['claude-opus-5-5', { input: 8, cacheWrite5m: 10, cacheWrite1h: 16, cacheRead: 0.4, output: 40 }],
    ['claude-fable-5-2', { input: 16, cacheWrite5m: 20, cacheWrite1h: 32, cacheRead: 0.4, output: 80 }],
    ['claude-mythos-5-2', { input: 16, cacheWrite5m: 20, cacheWrite1h: 32, cacheRead: 0.4, output: 80 }],
  ])('%s fast mode: 2× every rate', (id, fast) => {
    const entry = table.byId.get(id)?.at(-1);
    expect(entry?.fast).toEqual(fast);
    for (const k of Object.keys(fast) as (keyof typeof fast)[])
      expect(fast[k]).toBe(2 * (entry?.rates[k] ?? 0));
  });
});

describe('the schema of fast rates', () => {
  it.each<[string, (t: ReturnType<typeof twoModels>) => void, RegExp]>([
    [
      'fast rates with a missing rate',
      (t) => {
        t.models[0] = { ...t.models[0], fast: { input: 2, cacheWrite5m: 2.5, cacheWrite1h: 4, output: 10 } };
      },
      /models\[0\] \(claude-a\)\.fast\.cacheRead: expected all five rates/,
    ],
    [
      'a tier without fast rates on an entry with fast rates',
      (t) => {
        t.models[0] = { ...t.models[0], fast: rates(6), promptTiers: [{ above: 200000, rates: rates(2) }] };
      },
      /models\[0\] \(claude-a\)\.promptTiers: the tier above 200000 needs "fast" rates/,
    ],
    [
      'a tier with fast rates on an entry without fast rates',
      (t) => {
        t.models[1] = { ...t.models[1], promptTiers: [{ above: 100000, rates: rates(2), fast: rates(12) }] };
      },
      /models\[1\] \(claude-b\)\.promptTiers: the tier above 100000 has "fast" rates, but the entry has none/,
    ],
    [
      'tier fast rates with a missing rate',
      (t) => {
        t.models[0] = {
          ...t.models[0],
          fast: rates(6),
          promptTiers: [{ above: 200000, rates: rates(2), fast: { input: 12, output: 60 } }],
        };
      },
      /models\[0\] \(claude-a\)\.promptTiers\[0\]\.fast\.cacheWrite5m: expected all five rates/,
    ],
  ])('rejects %s, naming the entry and field', (_name, change, message) => {
    const raw = twoModels();
    change(raw);
    expect(() => parsePriceTable(raw, 'prices-under-test.json')).toThrow(PriceTableError);
    expect(() => parsePriceTable(raw, 'prices-under-test.json')).toThrow(message);
  });

  it('accepts fast rates, and per-tier fast rates on an entry that has both', () => {
    const raw = twoModels();
    raw.models[0] = {
      ...raw.models[0],
      fast: rates(6),
      promptTiers: [{ above: 200000, rates: rates(2), fast: rates(12), note: 'long context' }],
    };
    const parsed = parsePriceTable(raw);
    expect(parsed.byId.get('claude-a')?.[0]?.fast).toEqual(rates(6));
    expect(parsed.byId.get('claude-a')?.[0]?.promptTiers).toEqual([
      { above: 200000, minSizeClass: 2, rates: rates(2), fast: rates(12), note: 'long context' },
    ]);
    expect(parsed.byId.get('claude-b')?.[0]?.fast).toBeNull();
  });

  it('accepts a dated entry that drops fast rates (a fast mode that ended)', () => {
    const raw = twoModels();
    raw.models[0] = { ...raw.models[0], fast: rates(6) };
    raw.models[1] = { ...raw.models[1], id: 'claude-a', validFrom: '2026-07-24' };
    expect(
      parsePriceTable(raw)
        .byId.get('claude-a')
        ?.map((e) => e.fast),
    ).toEqual([rates(6), null]);
  });
});
