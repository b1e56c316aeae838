/**
 * The in-repo price table, `data/prices.json`: loaded once per process and validated at the
 * boundary. A table that does not validate is an error naming the entry (index and id) and the field.
 *
 * Every rate is stored, never derived (several models have non-standard cache rates). An entry can
 * carry prompt-size tiers (the Sonnet 4/4.5 long-context premium, Haiku 5.5's long-prompt tier),
 * fast-mode rates (per tier too, when it has tiers), multipliers by inference geography, and a
 * `validFrom` date so that one canonical id can have several prices over time (a price that ended,
 * such as fast mode on Opus 4.7, is a later entry without it).
 * @module
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { type ModelIndex, normalizeModelId } from './model-id.js';
import type { Rates } from './pricer.js';

/** Where the table ships: `data/` at the package root, two levels above `src/pricing/` and `dist/pricing/`. */
export const PRICE_TABLE_URL: URL = new URL('../../data/prices.json', import.meta.url);

/** The request-input thresholds a tier can use, and the `PricingKey.sizeClass` from which each applies. */
const TIER_SIZE_CLASS = { 100000: 1, 200000: 2 } as const;

/** A prompt-size tier: above `above` input tokens, `rates` apply to the whole request. */
export interface PromptTier {
  /** Input tokens (uncached + cache writes + cache reads) the request must exceed. */
  above: 100000 | 200000;
  /** The smallest `PricingKey.sizeClass` the tier applies to. */
  minSizeClass: 1 | 2;
  rates: Rates;
  /** Rates of a fast request above the threshold; set exactly when the entry has fast rates. */
  fast: Rates | null;
  note: string | null;
}

/** One validated entry of the table. */
export interface PriceEntry {
  /** Canonical model id, e.g. `claude-sonnet-4-5`. */
  id: string;
  name: string;
  aliases: readonly string[];
  /** Where this entry's prices come from. */
  source: string;
  /** ISO date from which the entry applies, or null for "always". */
  validFrom: string | null;
  /** `validFrom` as epoch ms (UTC midnight), or -Infinity. */
  validFromMs: number;
  rates: Rates;
  /** Sorted by `above`, ascending. */
  promptTiers: readonly PromptTier[];
  /**
   * Rates when `usage.speed` is `fast` (below every prompt tier), or null when the entry has no fast
   * mode: a fast request on it is unpriced.
   */
  fast: Rates | null;
  /** Multipliers keyed by lower-case `inference_geo`. */
  geoMultipliers: ReadonlyMap<string, number>;
}

/** The validated table with its lookup indexes. */
export interface PriceTable extends ModelIndex {
  version: string;
  source: string;
  date: string;
  currency: 'USD';
  unit: 'per million tokens';
  /** USD per web search request. */
  webSearchPerRequest: number;
  notes: readonly string[];
  /** Entries in file order. */
  models: readonly PriceEntry[];
  /** Entries per canonical id, sorted by `validFromMs` ascending. */
  byId: ReadonlyMap<string, readonly PriceEntry[]>;
}

/** The shipped table is broken: a bug in the package, not something the user can fix. */
export class PriceTableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PriceTableError';
  }
}

