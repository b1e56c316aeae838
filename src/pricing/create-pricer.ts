/**
 * The {@link Pricer} over the shipped price table and the user's rate overrides.
 *
 * Cost of a group of requests that share a {@link PricingKey} (FORMATS §5.1, the formula Claude Code
 * uses):
 *
 * ```
 * cost = (input·in + (cacheWrite − cacheWrite1h)·w5m + cacheWrite1h·w1h + cacheRead·read + output·out) / 1e6
 *        × geoMultiplier + webSearch · webSearchPerRequest
 * ```
 *
 * The rates depend only on the key (model, size class, speed, geo) and the time, never on the token
 * counts, so the cost is linear in the tokens: the cost of a sum is the sum of the costs.
 *
 * A fast-mode request (`speed` "fast") is priced only at fast rates: on a model, or at a date, without
 * them it has no price (null), as an unknown model has none, and is never priced at standard rates.
 * @module
 */

import type { OverrideRates, RateOverride } from '../config/config.js';
import { configFile } from '../config/paths.js';
import { ExitCode, UserError } from '../errors.js';
import type { PricingKey } from '../ledger/usage-sums.js';
import { fingerprint } from '../util/fingerprint.js';
import type { TokenCounts } from '../util/token-counts.js';
import { canonicalModelId, normalizeModelId } from './model-id.js';
import { loadPriceTable, type PriceEntry, type PriceTable } from './price-table.js';
import { isFast, type PriceResolution, type Pricer, type Rates } from './pricer.js';

/** Defaults for override rates that are left out, as multiples of the input rate. */
const DEFAULT_MULTIPLIERS = { cacheWrite5m: 1.25, cacheWrite1h: 2, cacheRead: 0.1 } as const;

/** An override's rates with their defaults filled in. */
export interface OverridePrices {
  rates: Rates;
  /** Fast-mode rates, or null: then a fast request on the model is unpriced. */
  fast: Rates | null;
}

interface Resolved extends PriceResolution {
  /** The override's prices when `from` is `override`. */
  override: OverridePrices | null;
}

/** Override rates with their defaults filled in. */
export function overrideRates(override: OverrideRates): Rates {
  return {
    input: override.input,
    cacheWrite5m: override.cacheWrite5m ?? override.input * DEFAULT_MULTIPLIERS.cacheWrite5m,
    cacheWrite1h: override.cacheWrite1h ?? override.input * DEFAULT_MULTIPLIERS.cacheWrite1h,
    cacheRead: override.cacheRead ?? override.input * DEFAULT_MULTIPLIERS.cacheRead,
    output: override.output,
  };
}

function checkRates(key: string, rates: Rates, prefix: string): void {
  for (const [field, value] of Object.entries(rates)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new UserError(
        `the pricing override for ${JSON.stringify(key)} has an invalid ${prefix}${field} (${String(value)}): expected a number ≥ 0 in USD per million tokens.`,
        ExitCode.config,
      );
    }
  }
}

/** Overrides keyed by lower-cased, trimmed model id, with their defaults filled in. */
function indexOverrides(overrides: Record<string, RateOverride>): Map<string, OverridePrices> {
  const index = new Map<string, OverridePrices>();
  const writtenAs = new Map<string, string>();
  for (const [key, override] of Object.entries(overrides)) {
    const rates = overrideRates(override);
    checkRates(key, rates, '');
    const fast = override.fast === undefined ? null : overrideRates(override.fast);
    if (fast !== null) checkRates(key, fast, 'fast.');
    const id = key.trim().toLowerCase();
    const previous = writtenAs.get(id);
    if (previous !== undefined) {
      throw new UserError(
        `the pricing overrides ${JSON.stringify(previous)} and ${JSON.stringify(key)} name the same model; keep one.`,
        ExitCode.config,
      );
    }
    writtenAs.set(id, key);
    index.set(id, { rates, fast });
  }
  return index;
}

function rateList(r: Rates): number[] {
  return [r.input, r.cacheWrite5m, r.cacheWrite1h, r.cacheRead, r.output];
}

