/**
 * The SQLite ledger as plain records (`exportRecords`), for `tokenledger export --jsonl`: every
 * table another ledger needs to give the same reports, without row ids and without what is derived
 * (usage rows and agent rows of declared telemetry, rollups, cursors). Writing records back is in
 * `record-imports.ts`.
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
import type { Statements } from './statements.js';
import { runs as runRows, type SpanDbRow, type TaskDbRow } from './tasks.js';

import { declaredTasks, TELEMETRY_SOURCE, telemetryErrors, telemetrySession } from './telemetry.js';

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

function usageRecords(s: Statements, filter: RecordFilter): TimedRecord[] {
  const where = [`u.source <> '${TELEMETRY_SOURCE}'`];
  const params: number[] = [];
  if (filter.fromMs !== undefined) {
    where.push('u.ts >= ?');
    params.push(filter.fromMs);
  }
  if (filter.toMs !== undefined) {
    where.push('u.ts < ?');
    params.push(filter.toMs);
  }
  const rows = s
    .get(
      `SELECT u.*, o.machine, o.user_name FROM usage u JOIN origins o ON o.id = u.origin_id
       WHERE ${where.join(' AND ')} ORDER BY u.ts, u.dedup_key`,
    )
    .all(...params) as UsageDbRow[];
  return rows.map((r) => ({ at: r.ts, record: toUsage(r) }));
}

/** The first usage of each session: where its agents and spawns belong in time. */
function sessionStarts(s: Statements): Map<string, number> {
  const rows = s
    .get(
      `SELECT session_id, min(ts) AS ts FROM usage WHERE source <> '${TELEMETRY_SOURCE}' GROUP BY session_id`,
    )
    .all() as { session_id: string; ts: number }[];
  return new Map(rows.map((r) => [r.session_id, r.ts]));
}

function agentRecords(s: Statements, starts: Map<string, number>): TimedRecord[] {
  const rows = s
    .get('SELECT * FROM agents WHERE substr(session_id, 1, ?) <> ? ORDER BY session_id, agent_id')
    .all(TELEMETRY_SESSION_PREFIX.length, TELEMETRY_SESSION_PREFIX) as {
    session_id: string;
    agent_id: string;
    agent_type: string;
    priority: number;
  }[];
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

function spawnRecords(s: Statements, starts: Map<string, number>): TimedRecord[] {
  const rows = s.get('SELECT * FROM agent_spawns ORDER BY session_id, tool_use_id').all() as {
    session_id: string;
    tool_use_id: string;
    agent_id: string | null;
    agent_type: string | null;
    task_id: string | null;
  }[];
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

function taskRecords(s: Statements): TimedRecord[] {
  const rows = s.get('SELECT * FROM tasks ORDER BY created_at, id').all() as TaskDbRow[];
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

function spanRecords(s: Statements): TimedRecord[] {
  const rows = s.get('SELECT * FROM spans ORDER BY from_ts, id').all() as SpanDbRow[];
  return rows.map((r) => ({ at: r.from_ts, record: toSpanRecord(r) }));
}

/** Every run (or those whose row id `keep` accepts) as a record; empty labels are none (a run is known by its content). */
export function runLedgerRecords(s: Statements, keep?: (id: number) => boolean): RunLedgerRecord[] {
  const rows = runRows(s, {});
  return (keep === undefined ? rows : rows.filter((r) => keep(r.id))).map(({ id: _id, labels, ...run }) => ({
    type: 'run',
    ...run,
    labels: labels !== null && Object.keys(labels).length > 0 ? labels : null,
  }));
}

function runRecords(s: Statements): TimedRecord[] {
  return runLedgerRecords(s).map((record) => ({ at: record.startedAt, record }));
}

function declaredRecords(s: Statements): TimedRecord[] {
  return declaredTasks(s, {}).map((t) => {
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

function errorRecords(s: Statements): TimedRecord[] {
  return telemetryErrors(s, {}).map(({ id: _id, ...e }) => {
    const record: TelemetryErrorLedgerRecord = { type: 'telemetry_error', ...e };
    return { at: e.at, record };
  });
}

function inRange(at: number | null, f: RecordFilter): boolean {
  if (f.fromMs === undefined && f.toMs === undefined) return true;
  if (at === null) return false;
  return (f.fromMs === undefined || at >= f.fromMs) && (f.toMs === undefined || at < f.toMs);
}

export function exportRecords(s: Statements, filter: RecordFilter): TimedRecord[] {
  // One read transaction: a consistent snapshot while hooks write.
  return s.db.transaction(() => {
    const starts = sessionStarts(s);
    const rest: TimedRecord[] = [
      ...agentRecords(s, starts),
      ...spawnRecords(s, starts),
      ...taskRecords(s),
      ...spanRecords(s),
      ...runRecords(s),
      ...declaredRecords(s),
      ...errorRecords(s),
    ].filter((r) => inRange(r.at, filter));
    const all = [...usageRecords(s, filter), ...rest];
    const time = (r: TimedRecord) => r.at ?? Number.MAX_SAFE_INTEGER;
    return all.sort((a, b) => time(a) - time(b));
  })();
}