/** The table's schema, built on first use (a table checked at build time never needs it). */
function tableSchema() {
  const rate = v.pipe(
    v.number('expected a number'),
    v.finite('expected a finite number'),
    v.minValue(0, 'expected a number ≥ 0'),
  );

  const RatesSchema = v.strictObject(
    { input: rate, cacheWrite5m: rate, cacheWrite1h: rate, cacheRead: rate, output: rate },
    'expected all five rates: input, cacheWrite5m, cacheWrite1h, cacheRead, output',
  );

  const text = v.pipe(v.string('expected a string'), v.minLength(1, 'expected a non-empty string'));
  const isoDate = v.pipe(v.string('expected an ISO date'), v.isoDate('expected an ISO date YYYY-MM-DD'));

  const PromptTierSchema = v.strictObject(
    {
      above: v.picklist([100000, 200000], 'expected 100000 or 200000 (the thresholds of the size classes)'),
      rates: RatesSchema,
      fast: v.optional(RatesSchema),
      note: v.optional(v.string('expected a string')),
    },
    'expected {"above", "rates", "fast"?, "note"?}',
  );

  const EntrySchema = v.strictObject(
    {
      id: text,
      name: text,
      aliases: v.optional(v.array(text, 'expected a list of model ids')),
      source: text,
      validFrom: v.optional(isoDate),
      rates: RatesSchema,
      promptTiers: v.optional(v.array(PromptTierSchema, 'expected a list of tiers')),
      fast: v.optional(RatesSchema),
      geoMultipliers: v.optional(
        v.record(
          v.string(),
          v.pipe(v.number('expected a number'), v.finite('expected a finite number'), v.minValue(0)),
          'expected an object of inference_geo → multiplier',
        ),
      ),
    },
    'expected an entry {"id", "name", "aliases"?, "source", "validFrom"?, "rates", "promptTiers"?, "fast"?, "geoMultipliers"?}',
  );

  const TableSchema = v.strictObject(
    {
      version: text,
      source: text,
      date: isoDate,
      currency: v.literal('USD', 'expected "USD"'),
      unit: v.literal('per million tokens', 'expected "per million tokens"'),
      webSearchPerRequest: rate,
      notes: v.optional(v.array(v.string('expected a string'), 'expected a list of strings')),
      models: v.pipe(v.array(EntrySchema, 'expected a list of models'), v.minLength(1, 'expected models')),
    },
    'expected {"version", "source", "date", "currency", "unit", "webSearchPerRequest", "notes"?, "models"}',
  );
  return TableSchema;
}

let schema: ReturnType<typeof tableSchema> | undefined;

type RawTable = v.InferOutput<ReturnType<typeof tableSchema>>;

/** `models[3] (claude-sonnet-4-5)`: an entry named by index and, when it has one, id. */
function entryLabel(raw: unknown, index: number): string {
  const models = typeof raw === 'object' && raw !== null ? (raw as { models?: unknown }).models : undefined;
  const entry = Array.isArray(models) ? (models[index] as unknown) : undefined;
  const id = typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? `models[${index}] (${id})` : `models[${index}]`;
}

/** `models[3] (claude-sonnet-4-5).rates.cacheRead` from a valibot issue path. */
function issueWhere(raw: unknown, path: readonly { key: unknown }[] | undefined): string {
  if (path === undefined || path.length === 0) return '(top level)';
  let out = '';
  path.forEach((item, i) => {
    const key = item.key;
    if (i === 1 && path[0]?.key === 'models' && typeof key === 'number') out = entryLabel(raw, key);
    else if (typeof key === 'number') out += `[${key}]`;
    else out += out.length === 0 ? String(key) : `.${String(key)}`;
  });
  return out;
}

function fail(origin: string, problems: readonly string[]): never {
  throw new PriceTableError(`the price table ${origin} is invalid: ${problems.join('; ')}`);
}

function validFromMs(date: string | undefined): number {
  return date === undefined ? Number.NEGATIVE_INFINITY : Date.parse(`${date}T00:00:00Z`);
}

