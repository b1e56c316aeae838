/**
 * Read queries of the SQLite store: usage grouped by dimensions, problems, cost-state totals, stats.
 * @module
 */

import { activityJoins, isActivityDimension } from '../call-activity-sql.js';
import { bucketRange, driverJoins, rollupKind } from '../call-driver-sql.js';
import { DAY_MS, daySpanSql } from '../day-spans.js';
import type { CostCheckpointRow, ProblemRow } from '../ingest-state-repository.js';
import type { LedgerStats } from '../store.js';
import type { StageMap } from '../task-repository.js';
import type { GroupDimension, GroupQuery, GroupRow, UsageFilter } from '../usage-repository.js';
import { BUCKET_MS } from '../usage-sums.js';
import { refreshActivity, rollupGroups } from './call-drivers.js';
import { forgottenCallCount } from './forgotten.js';
import { DIMENSION_SQL, type NamedGroupDbRow, namedGroupRow, sizeClassSql } from './sql.js';
import type { Statements } from './statements.js';
import { TELEMETRY_SOURCE } from './telemetry.js';

/** SQL and parameters for one dimension. */
export function dimensionSql(d: GroupDimension, stageMap: StageMap): { sql: string; params: string[] } {
  if (d === 'stage') {
    // A stage the attribute step set; else the agent type through the map (subagents only).
    const entries = Object.entries(stageMap);
    const type = "coalesce(a.agent_type, 'subagent')";
    const mapped =
      entries.length === 0
        ? type
        : `CASE ${type} ${entries.map(() => 'WHEN ? THEN ?').join(' ')} ELSE ${type} END`;
    return { sql: `coalesce(u.stage, CASE WHEN u.sidechain = 1 THEN ${mapped} END)`, params: entries.flat() };
  }
  if (d.startsWith('label:'))
    return { sql: 'json_extract(u.labels, ?)', params: [`$."${d.slice(6).replaceAll('"', '')}"`] };
  return { sql: DIMENSION_SQL[d as keyof typeof DIMENSION_SQL], params: [] };
}

/**
 * The WHERE clause (with `WHERE`, or '') of a usage filter over `usage u`, after any `conditions` of
 * the caller's own; the filter's parameters are added to `params`.
 */
export function usageWhere(
  f: UsageFilter,
  params: (string | number)[],
  conditions: readonly string[] = [],
): string {
  const where = [...conditions];
  if (f.fromMs !== undefined) {
    where.push('u.ts >= ?');
    params.push(f.fromMs);
  }
  if (f.toMs !== undefined) {
    where.push('u.ts < ?');
    params.push(f.toMs);
  }
  if (f.session !== undefined) {
    where.push('u.session_id = ?');
    params.push(f.session);
  }
  if (f.project !== undefined) {
    where.push('u.project = ?');
    params.push(f.project);
  }
  if (f.projectDir !== undefined) {
    // The directory itself, or a path under it with either separator (no LIKE: `_` and `%` are literal).
    const dir = f.projectDir.replace(/[\\/]+$/, '');
    where.push('(u.project = ? OR instr(u.project, ?) = 1 OR instr(u.project, ?) = 1)');
    params.push(dir === '' ? f.projectDir : dir, `${dir}/`, `${dir}\\`);
  }
  if (f.tasks !== undefined) {
    where.push(f.tasks.length === 0 ? '0' : `u.task_id IN (${f.tasks.map(() => '?').join(', ')})`);
    params.push(...f.tasks);
  }
  return where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
}

