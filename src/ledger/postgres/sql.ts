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

/**
 * The max-merge of a usage row with another copy of its API call (`usage AS u`, the copy as
 * EXCLUDED): every count and flag its maximum, the earliest time, the largest reported cost, and
 * attributes filled in where missing; a copy that changes nothing updates nothing. SQLite's is
 * UPSERT_USAGE in ../sqlite/sql.ts. Written into each INSERT … SELECT of usage rows.
 */
export const USAGE_MAX_MERGE = `  ON CONFLICT (dedup_key) DO UPDATE SET
    input_tokens = GREATEST(u.input_tokens, EXCLUDED.input_tokens),
    output_tokens = GREATEST(u.output_tokens, EXCLUDED.output_tokens),
    cache_write_tokens = GREATEST(u.cache_write_tokens, EXCLUDED.cache_write_tokens),
    cache_write_1h_tokens = GREATEST(u.cache_write_1h_tokens, EXCLUDED.cache_write_1h_tokens),
    cache_read_tokens = GREATEST(u.cache_read_tokens, EXCLUDED.cache_read_tokens),
    web_search_requests = GREATEST(u.web_search_requests, EXCLUDED.web_search_requests),
    output_final = GREATEST(u.output_final, EXCLUDED.output_final),
    ts = LEAST(u.ts, EXCLUDED.ts),
    reported_cost = CASE WHEN EXCLUDED.reported_cost IS NOT NULL AND (u.reported_cost IS NULL OR EXCLUDED.reported_cost > u.reported_cost)
      THEN EXCLUDED.reported_cost ELSE u.reported_cost END,
    agent_id = coalesce(u.agent_id, EXCLUDED.agent_id),
    sidechain = GREATEST(u.sidechain, EXCLUDED.sidechain),
    speed = coalesce(u.speed, EXCLUDED.speed),
    geo = coalesce(u.geo, EXCLUDED.geo),
    project = coalesce(u.project, EXCLUDED.project),
    git_branch = coalesce(u.git_branch, EXCLUDED.git_branch),
    agent_version = coalesce(u.agent_version, EXCLUDED.agent_version),
    attributed = LEAST(u.attributed, EXCLUDED.attributed)
  WHERE EXCLUDED.input_tokens > u.input_tokens OR EXCLUDED.output_tokens > u.output_tokens
    OR EXCLUDED.cache_write_tokens > u.cache_write_tokens OR EXCLUDED.cache_write_1h_tokens > u.cache_write_1h_tokens
    OR EXCLUDED.cache_read_tokens > u.cache_read_tokens OR EXCLUDED.web_search_requests > u.web_search_requests
    OR EXCLUDED.output_final > u.output_final OR EXCLUDED.ts < u.ts OR EXCLUDED.sidechain > u.sidechain
    OR (EXCLUDED.reported_cost IS NOT NULL AND (u.reported_cost IS NULL OR EXCLUDED.reported_cost > u.reported_cost))
    OR (u.agent_id IS NULL AND EXCLUDED.agent_id IS NOT NULL) OR (u.project IS NULL AND EXCLUDED.project IS NOT NULL)
    OR (u.git_branch IS NULL AND EXCLUDED.git_branch IS NOT NULL) OR (u.agent_version IS NULL AND EXCLUDED.agent_version IS NOT NULL)
    OR (u.speed IS NULL AND EXCLUDED.speed IS NOT NULL) OR (u.geo IS NULL AND EXCLUDED.geo IS NOT NULL)`;