/** Checks what the schema cannot: normalised ids, unambiguous aliases, no duplicate dated entries. */
function buildTable(t: RawTable, origin: string): PriceTable {
  const problems: string[] = [];
  const ids = new Set(t.models.map((m) => m.id));
  const aliases = new Map<string, string>();
  const byId = new Map<string, PriceEntry[]>();
  const models = t.models.map((m, i): PriceEntry => {
    const label = `models[${i}] (${m.id})`;
    const normal = normalizeModelId(m.id);
    if (normal !== m.id) {
      problems.push(
        `${label}.id: expected a normalised id (lower case, no date or provider parts), got "${m.id}"`,
      );
    }
    for (const alias of m.aliases ?? []) {
      const target = aliases.get(alias);
      if (normalizeModelId(alias) !== alias) {
        problems.push(
          `${label}.aliases: "${alias}" is not a normalised id (it normalises to "${normalizeModelId(alias)}")`,
        );
      } else if (ids.has(alias)) {
        problems.push(`${label}.aliases: "${alias}" is already a canonical id`);
      } else if (target !== undefined && target !== m.id) {
        problems.push(`${label}.aliases: "${alias}" is already an alias of ${target}`);
      }
      aliases.set(alias, m.id);
    }
    const seenTiers = new Set<number>();
    for (const tier of m.promptTiers ?? []) {
      if (seenTiers.has(tier.above)) problems.push(`${label}.promptTiers: two tiers above ${tier.above}`);
      seenTiers.add(tier.above);
      // Fast mode and a tier combine only through the tier's own fast rates: no rate is guessed.
      if (m.fast !== undefined && tier.fast === undefined) {
        problems.push(
          `${label}.promptTiers: the tier above ${tier.above} needs "fast" rates, since the entry has fast rates`,
        );
      } else if (m.fast === undefined && tier.fast !== undefined) {
        problems.push(
          `${label}.promptTiers: the tier above ${tier.above} has "fast" rates, but the entry has none`,
        );
      }
    }
    const geo = new Map<string, number>();
    for (const [key, multiplier] of Object.entries(m.geoMultipliers ?? {})) {
      if (key.length === 0 || key !== key.trim().toLowerCase()) {
        problems.push(`${label}.geoMultipliers: key "${key}" must be non-empty lower case`);
      }
      geo.set(key, multiplier);
    }
    const entry: PriceEntry = {
      id: m.id,
      name: m.name,
      aliases: m.aliases ?? [],
      source: m.source,
      validFrom: m.validFrom ?? null,
      validFromMs: validFromMs(m.validFrom),
      rates: m.rates,
      promptTiers: (m.promptTiers ?? [])
        .map((tier) => ({
          above: tier.above,
          minSizeClass: TIER_SIZE_CLASS[tier.above],
          rates: tier.rates,
          fast: tier.fast ?? null,
          note: tier.note ?? null,
        }))
        .sort((a, b) => a.above - b.above),
      fast: m.fast ?? null,
      geoMultipliers: geo,
    };
    const same = byId.get(m.id) ?? [];
    if (same.some((other) => other.validFrom === entry.validFrom)) {
      problems.push(
        `${label}.validFrom: another entry for ${m.id} has validFrom ${entry.validFrom ?? '(none)'}`,
      );
    }
    same.push(entry);
    byId.set(m.id, same);
    return entry;
  });
  if (problems.length > 0) fail(origin, problems);
  for (const list of byId.values()) list.sort((a, b) => a.validFromMs - b.validFromMs);
  return {
    version: t.version,
    source: t.source,
    date: t.date,
    currency: t.currency,
    unit: t.unit,
    webSearchPerRequest: t.webSearchPerRequest,
    notes: t.notes ?? [],
    models,
    byId,
    ids,
    aliases,
  };
}

/**
 * Validates a parsed price table (JSON value) and builds its indexes. Throws a
 * {@link PriceTableError} naming `origin`, the entry and the field when it is invalid.
 */
export function parsePriceTable(raw: unknown, origin = 'data/prices.json'): PriceTable {
  schema ??= tableSchema();
  const result = v.safeParse(schema, raw);
  if (!result.success) {
    fail(
      origin,
      result.issues.slice(0, 5).map((issue) => {
        const got = issue.input === undefined ? 'nothing' : JSON.stringify(issue.input)?.slice(0, 60);
        return `${issueWhere(raw, issue.path)}: ${issue.message} (got ${got})`;
      }),
    );
  }
  return buildTable(result.output, origin);
}

/**
 * The build's copy of the table it validated (scripts/bundle.mjs): `dist/prices.checked.json`, beside
 * `dist/pricing/` and `dist/bin/` alike. A table byte for byte equal to it needs no schema check.
 */
export const CHECKED_TABLE_URL: URL = new URL('../prices.checked.json', import.meta.url);

/**
 * Reads and validates a price table file. When `checked` names a file with exactly the same text (the
 * copy the build validated), the schema check is skipped: it costs a few milliseconds of every
 * report, hook and status line. The checks on ids and aliases run either way.
 */
export function readPriceTable(table: URL, checked: URL | null): PriceTable {
  const origin = fileURLToPath(table);
  let text: string;
  try {
    text = fs.readFileSync(table, 'utf8');
  } catch (error) {
    throw new PriceTableError(`cannot read the price table ${origin}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PriceTableError(`the price table ${origin} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (checked !== null && sameText(checked, text)) return buildTable(raw as RawTable, origin);
  return parsePriceTable(raw, origin);
}

function sameText(file: URL, text: string): boolean {
  try {
    return fs.readFileSync(file, 'utf8') === text;
  } catch {
    return false;
  }
}

let cached: PriceTable | undefined;

/** The shipped table, read and validated on first use and cached for the rest of the process. */
export function loadPriceTable(): PriceTable {
  cached ??= readPriceTable(PRICE_TABLE_URL, CHECKED_TABLE_URL);
  return cached;
}