/** 8 hex digits identifying the overrides' effective rates, independent of key order. */
function overridesHash(index: ReadonlyMap<string, OverridePrices>): string {
  const canonical = [...index.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    // An override without fast rates hashes as before fast rates existed: its version is unchanged.
    .map(([id, o]) => [id, ...rateList(o.rates), ...(o.fast === null ? [] : [rateList(o.fast)])]);
  return fingerprint(JSON.stringify(canonical)).slice(0, 8);
}

/** The entry valid at `atMs`: the latest `validFrom` not after it, else the earliest entry. */
function entryAt(entries: readonly PriceEntry[], atMs: number): PriceEntry | undefined {
  if (!Number.isFinite(atMs)) return entries[entries.length - 1];
  let chosen = entries[0];
  for (const entry of entries) if (entry.validFromMs <= atMs) chosen = entry;
  return chosen;
}

/**
 * The rates an entry charges for a key: those of the highest prompt tier reached, else the base
 * rates; for a fast request the fast rates of that tier (or the entry's), or null when the entry
 * has no fast mode.
 */
export function ratesFor(entry: PriceEntry, key: PricingKey): Rates | null {
  const fast = isFast(key);
  let rates = fast ? entry.fast : entry.rates;
  for (const tier of entry.promptTiers) {
    if (key.sizeClass >= tier.minSizeClass) rates = fast ? tier.fast : tier.rates;
  }
  return rates;
}

/** The multiplier an entry applies for a key's inference geography (1 when none). */
export function geoMultiplier(entry: PriceEntry, key: PricingKey): number {
  return entry.geoMultipliers.get(key.geo.trim().toLowerCase()) ?? 1;
}

/** USD for `tokens` at `rates` (per million tokens), web search excluded. */
export function tokenCost(tokens: TokenCounts, rates: Rates): number {
  const h1 = tokens.cacheWrite1h;
  return (
    (tokens.input * rates.input +
      (tokens.cacheWrite - h1) * rates.cacheWrite5m +
      h1 * rates.cacheWrite1h +
      tokens.cacheRead * rates.cacheRead +
      tokens.output * rates.output) /
    1e6
  );
}

/**
 * A pricer over a given table; {@link createPricer} uses the shipped one. Overrides are keyed by the
 * exact raw model id or by the canonical id (case-insensitive), take precedence over the table and
 * can price models the table lacks. Override rates are flat (no tiers, dates or geo multiplier); a
 * fast request uses the override's `fast` rates, and is unpriced when it has none.
 */
export function createPricerFromTable(
  table: PriceTable,
  overrides: Record<string, RateOverride> = {},
): Pricer {
  const overrideIndex = indexOverrides(overrides);
  const version =
    overrideIndex.size === 0 ? table.version : `${table.version}+overrides:${overridesHash(overrideIndex)}`;
  const memo = new Map<string, Resolved | null>();

  function lookup(model: string): Resolved | null {
    const known = memo.get(model);
    if (known !== undefined) return known;
    const tableId = canonicalModelId(model, table);
    const canonical = tableId ?? normalizeModelId(model);
    const override = overrideIndex.get(model.trim().toLowerCase()) ?? overrideIndex.get(canonical);
    let resolved: Resolved | null = null;
    if (override !== undefined && canonical.length > 0) {
      resolved = { canonical, from: 'override', override };
    } else if (tableId !== null) {
      resolved = { canonical: tableId, from: 'table', override: null };
    }
    memo.set(model, resolved);
    return resolved;
  }

  return {
    version,
    source: `${table.source}; table ${table.version} dated ${table.date}`,
    priceChanges: [...new Set(table.models.map((m) => m.validFromMs).filter(Number.isFinite))].sort(
      (a, b) => a - b,
    ),

    resolve(model: string): PriceResolution | null {
      const resolved = lookup(model);
      return resolved === null ? null : { canonical: resolved.canonical, from: resolved.from };
    },

    cost(key: PricingKey, tokens: TokenCounts, atMs: number): number | null {
      const resolved = lookup(key.model);
      if (resolved === null) return null;
      const webSearch = tokens.webSearch * table.webSearchPerRequest;
      if (resolved.override !== null) {
        const rates = isFast(key) ? resolved.override.fast : resolved.override.rates;
        return rates === null ? null : tokenCost(tokens, rates) + webSearch;
      }
      const entry = entryAt(table.byId.get(resolved.canonical) ?? [], atMs);
      if (entry === undefined) return null;
      const rates = ratesFor(entry, key);
      if (rates === null) return null;
      return tokenCost(tokens, rates) * geoMultiplier(entry, key) + webSearch;
    },

    unpricedHint(model: string, fast = false): string {
      const resolved = lookup(model);
      if (resolved === null || !fast) return unknownModelHint(model, fast);
      return fastHint(table, resolved, model);
    },
  };
}

const CACHE_DEFAULTS = '(the cache rates are optional and default to 1.25×, 2× and 0.1× input)';
const FAST_FIELDS = '"fast": {"input": …, "output": …}';

/** The hint for a model the table and the overrides lack. */
function unknownModelHint(model: string, fast: boolean): string {
  const id = JSON.stringify(model.trim());
  const fastPart = fast ? `, ${FAST_FIELDS}` : '';
  return (
    `no price for model ${id}: add it to ${configFile()} under "pricing": {"overrides": {${id}: ` +
    `{"input": …, "output": …, "cacheWrite5m": …, "cacheWrite1h": …, "cacheRead": …${fastPart}}}}, in USD per million tokens ` +
    `${CACHE_DEFAULTS}${fast ? '; "fast" prices its fast-mode requests' : ''}.`
  );
}

/** When the table has fast rates for `id`: `only before 2026-07-24`, `only from 2026-02-05`, …; null for never. */
function fastPeriods(table: PriceTable, id: string): string | null {
  const periods: string[] = [];
  /** The start of the fast period under way: null for "since the first entry", undefined for none. */
  let start: string | null | undefined;
  for (const e of table.byId.get(id) ?? []) {
    if (e.fast !== null && start === undefined) start = e.validFrom;
    else if (e.fast === null && start !== undefined) {
      periods.push(start === null ? `before ${e.validFrom}` : `from ${start} to before ${e.validFrom}`);
      start = undefined;
    }
  }
  if (start !== undefined) periods.push(start === null ? 'at all dates' : `from ${start}`);
  return periods.length === 0 ? null : `only ${periods.join(' and ')}`;
}

function rateFields(r: Rates): string {
  return `"input": ${r.input}, "output": ${r.output}, "cacheWrite5m": ${r.cacheWrite5m}, "cacheWrite1h": ${r.cacheWrite1h}, "cacheRead": ${r.cacheRead}`;
}

/** The hint for fast-mode requests on a priced model that has no fast rate (at their date). */
function fastHint(table: PriceTable, resolved: Resolved, model: string): string {
  const id = JSON.stringify(model.trim());
  if (resolved.override !== null) {
    return (
      `fast-mode requests on ${id} have no price: its pricing override in ${configFile()} has no "fast" rates. ` +
      `Add them to it, ${FAST_FIELDS}, in USD per million tokens ${CACHE_DEFAULTS}.`
    );
  }
  const key = JSON.stringify(resolved.canonical);
  const periods = fastPeriods(table, resolved.canonical);
  const why =
    periods === null
      ? `the price table has no fast-mode rates for ${key}`
      : `the price table has fast-mode rates for ${key} ${periods}`;
  const standard = table.byId.get(resolved.canonical)?.at(-1)?.rates;
  const fields = standard === undefined ? '"input": …, "output": …' : rateFields(standard);
  return (
    `fast-mode requests on ${id} have no price: ${why}. To price them, give the model fast rates in ` +
    `${configFile()} under "pricing": {"overrides": {${key}: {${fields}, ${FAST_FIELDS}}}}, ` +
    `in USD per million tokens ${CACHE_DEFAULTS}; an override replaces the table's prices for that model.`
  );
}

/** The pricer over the shipped table `data/prices.json` and the user's `pricing.overrides`. */
export function createPricer(overrides?: Record<string, RateOverride>): Pricer {
  return createPricerFromTable(loadPriceTable(), overrides);
}
