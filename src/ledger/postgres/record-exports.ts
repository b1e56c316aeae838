/**
 * The PostgreSQL ledger as plain records (`exportRecords`), the twin of `ledger/sqlite/jsonl-records.ts`:
 * every table another ledger needs to give the same reports, without row ids and without what is
 * derived (usage rows and agent rows of declared telemetry, rollups, cursors). Text is ordered by
 * code point (`COLLATE "C"`), as SQLite orders it.
 * @module
 */
import type {
  AgentLedgerRecord,
  DeclaredTaskLedgerRecord,
  Labels,
  RecordFilter,
  RunLedgerRecord,
  SpanLedgerRecord,
  SpawnLedgerRecord,
  TaskLedgerRecord,
  TelemetryErrorLedgerRecord,
  TimedRecord,
  UsageLedgerRecord,
} from '../ledger-records.js';
import type { PgQueryable } from './connection.js';
import { TELEMETRY_SOURCE, telemetrySession } from './declared-usage.js';
import { runsIn } from './runs.js';
import { SPAN_COLUMNS, type SpanDbRow } from './spans.js';
import { TASK_COLUMNS, type TaskDbRow } from './tasks.js';
import { declaredTasksIn, telemetryErrorsIn } from './telemetry.js';

/** Session ids of declared tasks' derived rows start with this. */
const TELEMETRY_SESSION_PREFIX = telemetrySession('');

/** Parses a labels column: null when absent or empty. */
export function labelsOf(json: string | null): Labels | null {
  if (json === null || json === '') return null;
  const o = JSON.parse(json) as unknown;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  const out: Labels = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'string') out[k] = v;
  return Object.keys(out).length > 0 ? out : null;
}

interface UsageDbRow {
  dedup_key: string;
  source: string;
  ts: number;
  session_id: string;
  agent_id: string | null;
  sidechain: number;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  cache_read_tokens: number;
  web_search_requests: number;
  output_final: number;
  speed: string | null;
  geo: string | null;
  reported_cost: number | null;
  project: string | null;
  git_branch: string | null;
  agent_version: string | null;
  machine: string;
  user_name: string;
  task_id: string | null;
  stage: string | null;
  labels: string | null;
}

function toUsage(r: UsageDbRow): UsageLedgerRecord {
  return {
    type: 'usage',
    dedupKey: r.dedup_key,
    source: r.source,
    ts: r.ts,
    sessionId: r.session_id,
    agentId: r.agent_id,
    sidechain: r.sidechain === 1,
    model: r.model,
    input: r.input_tokens,
    output: r.output_tokens,
    cacheWrite: r.cache_write_tokens,
    cacheWrite1h: r.cache_write_1h_tokens,
    cacheRead: r.cache_read_tokens,
    webSearch: r.web_search_requests,
    outputFinal: r.output_final === 1,
    speed: r.speed,
    geo: r.geo,
    reportedCost: r.reported_cost,
    project: r.project,
    gitBranch: r.git_branch,
    agentVersion: r.agent_version,
    machine: r.machine,
    user: r.user_name,
    taskId: r.task_id,
    stage: r.stage,
    labels: labelsOf(r.labels),
  };
}

async function usageRecords(q: PgQueryable, filter: RecordFilter): Promise<TimedRecord[]> {
  const where = [`u.source <> '${TELEMETRY_SOURCE}'`];
  const params: number[] = [];
  if (filter.fromMs !== undefined) {
    params.push(filter.fromMs);
    where.push(`u.ts >= $${params.length}`);
  }
  if (filter.toMs !== undefined) {
    params.push(filter.toMs);
    where.push(`u.ts < $${params.length}`);
  }
  const rows = await q.query<UsageDbRow>(
    `SELECT u.dedup_key, u.source, u.ts, u.session_id, u.agent_id, u.sidechain, u.model, u.input_tokens,
       u.output_tokens, u.cache_write_tokens, u.cache_write_1h_tokens, u.cache_read_tokens, u.web_search_requests,
       u.output_final, u.speed, u.geo, u.reported_cost, u.project, u.git_branch, u.agent_version,
       o.machine, o.user_name, u.task_id, u.stage, u.labels
     FROM usage u JOIN origins o ON o.id = u.origin_id
     WHERE ${where.join(' AND ')} ORDER BY u.ts, u.dedup_key COLLATE "C"`,
    params,
  );
  return rows.map((r) => ({ at: r.ts, record: toUsage(r) }));
}

/** The first usage of each session: where its agents and spawns belong in time. */
async function sessionStarts(q: PgQueryable): Promise<Map<string, number>> {
  const rows = await q.query<{ session_id: string; ts: number }>(
    `SELECT session_id, min(ts) AS ts FROM usage WHERE source <> '${TELEMETRY_SOURCE}' GROUP BY session_id`,
  );
  return new Map(rows.map((r) => [r.session_id, r.ts]));
}

async function agentRecords(q: PgQueryable, starts: Map<string, number>): Promise<TimedRecord[]> {
  const rows = await q.query<{ session_id: string; agent_id: string; agent_type: string; priority: number }>(
    `SELECT session_id, agent_id, agent_type, priority FROM agents WHERE NOT starts_with(session_id, $1)
     ORDER BY session_id COLLATE "C", agent_id COLLATE "C"`,
    [TELEMETRY_SESSION_PREFIX],
  );
  return rows.map((r) => {
    const record: AgentLedgerRecord = {
      type: 'agent',
      sessionId: r.session_id,
      agentId: r.agent_id,
      agentType: r.agent_type,
      priority: r.priority,
    };
    return { at: starts.get(r.session_id) ?? null, record };
  });
}

