/**
 * Tests for the shipped price table and its validation.
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DIST_DIR } from '../../test/helpers/built-cli.js';
import { normalizeModelId } from './model-id.js';
import {
  loadPriceTable,
  PRICE_TABLE_URL,
  PriceTableError,
  parsePriceTable,
  readPriceTable,
} from './price-table.js';

const table = loadPriceTable();

/** FORMATS §5.1, the current prices: input / 5m write / 1h write / cache read / output, USD per MTok. */
const LIST_PRICES: [string, number, number, number, number, number][] = [
  ['claude-3-haiku', 0.25, 0.3, 0.5, 0.03, 1.25],
  ['claude-3-opus', 15, 18.75, 30, 1.5, 75],
  ['claude-3-5-sonnet', 3, 3.75, 6, 0.3, 15],
  ['claude-3-7-sonnet', 3, 3.75, 6, 0.3, 15],
  ['claude-3-5-haiku', 0.8, 1, 1.6, 0.08, 4],
  ['claude-opus-4', 15, 18.75, 30, 1.5, 75],
  ['claude-opus-4-1', 15, 18.75, 30, 1.5, 75],
  ['claude-opus-4-5', 5, 6.25, 10, 0.5, 25],
  ['claude-opus-4-6', 5, 6.25, 10, 0.5, 25],
  ['claude-opus-4-7', 5, 6.25, 10, 0.5, 25],
  ['claude-opus-4-8', 5, 6.25, 10, 0.5, 25],
  ['claude-opus-5', 5, 6.25, 10, 0.5, 25],
  ['claude-opus-5-5', 4, 5, 8, 0.2, 20],
  ['claude-sonnet-4', 3, 3.75, 6, 0.3, 15],
  ['claude-sonnet-4-5', 3, 3.75, 6, 0.3, 15],
  ['claude-sonnet-4-6', 3, 3.75, 6, 0.3, 15],
  ['claude-sonnet-5', 2, 2.5, 4, 0.2, 10],
  ['claude-sonnet-5-5', 2, 2.5, 4, 0.1, 10],
  ['claude-haiku-4-5', 1, 1.25, 2, 0.1, 5],
  ['claude-haiku-5-5', 0.1, 0.125, 0.2, 0.01, 0.5],
  ['claude-fable-5', 10, 12.5, 20, 1, 50],
  ['claude-fable-5-1', 10, 12.5, 20, 0.25, 50],
  ['claude-fable-5-2', 8, 10, 16, 0.2, 40],
  ['claude-mythos-5', 10, 12.5, 20, 1, 50],
  ['claude-mythos-5-1', 10, 12.5, 20, 0.25, 50],
  ['claude-mythos-5-2', 8, 10, 16, 0.2, 40],
];

/** A minimal valid table to mutate in the validation tests. */
function minimal(): { models: Record<string, unknown>[] } & Record<string, unknown> {
  return {
    version: 'test-1',
    source: 'test',
    date: '2026-01-01',
    currency: 'USD',
    unit: 'per million tokens',
    webSearchPerRequest: 0.01,
    models: [
      {
        id: 'claude-a',
        name: 'A',
        source: 'test',
        rates: { input: 1, cacheWrite5m: 1.25, cacheWrite1h: 2, cacheRead: 0.1, output: 5 },
      },
      {
        id: 'claude-b',
        name: 'B',
        source: 'test',
        rates: { input: 1, cacheWrite5m: 1.25, cacheWrite1h: 2, cacheRead: 0.1, output: 5 },
      },
    ],
  };
}