export function groups(s: Statements, query: GroupQuery): GroupRow[] {
  const dims = [...new Set(query.dimensions)];
  const atRead = query.linkAtRead === true;
  const kind = atRead ? null : rollupKind(dims, query.filter, query.activityTotal === true);
  if (kind !== null)
    return rollupGroups(s, kind, dims[0], bucketRange(query.filter), query.grain ?? 'bucket', query.cuts);
  if (!atRead && dims.some(isActivityDimension)) refreshActivity(s);
  const stageMap = query.stageMap ?? {};
  const parts = dims.map((d) => dimensionSql(d, stageMap));
  const select = parts.map((p, i) => `${p.sql} AS d${i}`);
  const params: (string | number)[] = parts.flatMap((p) => p.params);
  const whereSql = usageWhere(query.filter, params);
  const joinAgents = dims.includes('agent') || dims.includes('stage');
  const joinOrigins = dims.includes('machine') || dims.includes('user');
  const groupCols = dims.map((_, i) => `d${i}`);
  // A day is 96 buckets: rows of the `day` grain carry the bucket their UTC day starts at; with
  // cuts, a row per span, carrying the bucket of its first day.
  const spans = query.grain === 'day' && query.cuts !== undefined;
  const day = `(u.ts / ${DAY_MS})`;
  const time = spans
    ? [`${daySpanSql(day, query.cuts ?? [])} AS span`, `min(${day}) * 96 AS bucket`]
    : [`${query.grain === 'day' ? `${day} * 96` : `u.ts / ${BUCKET_MS}`} AS bucket`];
  const sql = `SELECT ${[...select, ...time].join(', ')}, u.model AS model,
      ${sizeClassSql('u.')} AS size_class,
      coalesce(u.speed, '') AS speed, coalesce(u.geo, '') AS geo, u.reported_cost IS NOT NULL AS has_reported,
      sum(u.input_tokens) AS input_tokens, sum(u.output_tokens) AS output_tokens, sum(u.cache_write_tokens) AS cache_write_tokens,
      sum(u.cache_write_1h_tokens) AS cache_write_1h_tokens, sum(u.cache_read_tokens) AS cache_read_tokens,
      sum(u.web_search_requests) AS web_search_requests, coalesce(sum(u.reported_cost), 0) AS reported_cost,
      count(u.reported_cost) AS reported_rows, count(*) AS responses, sum(1 - u.output_final) AS lower_bound,
      min(u.ts) AS first_ts, max(u.ts) AS last_ts
    FROM usage u ${joinAgents ? 'LEFT JOIN agents a ON a.session_id = u.session_id AND a.agent_id = u.agent_id' : ''}
    ${joinOrigins ? 'JOIN origins o ON o.id = u.origin_id' : ''}
    ${atRead ? activityJoins(dims, '') : driverJoins(dims, 'CROSS JOIN')}
    ${whereSql}
    GROUP BY ${[...groupCols, spans ? 'span' : 'bucket', 'model', 'size_class', 'speed', 'geo', 'has_reported'].join(', ')}`;
  const rows = s.get(sql).all(...params) as NamedGroupDbRow[];
  return rows.map((r) => namedGroupRow(r, dims));
}

export function problems(s: Statements, limit: number): { rows: ProblemRow[]; total: number } {
  const total = (s.get('SELECT count(*) AS n FROM problems').get() as { n: number }).n;
  const rows = s
    .get(
      'SELECT file, line, byte_offset, severity, reason, first_seen, last_seen FROM problems ORDER BY last_seen DESC, file, byte_offset LIMIT ?',
    )
    .all(limit) as {
    file: string;
    line: number | null;
    byte_offset: number;
    severity: 'error' | 'warning';
    reason: string;
    first_seen: number;
    last_seen: number;
  }[];
  return {
    total,
    rows: rows.map((r) => ({
      file: r.file,
      line: r.line,
      offset: r.byte_offset < 0 ? null : r.byte_offset,
      severity: r.severity,
      reason: r.reason,
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
    })),
  };
}

export function costCheckpoints(
  s: Statements,
  source: string,
  sessionIds: readonly string[],
): Map<string, CostCheckpointRow> {
  const out = new Map<string, CostCheckpointRow>();
  const stmt = s.get(
    'SELECT total_cost_usd, models FROM cost_checkpoints WHERE source = ? AND session_id = ?',
  );
  for (const id of sessionIds) {
    const r = stmt.get(source, id) as { total_cost_usd: number; models: string } | undefined;
    if (r)
      out.set(id, {
        sessionId: id,
        totalCostUsd: r.total_cost_usd,
        models: JSON.parse(r.models) as CostCheckpointRow['models'],
      });
  }
  return out;
}

export function stats(s: Statements): LedgerStats {
  const u = s
    .get(
      `SELECT count(*) AS n, coalesce(sum(source = '${TELEMETRY_SOURCE}'), 0) AS d,
         count(DISTINCT CASE WHEN source <> '${TELEMETRY_SOURCE}' THEN session_id END) AS s,
         min(ts) AS a, max(ts) AS b FROM usage`,
    )
    .get() as {
    n: number;
    d: number;
    s: number;
    a: number | null;
    b: number | null;
  };
  const files = s
    .get("SELECT count(*) AS n, coalesce(sum(path LIKE '%.meta.json'), 0) AS meta FROM files")
    .get() as { n: number; meta: number };
  const problems = (s.get('SELECT count(*) AS n FROM problems').get() as { n: number }).n;
  const last = (s.get('SELECT max(finished_at) AS t FROM import_runs').get() as { t: number | null }).t;
  return {
    records: u.n,
    declaredRecords: u.d,
    sessions: u.s,
    firstTs: u.a,
    lastTs: u.b,
    files: files.n,
    metaFiles: files.meta,
    forgottenCalls: forgottenCallCount(s),
    problems,
    lastImport: last,
  };
}
