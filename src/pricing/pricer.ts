/**
 * The pricing contract. The ledger stores token facts only; dollars are computed at report time
 * from grouped token sums and the price table, so a price fix or a user override applies to all
 * history at once and nothing stored goes stale.
 * @module
 */

import type { PricingKey } from '../ledger/usage-sums.js';
import type { TokenCounts } from '../util/token-counts.js';

/** USD per million tokens. */
export interface Rates {
  input: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  output: number;
}

export interface PriceResolution {
  /** The price-table entry the model matched, e.g. `claude-sonnet-4-5`. */
  canonical: string;
  /** `table` or `override` (from the user's config). */
  from: 'table' | 'override';
}

export interface Pricer {
  /** Identifies the table and overrides in use, e.g. `anthropic-2026-11-20+overrides:3f2a`. */
  readonly version: string;
  /** Where the table's prices come from, and as of which date. */
  readonly source: string;
  /**
   * The instants (epoch ms, UTC midnights, ascending) at which a dated price changes: a cost of
   * usage grouped over a span that holds none of them is the same at any time inside the span.
   */
  readonly priceChanges: readonly number[];
  /** The entry a model id resolves to, or null when it is unpriced. */
  resolve(model: string): PriceResolution | null;
  /**
   * The cost in USD of `tokens` that share `key`, used at time `atMs` (for dated prices), or null
   * when they have no price: the model is unpriced, or the key is fast mode and the model has no
   * fast rate at that time (never the standard rates instead). Never 0 for an unknown model.
   */
  cost(key: PricingKey, tokens: TokenCounts, atMs: number): number | null;
  /**
   * A one-line hint telling the user how to price an unpriced model, or (`fast`) its fast-mode
   * requests.
   */
  unpricedHint(model: string, fast?: boolean): string;
}

/** Whether a key is a fast-mode request (`usage.speed` "fast", any case): priced only at fast rates. */
export function isFast(key: Pick<PricingKey, 'speed'>): boolean {
  return key.speed.trim().toLowerCase() === 'fast';
}