describe('the shipped table', () => {
  it('names its version, source, date, currency and unit', () => {
    expect(table).toMatchObject({
      version: 'anthropic-2026-11-20.2',
      date: '2026-11-20',
      currency: 'USD',
      unit: 'per million tokens',
      webSearchPerRequest: 0.01,
    });
    expect(table.source).toMatch(/pricing page.*2026-08-21.*Claude Code 2\.1\.330.*@pydantic\/genai-prices/);
  });

  it('is read once per process', () => {
    expect(loadPriceTable()).toBe(table);
  });

  it('holds exactly the models of FORMATS §5.1', () => {
    expect([...table.ids].sort()).toEqual(LIST_PRICES.map(([id]) => id).sort());
  });

  it.each(
    LIST_PRICES,
  )('%s: %d / %d / %d / %d / %d', (id, input, cacheWrite5m, cacheWrite1h, cacheRead, output) => {
    expect(table.byId.get(id)?.at(-1)?.rates).toEqual({
      input,
      cacheWrite5m,
      cacheWrite1h,
      cacheRead,
      output,
    });
  });

  it.each(table.models.map((m) => [m.id, m] as const))('%s has a normalised id and a source', (id, entry) => {
    expect(normalizeModelId(id)).toBe(id);
    expect(entry.source.length).toBeGreaterThan(0);
  });

  it.each([
    [
      'claude-sonnet-4',
      [{ above: 200000, minSizeClass: 2, input: 6, w5m: 7.5, w1h: 12, read: 0.6, output: 22.5 }],
    ],
    [
      'claude-sonnet-4-5',
      [{ above: 200000, minSizeClass: 2, input: 6, w5m: 7.5, w1h: 12, read: 0.6, output: 22.5 }],
    ],
    [
      'claude-haiku-5-5',
      [{ above: 100000, minSizeClass: 1, input: 0.5, w5m: 0.625, w1h: 1, read: 0.05, output: 2.5 }],
    ],
    ['claude-sonnet-4-6', []],
    ['claude-opus-4-6', []],
  ])('%s prompt tiers (current entry)', (id, tiers) => {
    const got = (table.byId.get(id)?.at(-1)?.promptTiers ?? []).map((t) => ({
      above: t.above,
      minSizeClass: t.minSizeClass,
      input: t.rates.input,
      w5m: t.rates.cacheWrite5m,
      w1h: t.rates.cacheWrite1h,
      read: t.rates.cacheRead,
      output: t.rates.output,
    }));
    expect(got).toEqual(tiers);
  });

  it.each(['claude-opus-4-8', 'claude-opus-5'])('%s has fast-mode rates 10 / 12.5 / 20 / 1 / 50', (id) => {
    expect(table.byId.get(id)?.[0]?.fast).toEqual({
      input: 10,
      cacheWrite5m: 12.5,
      cacheWrite1h: 20,
      cacheRead: 1,
      output: 50,
    });
  });

  it('has fast-mode rates now for Opus 4.6, 4.8, 5 and 5.5, Fable 5.2 and Mythos 5.2 only', () => {
    const now = [...table.byId.values()].map((list) => list.at(-1)!);
    expect(now.filter((m) => m.fast !== null).map((m) => m.id)).toEqual([
      'claude-opus-4-6',
      'claude-opus-4-8',
      'claude-opus-5',
      'claude-opus-5-5',
      'claude-fable-5-2',
      'claude-mythos-5-2',
    ]);
  });

  /** Models before 4.6 have no US-only inference premium. */
  const BEFORE_4_6 = new Set([
    'claude-3-haiku',
    'claude-3-opus',
    'claude-3-5-sonnet',
    'claude-3-7-sonnet',
    'claude-3-5-haiku',
    'claude-opus-4',
    'claude-opus-4-1',
    'claude-opus-4-5',
    'claude-sonnet-4',
    'claude-sonnet-4-5',
    'claude-haiku-4-5',
  ]);

  it.each(
    LIST_PRICES.map(([id]) => [id, BEFORE_4_6.has(id) ? undefined : 1.1] as const),
  )('%s: US-only multiplier %s on every dated entry', (id, multiplier) => {
    for (const entry of table.byId.get(id) ?? []) expect(entry.geoMultipliers.get('us')).toBe(multiplier);
  });
});