async function spawnRecords(q: PgQueryable, starts: Map<string, number>): Promise<TimedRecord[]> {
  const rows = await q.query<{
    session_id: string;
    tool_use_id: string;
    agent_id: string | null;
    agent_type: string | null;
    task_id: string | null;
  }>(
    `SELECT session_id, tool_use_id, agent_id, agent_type, task_id FROM agent_spawns
     ORDER BY session_id COLLATE "C", tool_use_id COLLATE "C"`,
  );
  return rows.map((r) => {
    const record: SpawnLedgerRecord = {
      type: 'spawn',
      sessionId: r.session_id,
      toolUseId: r.tool_use_id,
      agentId: r.agent_id,
      agentType: r.agent_type,
      taskId: r.task_id,
    };
    return { at: starts.get(r.session_id) ?? null, record };
  });
}

async function taskRecords(q: PgQueryable): Promise<TimedRecord[]> {
  const rows = await q.query<TaskDbRow>(
    `SELECT ${TASK_COLUMNS} FROM tasks ORDER BY created_at, id COLLATE "C"`,
  );
  return rows.map((r) => {
    const record: TaskLedgerRecord = {
      type: 'task',
      id: r.id,
      title: r.title,
      parentId: r.parent_id,
      status: r.status,
      estimateTokens: r.estimate_tokens,
      estimateUsd: r.estimate_usd,
      labels: labelsOf(r.labels) ?? {},
      stage: r.stage,
      project: r.project,
      createdAt: r.created_at,
      startedAt: r.started_at,
      endedAt: r.ended_at,
    };
    return { at: r.created_at, record };
  });
}

export function toSpanRecord(r: SpanDbRow): SpanLedgerRecord {
  return {
    type: 'span',
    scope: r.scope,
    sessionId: r.session_id,
    agentId: r.agent_id,
    project: r.project,
    fromTs: r.from_ts,
    toTs: r.to_ts,
    taskId: r.task_id,
    stage: r.stage,
    labels: labelsOf(r.labels),
    source: r.source,
    createdAt: r.created_at,
  };
}

async function spanRecords(q: PgQueryable): Promise<TimedRecord[]> {
  const rows = await q.query<SpanDbRow>(`SELECT ${SPAN_COLUMNS} FROM spans ORDER BY from_ts, id`);
  return rows.map((r) => ({ at: r.from_ts, record: toSpanRecord(r) }));
}

/** Every run (or those whose row id `keep` accepts) as a record; empty labels are none (a run is known by its content). */
export async function runLedgerRecords(
  q: PgQueryable,
  keep?: (id: number) => boolean,
): Promise<RunLedgerRecord[]> {
  const rows = await runsIn(q, {});
  return (keep === undefined ? rows : rows.filter((r) => keep(r.id))).map(({ id: _id, labels, ...run }) => ({
    type: 'run',
    ...run,
    labels: labels !== null && Object.keys(labels).length > 0 ? labels : null,
  }));
}

async function declaredRecords(q: PgQueryable): Promise<TimedRecord[]> {
  return (await declaredTasksIn(q, {})).map((t) => {
    const record: DeclaredTaskLedgerRecord = {
      type: 'declared_task',
      taskId: t.taskId,
      ts: t.ts,
      declaredAt: t.declaredAt,
      summary: t.summary,
      mode: t.mode,
      project: t.project,
      receivedAt: t.receivedAt,
      missing: t.missing,
      entries: t.entries,
      machine: t.machine,
      user: t.user,
    };
    return { at: t.ts, record };
  });
}

async function errorRecords(q: PgQueryable): Promise<TimedRecord[]> {
  return (await telemetryErrorsIn(q, {})).map(({ id: _id, ...e }) => {
    const record: TelemetryErrorLedgerRecord = { type: 'telemetry_error', ...e };
    return { at: e.at, record };
  });
}

function inRange(at: number | null, f: RecordFilter): boolean {
  if (f.fromMs === undefined && f.toMs === undefined) return true;
  if (at === null) return false;
  return (f.fromMs === undefined || at >= f.fromMs) && (f.toMs === undefined || at < f.toMs);
}

/** The records, oldest first (inside the caller's snapshot transaction). */
export async function exportRecordsIn(q: PgQueryable, filter: RecordFilter): Promise<TimedRecord[]> {
  const starts = await sessionStarts(q);
  const rest: TimedRecord[] = [
    ...(await agentRecords(q, starts)),
    ...(await spawnRecords(q, starts)),
    ...(await taskRecords(q)),
    ...(await spanRecords(q)),
    ...(await runRecordsOf(q)),
    ...(await declaredRecords(q)),
    ...(await errorRecords(q)),
  ].filter((r) => inRange(r.at, filter));
  const all = [...(await usageRecords(q, filter)), ...rest];
  const time = (r: TimedRecord) => r.at ?? Number.MAX_SAFE_INTEGER;
  return all.sort((a, b) => time(a) - time(b));
}

async function runRecordsOf(q: PgQueryable): Promise<TimedRecord[]> {
  return (await runLedgerRecords(q)).map((record) => ({ at: record.startedAt, record }));
}
