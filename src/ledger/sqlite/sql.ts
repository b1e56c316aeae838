/**
 * SQL shared by the SQLite store's modules: the usage upsert (the max-merge rule), the rollup
 * refreshes, dimension expressions, and the mapping of summed rows.
 * @module
 */

import { groupValues } from '../ledger-rows.js';
import type { GroupDimension, GroupRow } from '../usage-repository.js';
import { BUCKET_MS, type SizeClass, type UsageSums } from '../usage-sums.js';

export const UPSERT_USAGE = `
INSERT INTO usage (dedup_key, source, ts, session_id, agent_id, sidechain, model,
  input_tokens, output_tokens, cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests,
  output_final, speed, geo, reported_cost, project, git_branch, agent_version, origin_id, attributed)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (dedup_key) DO UPDATE SET
  input_tokens = max(input_tokens, excluded.input_tokens),
  output_tokens = max(output_tokens, excluded.output_tokens),
  cache_write_tokens = max(cache_write_tokens, excluded.cache_write_tokens),
  cache_write_1h_tokens = max(cache_write_1h_tokens, excluded.cache_write_1h_tokens),
  cache_read_tokens = max(cache_read_tokens, excluded.cache_read_tokens),
  web_search_requests = max(web_search_requests, excluded.web_search_requests),
  output_final = max(output_final, excluded.output_final),
  ts = min(ts, excluded.ts),
  reported_cost = CASE WHEN excluded.reported_cost IS NOT NULL AND (reported_cost IS NULL OR excluded.reported_cost > reported_cost)
    THEN excluded.reported_cost ELSE reported_cost END,
  agent_id = coalesce(agent_id, excluded.agent_id),
  sidechain = max(sidechain, excluded.sidechain),
  speed = coalesce(speed, excluded.speed),
  geo = coalesce(geo, excluded.geo),
  project = coalesce(project, excluded.project),
  git_branch = coalesce(git_branch, excluded.git_branch),
  agent_version = coalesce(agent_version, excluded.agent_version),
  attributed = min(attributed, excluded.attributed)
WHERE excluded.input_tokens > input_tokens OR excluded.output_tokens > output_tokens
  OR excluded.cache_write_tokens > cache_write_tokens OR excluded.cache_write_1h_tokens > cache_write_1h_tokens
  OR excluded.cache_read_tokens > cache_read_tokens OR excluded.web_search_requests > web_search_requests
  OR excluded.output_final > output_final OR excluded.ts < ts OR excluded.sidechain > sidechain
  OR (excluded.reported_cost IS NOT NULL AND (reported_cost IS NULL OR excluded.reported_cost > reported_cost))
  OR (agent_id IS NULL AND excluded.agent_id IS NOT NULL) OR (project IS NULL AND excluded.project IS NOT NULL)
  OR (git_branch IS NULL AND excluded.git_branch IS NOT NULL) OR (agent_version IS NULL AND excluded.agent_version IS NOT NULL)
  OR (speed IS NULL AND excluded.speed IS NOT NULL) OR (geo IS NULL AND excluded.geo IS NOT NULL)
RETURNING ts, id`;

/** The request's whole input (uncached + cache writes + cache reads) as a {@link SizeClass}. */
export function sizeClassSql(p: string): string {
  const total = `${p}input_tokens + ${p}cache_write_tokens + ${p}cache_read_tokens`;
  return `CASE WHEN ${total} > 200000 THEN 2 WHEN ${total} > 100000 THEN 1 ELSE 0 END`;
}

export const REFRESH_ROLLUP = `
INSERT INTO usage_rollup (bucket, model, size_class, speed, geo, has_reported, input_tokens, output_tokens, cache_write_tokens,
  cache_write_1h_tokens, cache_read_tokens, web_search_requests, reported_cost, reported_rows, responses, lower_bound)
SELECT ts / ${BUCKET_MS}, model, ${sizeClassSql('')}, coalesce(speed, ''), coalesce(geo, ''), reported_cost IS NOT NULL,
  sum(input_tokens), sum(output_tokens), sum(cache_write_tokens), sum(cache_write_1h_tokens), sum(cache_read_tokens),
  sum(web_search_requests), coalesce(sum(reported_cost), 0), count(reported_cost), count(*), sum(1 - output_final)
FROM usage WHERE ts >= ? AND ts < ?
GROUP BY 1, 2, 3, 4, 5, 6`;