describe('parsePriceTable rejects an invalid table, naming the entry and field', () => {
  it.each<[string, (t: ReturnType<typeof minimal>) => void, RegExp]>([
    [
      'a missing rate',
      (t) => {
        t.models[1] = { ...t.models[1], rates: { input: 1, cacheWrite5m: 1, cacheWrite1h: 2, output: 5 } };
      },
      /models\[1\] \(claude-b\)\.rates\.cacheRead: expected all five rates.*\(got nothing\)/,
    ],
    [
      'a negative rate',
      (t) => {
        t.models[0] = {
          ...t.models[0],
          rates: { input: -1, cacheWrite5m: 1, cacheWrite1h: 2, cacheRead: 0.1, output: 5 },
        };
      },
      /models\[0\] \(claude-a\)\.rates\.input: expected a number ≥ 0 \(got -1\)/,
    ],
    [
      'a rate that is a string',
      (t) => {
        t.models[1] = {
          ...t.models[1],
          rates: { input: '1', cacheWrite5m: 1, cacheWrite1h: 2, cacheRead: 0.1, output: 5 },
        };
      },
      /models\[1\] \(claude-b\)\.rates\.input: expected a number \(got "1"\)/,
    ],
    [
      'an unknown field',
      (t) => {
        t.models[0] = { ...t.models[0], price: 3 };
      },
      /models\[0\] \(claude-a\)\.price/,
    ],
    [
      'a bad validFrom',
      (t) => {
        t.models[0] = { ...t.models[0], validFrom: 'yesterday' };
      },
      /models\[0\] \(claude-a\)\.validFrom: expected an ISO date/,
    ],
    [
      'an unsupported tier threshold',
      (t) => {
        t.models[0] = {
          ...t.models[0],
          promptTiers: [
            {
              above: 150000,
              rates: { input: 1, cacheWrite5m: 1, cacheWrite1h: 2, cacheRead: 0.1, output: 5 },
            },
          ],
        };
      },
      /models\[0\] \(claude-a\)\.promptTiers\[0\]\.above: expected 100000 or 200000/,
    ],
    [
      'an id that is not normalised',
      (t) => {
        t.models[1] = { ...t.models[1], id: 'claude-b-20250101' };
      },
      /models\[1\] \(claude-b-20250101\)\.id: expected a normalised id/,
    ],
    [
      'an alias that is a canonical id',
      (t) => {
        t.models[0] = { ...t.models[0], aliases: ['claude-b'] };
      },
      /models\[0\] \(claude-a\)\.aliases: "claude-b" is already a canonical id/,
    ],
    [
      'an alias of two models',
      (t) => {
        t.models[0] = { ...t.models[0], aliases: ['claude-c'] };
        t.models[1] = { ...t.models[1], aliases: ['claude-c'] };
      },
      /models\[1\] \(claude-b\)\.aliases: "claude-c" is already an alias of claude-a/,
    ],
    [
      'two undated entries for one id',
      (t) => {
        t.models[1] = { ...t.models[1], id: 'claude-a' };
      },
      /models\[1\] \(claude-a\)\.validFrom: another entry for claude-a/,
    ],
    [
      'an upper-case geo key',
      (t) => {
        t.models[0] = { ...t.models[0], geoMultipliers: { US: 1.1 } };
      },
      /models\[0\] \(claude-a\)\.geoMultipliers: key "US"/,
    ],
    [
      'a wrong currency',
      (t) => {
        t.currency = 'EUR';
      },
      /currency: expected "USD"/,
    ],
    [
      'no models',
      (t) => {
        t.models = [];
      },
      /models: expected models/,
    ],
  ])('%s', (_name, mutate, message) => {
    const raw = minimal();
    mutate(raw);
    expect(() => parsePriceTable(raw, 'prices-under-test.json')).toThrow(PriceTableError);
    expect(() => parsePriceTable(raw, 'prices-under-test.json')).toThrow(message);
    expect(() => parsePriceTable(raw, 'prices-under-test.json')).toThrow(/prices-under-test\.json/);
  });

  it('accepts the minimal table', () => {
    expect(parsePriceTable(minimal()).ids).toEqual(new Set(['claude-a', 'claude-b']));
  });

  it('sorts dated entries of one id by validFrom', () => {
    const raw = minimal();
    raw.models[0] = { ...raw.models[0], validFrom: '2026-06-01' };
    raw.models[1] = { ...raw.models[1], id: 'claude-a', validFrom: '2025-01-01' };
    expect(
      parsePriceTable(raw)
        .byId.get('claude-a')
        ?.map((e) => e.validFrom),
    ).toEqual(['2025-01-01', '2026-06-01']);
  });
});

describe('readPriceTable: the schema check is skipped only for the copy the build validated', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-prices-'));
  const shipped = fs.readFileSync(PRICE_TABLE_URL, 'utf8');
  const at = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return pathToFileURL(file);
  };
  // An unknown top-level key: valid JSON the schema rejects (strict objects).
  const odd = JSON.stringify({ ...JSON.parse(shipped), extra: true });

  it('the build wrote its copy of the shipped table beside dist/pricing', () => {
    expect(fs.readFileSync(path.join(DIST_DIR, 'prices.checked.json'), 'utf8')).toBe(shipped);
  });

  it('gives the same table with or without the check', () => {
    const table = at('prices.json', shipped);
    expect(readPriceTable(table, at('checked.json', shipped))).toEqual(readPriceTable(table, null));
  });

  it('checks a table that differs from the copy by a byte, and one without a copy', () => {
    const table = at('odd.json', odd);
    expect(() => readPriceTable(table, at('checked-other.json', shipped))).toThrow(PriceTableError);
    expect(() => readPriceTable(table, pathToFileURL(path.join(dir, 'missing.json')))).toThrow(
      /invalid: \(top level\)|invalid/,
    );
    // The same text as the copy is trusted: this is what the build validated.
    expect(readPriceTable(table, at('checked-odd.json', odd)).version).toBe(JSON.parse(shipped).version);
  });

  it('names the file when it is not JSON', () => {
    expect(() => readPriceTable(at('bad.json', '{nope'), null)).toThrow(/bad\.json is not valid JSON/);
  });
});
