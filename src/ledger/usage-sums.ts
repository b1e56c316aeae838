/**
 * Summed usage and the facts a group's price depends on: what every usage query of the ledger
 * returns, whatever the backend.
 * @module
 */
import { addTokenCounts, type TokenCounts } from '../util/token-counts.js';

/** Rows are grouped into 15-minute UTC buckets: every real time zone offset is a multiple of 15 minutes. */
export const BUCKET_MS = 900_000;

/** A size class of the request's whole input (uncached + cache writes + cache reads): 0 ≤100k, 1 ≤200k, 2 >200k. */
export type SizeClass = 0 | 1 | 2;

/** The facts about a group of rows that its price depends on. */
export interface PricingKey {
  model: string;
  sizeClass: SizeClass;
  /** `fast` or '' */
  speed: string;
  /** `inference_geo` or '' */
  geo: string;
}

/**
 * Summed usage of a group of records. Groups never mix rows with and without a reported cost:
 * `reportedRows` is either 0 or `responses`.
 */
export interface UsageSums extends TokenCounts {
  /** Sum of costs the source reported, over the rows that had one. */
  reportedCost: number;
  /** Rows with a reported cost. */
  reportedRows: number;
  /** Number of API responses. */
  responses: number;
  /** Responses whose output count is only a lower bound (no line had a stop_reason). */
  lowerBound: number;
}

/**
 * All-zero sums: the token counts' fields (in `emptyTokenCounts`' order), then the response counts. Written out
 * rather than spread from it: a report makes one per row and model, and copying by spread took a
 * couple of microseconds each (most of a year's daily report).
 */
export function emptySums(): UsageSums {
  return {
    input: 0,
    output: 0,
    cacheWrite: 0,
    cacheWrite1h: 0,
    cacheRead: 0,
    webSearch: 0,
    reportedCost: 0,
    reportedRows: 0,
    responses: 0,
    lowerBound: 0,
  };
}

/** Adds `from` into `into`: its token counts with {@link addTokenCounts}, then the response counts. */
export function addSums(into: UsageSums, from: UsageSums): void {
  addTokenCounts(into, from);
  into.reportedCost += from.reportedCost;
  into.reportedRows += from.reportedRows;
  into.responses += from.responses;
  into.lowerBound += from.lowerBound;
}
