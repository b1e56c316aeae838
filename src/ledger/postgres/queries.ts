/**
 * Read queries of the PostgreSQL store: usage grouped by dimensions, problems, cost-state totals,
 * stats. The same rows as the SQLite store's queries.ts.
 * @module
 */

import { activityJoins, isActivityDimension } from '../call-activity-sql.js';
import { bucketRange, driverJoins, rollupKind } from '../call-driver-sql.js';
import { DAY_MS, daySpanSql } from '../day-spans.js';
import type { CostCheckpointRow, ProblemRow } from '../ingest-state-repository.js';
import { DECLARED_USAGE_SOURCE } from '../ledger-records.js';
import { groupValues } from '../ledger-rows.js';
import type { LedgerStats } from '../store.js';
import type { StageMap } from '../task-repository.js';
import type { GroupDimension, GroupQuery, GroupRow, UsageFilter } from '../usage-repository.js';
import { BUCKET_MS } from '../usage-sums.js';
import { refreshActivity, rollupGroups } from './call-drivers.js';
import type { PgDb, PgQueryable } from './connection.js';
import { forgottenCallCount } from './forgotten.js';
import { DIMENSION_SQL, pricedSums, type RollupDbRow, usageSumsSql } from './sql.js';

/** Collects query parameters and names them `$n`. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** SQL for one dimension (its parameters added to `p`). */
export function dimensionSql(d: GroupDimension, stageMap: StageMap, p: Params): string {
  if (d === 'stage') {
    // A stage the attribute step set; else the agent type through the map (subagents only).
    const type = "coalesce(a.agent_type, 'subagent')";
    const entries = Object.entries(stageMap);
    const mapped =
      entries.length === 0
        ? type
        : `CASE ${type} ${entries.map(([k, v]) => `WHEN ${p.add(k)}::text THEN ${p.add(v)}::text`).join(' ')} ELSE ${type} END`;
    return `coalesce(u.stage, CASE WHEN u.sidechain = 1 THEN ${mapped} END)`;
  }
  if (d.startsWith('label:')) return `(u.labels::jsonb ->> ${p.add(d.slice(6).replaceAll('"', ''))}::text)`;
  return DIMENSION_SQL[d as keyof typeof DIMENSION_SQL];
}

/**
 * The WHERE clause (with `WHERE`, or '') of a usage filter over `usage u`, after any `conditions` of
 * the caller's own; the filter's parameters are added to `p`.
 */
export function usageWhere(f: UsageFilter, p: Params, conditions: readonly string[] = []): string {
  const where = [...conditions];
  if (f.fromMs !== undefined) where.push(`u.ts >= ${p.add(f.fromMs)}::bigint`);
  if (f.toMs !== undefined) where.push(`u.ts < ${p.add(f.toMs)}::bigint`);
  if (f.session !== undefined) where.push(`u.session_id = ${p.add(f.session)}::text`);
  if (f.project !== undefined) where.push(`u.project = ${p.add(f.project)}::text`);
  if (f.projectDir !== undefined) {
    // The directory itself, or a path under it with either separator (no LIKE: `_` and `%` are literal).
    const dir = f.projectDir.replace(/[\\/]+$/, '');
    where.push(
      `(u.project = ${p.add(dir === '' ? f.projectDir : dir)}::text OR starts_with(u.project, ${p.add(`${dir}/`)}::text) OR starts_with(u.project, ${p.add(`${dir}\\`)}::text))`,
    );
  }
  if (f.tasks !== undefined)
    where.push(f.tasks.length === 0 ? 'false' : `u.task_id = ANY(${p.add([...f.tasks])}::text[])`);
  return where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
}

type GroupDbRow = RollupDbRow & Record<string, unknown> & { first_ts: number; last_ts: number };

