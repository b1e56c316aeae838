/**
 * The rows both backends keep, column for column (the PostgreSQL tables mirror SQLite's), and how
 * they become the plain records of `ledger-records.ts` that `exportRecords` gives: written once, so an
 * export reads the same from either backend.
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
} from './ledger-records.js';
import type { RunRow } from './run-repository.js';
import type { SpanRow, TaskRow, TaskStatus } from './task-repository.js';
import type { DeclaredTask, TelemetryErrorRow } from './telemetry-repository.js';

/** A `usage` row joined with its origin's machine and user. */
export interface UsageDbRow {
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

export interface AgentDbRow {
  session_id: string;
  agent_id: string;
  agent_type: string;
  priority: number;
}

export interface SpawnDbRow {
  session_id: string;
  tool_use_id: string;
  agent_id: string | null;
  agent_type: string | null;
  task_id: string | null;
}

export interface TaskDbRow {
  id: string;
  title: string | null;
  parent_id: string | null;
  status: TaskStatus;
  estimate_tokens: number | null;
  estimate_usd: number | null;
  labels: string | null;
  stage: string | null;
  project: string | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
}

export interface SpanDbRow {
  id: number;
  scope: SpanRow['scope'];
  session_id: string | null;
  agent_id: string | null;
  project: string | null;
  from_ts: number;
  to_ts: number | null;
  task_id: string | null;
  stage: string | null;
  labels: string | null;
  source: string;
  created_at: number;
}

/** A `runs` row. */
export interface RunDbRow {
  id: number;
  session_id: string | null;
  task_id: string | null;
  stage: string | null;
  labels: string | null;
  started_at: number;
  ended_at: number;
  exit_code: number | null;
  signal: string | null;
  total_cost_usd: number | null;
  cost_usd: number | null;
  model_usage: string | null;
  num_turns: number | null;
  duration_ms: number | null;
  duration_api_ms: number | null;
  is_error: number;
  subtype: string | null;
  source: string;
}

/** A labels column as a map: empty when absent. */
export function parseLabels(json: string | null): Record<string, string> {
  if (json === null || json === '') return {};
  const o = JSON.parse(json) as unknown;
  return typeof o === 'object' && o !== null ? (o as Record<string, string>) : {};
}

export function toTask(r: TaskDbRow): TaskRow {
  return {
    id: r.id,
    title: r.title,
    parentId: r.parent_id,
    status: r.status,
    estimateTokens: r.estimate_tokens,
    estimateUsd: r.estimate_usd,
    labels: parseLabels(r.labels),
    stage: r.stage,
    project: r.project,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
  };
}

export function toSpan(r: SpanDbRow): SpanRow {
  return {
    id: r.id,
    scope: r.scope,
    sessionId: r.session_id,
    agentId: r.agent_id,
    project: r.project,
    fromTs: r.from_ts,
    toTs: r.to_ts,
    taskId: r.task_id,
    stage: r.stage,
    labels: r.labels === null ? null : parseLabels(r.labels),
    source: r.source,
    createdAt: r.created_at,
  };
}

export function toRun(r: RunDbRow): RunRow {
  return {
    id: r.id,
    sessionId: r.session_id,
    taskId: r.task_id,
    stage: r.stage,
    labels: r.labels === null ? null : parseLabels(r.labels),
    startedAt: r.started_at,
    endedAt: r.ended_at,
    exitCode: r.exit_code,
    signal: r.signal,
    totalCostUsd: r.total_cost_usd,
    costUsd: r.cost_usd,
    modelUsage: r.model_usage === null ? null : (JSON.parse(r.model_usage) as Record<string, unknown>),
    numTurns: r.num_turns,
    durationMs: r.duration_ms,
    durationApiMs: r.duration_api_ms,
    isError: r.is_error === 1,
    subtype: r.subtype,
    source: r.source,
  };
}

/** Parses a labels column: null when absent or empty. */
export function labelsOf(json: string | null): Labels | null {
  if (json === null || json === '') return null;
  const o = JSON.parse(json) as unknown;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  const out: Labels = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'string') out[k] = v;
  return Object.keys(out).length > 0 ? out : null;
}

export function toUsageRecord(r: UsageDbRow): UsageLedgerRecord {
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

export function toAgentRecord(r: AgentDbRow): AgentLedgerRecord {
  return {
    type: 'agent',
    sessionId: r.session_id,
    agentId: r.agent_id,
    agentType: r.agent_type,
    priority: r.priority,
  };
}

export function toSpawnRecord(r: SpawnDbRow): SpawnLedgerRecord {
  return {
    type: 'spawn',
    sessionId: r.session_id,
    toolUseId: r.tool_use_id,
    agentId: r.agent_id,
    agentType: r.agent_type,
    taskId: r.task_id,
  };
}

export function toTaskRecord(r: TaskDbRow): TaskLedgerRecord {
  return {
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

/** A run as a record; empty labels are none (a run is known by its content). */
export function toRunRecord({ id: _id, labels, ...run }: RunRow): RunLedgerRecord {
  return { type: 'run', ...run, labels: labels !== null && Object.keys(labels).length > 0 ? labels : null };
}

export function toDeclaredRecord(t: DeclaredTask): DeclaredTaskLedgerRecord {
  return {
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
}

export function toErrorRecord({ id: _id, ...e }: TelemetryErrorRow): TelemetryErrorLedgerRecord {
  return { type: 'telemetry_error', ...e };
}

/** The export: usage (already in range) and the other records that fall in range, oldest first, undated last. */
export function timedExport(usage: TimedRecord[], rest: TimedRecord[], f: RecordFilter): TimedRecord[] {
  const inRange = (at: number | null) =>
    (f.fromMs === undefined && f.toMs === undefined) ||
    (at !== null && (f.fromMs === undefined || at >= f.fromMs) && (f.toMs === undefined || at < f.toMs));
  const time = (r: TimedRecord) => r.at ?? Number.MAX_SAFE_INTEGER;
  return [...usage, ...rest.filter((r) => inRange(r.at))].sort((a, b) => time(a) - time(b));
}

/**
 * A group query's dimension values from its row's columns `d0`, `d1`, … (as both backends select
 * them): text as it is, NULL as '', anything else as its text.
 */
export function groupValues(r: Record<string, unknown>, dims: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  dims.forEach((d, i) => {
    const v = r[`d${i}`];
    values[d] = typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
  });
  return values;
}
