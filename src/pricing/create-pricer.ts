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
 * @module
 */
import type { TokenFields } from '../capture/types.js';
import type { RateOverride } from '../config/config.js';
import { configFile } from '../config/paths.js';
import { ExitCode, UserError } from '../errors.js';
import type { PricingKey } from '../ledger/store.js';
import { fingerprint } from '../util/fingerprint.js';
import { canonicalModelId, normalizeModelId } from './model-id.js';
import { loadPriceTable, type PriceEntry, type PriceTable } from './price-table.js';
import type { PriceResolution, Pricer, Rates } from './pricer.js';

/** Defaults for override rates that are left out, as multiples of the input rate. */
const DEFAULT_MULTIPLIERS = { cacheWrite5m: 1.25, cacheWrite1h: 2, cacheRead: 0.1 } as const;

interface Resolved extends PriceResolution {
  /** The override's rates when `from` is `override`. */
  overrideRates: Rates | null;
}

/** An override with its defaults filled in. */
export function overrideRates(override: RateOverride): Rates {
  return {
    input: override.input,
    cacheWrite5m: override.cacheWrite5m ?? override.input * DEFAULT_MULTIPLIERS.cacheWrite5m,
    cacheWrite1h: override.cacheWrite1h ?? override.input * DEFAULT_MULTIPLIERS.cacheWrite1h,
    cacheRead: override.cacheRead ?? override.input * DEFAULT_MULTIPLIERS.cacheRead,
    output: override.output,
  };
}

function checkRates(key: string, rates: Rates): void {
  for (const [field, value] of Object.entries(rates)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new UserError(
        `the pricing override for ${JSON.stringify(key)} has an invalid ${field} (${String(value)}): expected a number ≥ 0 in USD per million tokens.`,
        ExitCode.config,
      );
    }
  }
}

/** Overrides keyed by lower-cased, trimmed model id, with their defaults filled in. */
function indexOverrides(overrides: Record<string, RateOverride>): Map<string, Rates> {
  const index = new Map<string, Rates>();
  const writtenAs = new Map<string, string>();
  for (const [key, override] of Object.entries(overrides)) {
    const rates = overrideRates(override);
    checkRates(key, rates);
    const id = key.trim().toLowerCase();
    const previous = writtenAs.get(id);
    if (previous !== undefined) {
      throw new UserError(
        `the pricing overrides ${JSON.stringify(previous)} and ${JSON.stringify(key)} name the same model; keep one.`,
        ExitCode.config,
      );
    }
    writtenAs.set(id, key);
    index.set(id, rates);
  }
  return index;
}

/** 8 hex digits identifying the overrides' effective rates, independent of key order. */
function overridesHash(index: ReadonlyMap<string, Rates>): string {
  const canonical = [...index.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, r]) => [id, r.input, r.cacheWrite5m, r.cacheWrite1h, r.cacheRead, r.output]);
  return fingerprint(JSON.stringify(canonical)).slice(0, 8);
}

/** The entry valid at `atMs`: the latest `validFrom` not after it, else the earliest entry. */
function entryAt(entries: readonly PriceEntry[], atMs: number): PriceEntry | undefined {
  if (!Number.isFinite(atMs)) return entries[entries.length - 1];
  let chosen = entries[0];
  for (const entry of entries) if (entry.validFromMs <= atMs) chosen = entry;
  return chosen;
}

/** The rates an entry charges for a key: fast mode, else the highest prompt tier reached, else the base rates. */
export function ratesFor(entry: PriceEntry, key: PricingKey): Rates {
  if (entry.fast !== null && key.speed.trim().toLowerCase() === 'fast') return entry.fast;
  let rates = entry.rates;
  for (const tier of entry.promptTiers) if (key.sizeClass >= tier.minSizeClass) rates = tier.rates;
  return rates;
}

/** The multiplier an entry applies for a key's inference geography (1 when none). */
export function geoMultiplier(entry: PriceEntry, key: PricingKey): number {
  return entry.geoMultipliers.get(key.geo.trim().toLowerCase()) ?? 1;
}

/** USD for `tokens` at `rates` (per million tokens), web search excluded. */
export function tokenCost(tokens: TokenFields, rates: Rates): number {
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
 * can price models the table lacks. Override rates are flat: no tiers, fast mode or geo multiplier.
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
      resolved = { canonical, from: 'override', overrideRates: override };
    } else if (tableId !== null) {
      resolved = { canonical: tableId, from: 'table', overrideRates: null };
    }
    memo.set(model, resolved);
    return resolved;
  }

  return {
    version,
    source: `${table.source}; table ${table.version} dated ${table.date}`,

    resolve(model: string): PriceResolution | null {
      const resolved = lookup(model);
      return resolved === null ? null : { canonical: resolved.canonical, from: resolved.from };
    },

    cost(key: PricingKey, tokens: TokenFields, atMs: number): number | null {
      const resolved = lookup(key.model);
      if (resolved === null) return null;
      const webSearch = tokens.webSearch * table.webSearchPerRequest;
      if (resolved.overrideRates !== null) return tokenCost(tokens, resolved.overrideRates) + webSearch;
      const entry = entryAt(table.byId.get(resolved.canonical) ?? [], atMs);
      if (entry === undefined) return null;
      return tokenCost(tokens, ratesFor(entry, key)) * geoMultiplier(entry, key) + webSearch;
    },

    unpricedHint(model: string): string {
      const id = JSON.stringify(model.trim());
      return (
        `no price for model ${id}: add it to ${configFile()} under "pricing": {"overrides": {${id}: ` +
        `{"input": …, "output": …, "cacheWrite5m": …, "cacheWrite1h": …, "cacheRead": …}}}, in USD per million tokens ` +
        '(the cache rates are optional and default to 1.25×, 2× and 0.1× input).'
      );
    },
  };
}

/** The pricer over the shipped table `data/prices.json` and the user's `pricing.overrides`. */
export function createPricer(overrides?: Record<string, RateOverride>): Pricer {
  return createPricerFromTable(loadPriceTable(), overrides);
}