export async function groups(db: PgDb, query: GroupQuery): Promise<GroupRow[]> {
  const dims = [...new Set(query.dimensions)];
  const atRead = query.linkAtRead === true;
  const kind = atRead ? null : rollupKind(dims, query.filter, query.activityTotal === true);
  if (kind !== null)
    return rollupGroups(db, kind, dims[0], bucketRange(query.filter), query.grain ?? 'bucket', query.cuts);
  if (!atRead && dims.some(isActivityDimension)) await refreshActivity(db);
  const stageMap = query.stageMap ?? {};
  const p = new Params();
  const select = dims.map((d, i) => `${dimensionSql(d, stageMap, p)} AS d${i}`);
  const whereSql = usageWhere(query.filter, p);
  const joinAgents = dims.includes('agent') || dims.includes('stage');
  const joinOrigins = dims.includes('machine') || dims.includes('user');
  // Grouped by position: a name such as `speed` would mean the column, not its coalesced value.
  // A day is 96 buckets: rows of the `day` grain carry the bucket their UTC day starts at; with
  // cuts, a row per span (grouped in the bucket's place), carrying the bucket of its first day.
  const spans = query.grain === 'day' && query.cuts !== undefined;
  const day = `(u.ts / ${DAY_MS})`;
  const time = spans
    ? `${daySpanSql(day, query.cuts ?? [])} AS span`
    : `${query.grain === 'day' ? `${day} * 96` : `u.ts / ${BUCKET_MS}`} AS bucket`;
  const sql = `SELECT ${[...select, time].join(', ')}, ${usageSumsSql('u.')},
      min(u.ts) AS first_ts, max(u.ts) AS last_ts${spans ? `, min(${day}) * 96 AS bucket` : ''}
    FROM usage u ${joinAgents ? 'LEFT JOIN agents a ON a.session_id = u.session_id AND a.agent_id = u.agent_id' : ''}
    ${joinOrigins ? 'JOIN origins o ON o.id = u.origin_id' : ''}
    ${atRead ? activityJoins(dims, ' COLLATE "C"') : driverJoins(dims)}
    ${whereSql}
    GROUP BY ${Array.from({ length: dims.length + 6 }, (_, i) => i + 1).join(', ')}`;
  const rows = await db.query<GroupDbRow>(sql, p.values);
  return rows.map((r) => ({
    values: groupValues(r, dims),
    bucket: r.bucket,
    ...pricedSums(r),
    firstTs: r.first_ts,
    lastTs: r.last_ts,
  }));
}

export async function problems(
  db: PgQueryable,
  limit: number,
): Promise<{ rows: ProblemRow[]; total: number }> {
  const [count] = await db.query<{ n: number }>('SELECT count(*) AS n FROM problems');
  const rows = await db.query<{
    file: string;
    line: number | null;
    byte_offset: number;
    severity: 'error' | 'warning';
    reason: string;
    first_seen: number;
    last_seen: number;
  }>(
    `SELECT file, line, byte_offset, severity, reason, first_seen, last_seen FROM problems
     ORDER BY last_seen DESC, file COLLATE "C", byte_offset LIMIT $1`,
    [limit],
  );
  return {
    total: count?.n ?? 0,
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

export async function costCheckpoints(
  db: PgQueryable,
  source: string,
  sessionIds: readonly string[],
): Promise<Map<string, CostCheckpointRow>> {
  const out = new Map<string, CostCheckpointRow>();
  if (sessionIds.length === 0) return out;
  const rows = await db.query<{ session_id: string; total_cost_usd: number; models: string }>(
    'SELECT session_id, total_cost_usd, models FROM cost_checkpoints WHERE source = $1 AND session_id = ANY($2::text[])',
    [source, [...sessionIds]],
  );
  const found = new Map(rows.map((r) => [r.session_id, r]));
  // In the order asked, as on SQLite.
  for (const id of sessionIds) {
    const r = found.get(id);
    if (r !== undefined)
      out.set(id, {
        sessionId: r.session_id,
        totalCostUsd: r.total_cost_usd,
        models: JSON.parse(r.models) as CostCheckpointRow['models'],
      });
  }
  return out;
}

export async function stats(db: PgQueryable): Promise<LedgerStats> {
  const [u] = await db.query<{ n: number; d: number; s: number; a: number | null; b: number | null }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE source = $1) AS d,
       count(DISTINCT session_id) FILTER (WHERE source <> $1) AS s, min(ts) AS a, max(ts) AS b FROM usage`,
    [DECLARED_USAGE_SOURCE],
  );
  const [files] = await db.query<{ n: number; meta: number }>(
    "SELECT count(*) AS n, count(*) FILTER (WHERE path ILIKE '%.meta.json') AS meta FROM files",
  );
  const [problemCount] = await db.query<{ n: number }>('SELECT count(*) AS n FROM problems');
  const [last] = await db.query<{ t: number | null }>('SELECT max(finished_at) AS t FROM import_runs');
  return {
    records: u?.n ?? 0,
    declaredRecords: u?.d ?? 0,
    sessions: u?.s ?? 0,
    firstTs: u?.a ?? null,
    lastTs: u?.b ?? null,
    files: files?.n ?? 0,
    metaFiles: files?.meta ?? 0,
    forgottenCalls: await forgottenCallCount(db),
    problems: problemCount?.n ?? 0,
    lastImport: last?.t ?? null,
  };
}