export const SUM_COLUMNS = `sum(input_tokens), sum(output_tokens), sum(cache_write_tokens), sum(cache_write_1h_tokens),
  sum(cache_read_tokens), sum(web_search_requests), sum(reported_cost), sum(reported_rows), sum(responses), sum(lower_bound)`;
export const ROLLUP_COLUMNS = `model, size_class, speed, geo, has_reported, input_tokens, output_tokens, cache_write_tokens,
  cache_write_1h_tokens, cache_read_tokens, web_search_requests, reported_cost, reported_rows, responses, lower_bound`;

/** Rebuilds hour rows [fromHour, toHour) from the 15-minute rollup. */
export const REFRESH_HOURS = `
INSERT INTO usage_rollup_hour (hour, ${ROLLUP_COLUMNS})
SELECT bucket / 4, model, size_class, speed, geo, has_reported, ${SUM_COLUMNS}
FROM usage_rollup WHERE bucket >= ? * 4 AND bucket < ? * 4
GROUP BY 1, 2, 3, 4, 5, 6`;

/** Dimension → SQL expression over `usage u` (and `agents a` for the agent type). */
export const DIMENSION_SQL: Record<Exclude<GroupDimension, 'stage' | `label:${string}`>, string> = {
  session: 'u.session_id',
  project: 'u.project',
  branch: 'u.git_branch',
  agent: `CASE WHEN u.sidechain = 0 THEN 'main' ELSE coalesce(a.agent_type, 'subagent') END`,
  agentId: `CASE WHEN u.sidechain = 0 THEN 'main' ELSE coalesce(u.agent_id, 'unknown') END`,
  machine: 'o.machine',
  user: 'o.user_name',
  model: 'u.model',
  task: 'u.task_id',
  tool: 'ca_tool.value',
  skill: 'ca_skill.value',
  mcpServer: 'ca_mcpServer.value',
  file: 'ca_file.value',
};

export interface RollupDbRow {
  bucket: number;
  model: string;
  size_class: number;
  speed: string;
  geo: string;
  input_tokens: number;
  output_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  cache_read_tokens: number;
  web_search_requests: number;
  reported_cost: number;
  reported_rows: number;
  responses: number;
  lower_bound: number;
}

export function toSums(r: RollupDbRow): UsageSums {
  return {
    input: r.input_tokens,
    output: r.output_tokens,
    cacheWrite: r.cache_write_tokens,
    cacheWrite1h: r.cache_write_1h_tokens,
    cacheRead: r.cache_read_tokens,
    webSearch: r.web_search_requests,
    reportedCost: r.reported_cost,
    reportedRows: r.reported_rows,
    responses: r.responses,
    lowerBound: r.lower_bound,
  };
}

/**
 * A rollup row read with `.raw()`: its value, bucket (or day), the pricing key (model, size class,
 * speed, geo), then the sums and the first and last times, in that order.
 */
export type RawGroupRow = [
  string,
  number,
  string,
  number,
  string,
  string,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

/** A {@link RawGroupRow} as a group row with the given values and bucket. */
export function rawGroupRow(r: RawGroupRow, values: Record<string, string>, bucket: number): GroupRow {
  return {
    values,
    bucket,
    model: r[2],
    sizeClass: r[3] as SizeClass,
    speed: r[4],
    geo: r[5],
    input: r[6],
    output: r[7],
    cacheWrite: r[8],
    cacheWrite1h: r[9],
    cacheRead: r[10],
    webSearch: r[11],
    reportedCost: r[12],
    reportedRows: r[13],
    responses: r[14],
    lowerBound: r[15],
    firstTs: r[16],
    lastTs: r[17],
  };
}

/** A grouped row as `groups()` selects it by name: dimensions `d0`, `d1`, …, pricing key, sums, times. */
export type NamedGroupDbRow = RollupDbRow & Record<string, unknown> & { first_ts: number; last_ts: number };

/** A {@link NamedGroupDbRow} as a group row of `dims`. */
export function namedGroupRow(r: NamedGroupDbRow, dims: readonly GroupDimension[]): GroupRow {
  return {
    values: groupValues(r, dims),
    bucket: r.bucket,
    model: r.model,
    sizeClass: r.size_class as SizeClass,
    speed: r.speed,
    geo: r.geo,
    firstTs: r.first_ts,
    lastTs: r.last_ts,
    ...toSums(r),
  };
}
