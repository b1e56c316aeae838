/**
 * SQL shared by the PostgreSQL store's modules: the usage sums the rollups and reports take, and the
 * mapping of summed rows. Expressions that read the same on both backends (the size class, the
 * report dimensions) come from the SQLite store's sql.ts.
 * @module
 */

import { DIMENSION_SQL, type RollupDbRow, sizeClassSql, toSums } from '../sqlite/sql.js';
import { BUCKET_MS, type SizeClass, type UsageSums } from '../usage-sums.js';

export { DIMENSION_SQL, type RollupDbRow, sizeClassSql, toSums };

/**
 * The pricing key and sums of usage rows `p` (alias with dot, or ''), named as the rollup's columns:
 * what `GROUP BY model, size_class, speed, geo, has_reported` sums.
 */
export function usageSumsSql(p: string): string {
  return `${p}model AS model, ${sizeClassSql(p)} AS size_class, coalesce(${p}speed, '') AS speed,
    coalesce(${p}geo, '') AS geo, (${p}reported_cost IS NOT NULL)::int AS has_reported,
    sum(${p}input_tokens) AS input_tokens, sum(${p}output_tokens) AS output_tokens,
    sum(${p}cache_write_tokens) AS cache_write_tokens, sum(${p}cache_write_1h_tokens) AS cache_write_1h_tokens,
    sum(${p}cache_read_tokens) AS cache_read_tokens, sum(${p}web_search_requests) AS web_search_requests,
    coalesce(sum(${p}reported_cost), 0) AS reported_cost, count(${p}reported_cost) AS reported_rows,
    count(*) AS responses, sum(1 - ${p}output_final) AS lower_bound`;
}

/** Sums of rollup rows, named as the rollup's columns. */
export const ROLLUP_SUMS = `sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
  sum(cache_write_tokens) AS cache_write_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens,
  sum(cache_read_tokens) AS cache_read_tokens, sum(web_search_requests) AS web_search_requests,
  sum(reported_cost) AS reported_cost, sum(reported_rows) AS reported_rows, sum(responses) AS responses,
  sum(lower_bound) AS lower_bound`;

/** The 15-minute bucket of a usage row's `ts` (integer division, as SQLite computes it). */
export const BUCKET_SQL = `ts / ${BUCKET_MS}`;

/** A rollup row as a {@link BucketRow}'s fields (pricing key and sums). */
export function pricedSums(r: RollupDbRow): {
  model: string;
  sizeClass: SizeClass;
  speed: string;
  geo: string;
} & UsageSums {
  return { model: r.model, sizeClass: r.size_class as SizeClass, speed: r.speed, geo: r.geo, ...toSums(r) };
}

/**
 * ORDER BY `first`, then the pricing key, text bytewise (as SQLite and JavaScript compare): for a
 * query whose rows have the rollup's column names (wrap a grouped query in a subquery).
 */
export function KEY_ORDER(first: string): string {
  return `${first}, model COLLATE "C", size_class, speed COLLATE "C", geo COLLATE "C", has_reported`;
}
