/**
 * The line format of a JSONL ledger export (docs/JSONL.md): one JSON object per line, `type` first,
 * then the record's fields in a fixed order (snake_case, instants as ISO 8601 UTC with milliseconds,
 * labels and other objects with sorted keys), then `rev` for the types whose versions replace each
 * other. One table per type drives both {@link formatLine} and {@link parseLine}, so the written
 * order and the schema `jsonl-parse.ts` accepts cannot drift apart; its type checks that every
 * field of the record has an entry.
 * @module
 */
import type { LedgerRecord, LedgerRecordType } from '../ledger-records.js';
import { canonicalJson, compareText } from '../record-identity.js';

export type FieldKind =
  | 'text'
  | 'text?'
  | 'count'
  | 'count?'
  | 'int?'
  | 'number?'
  | 'bool'
  | 'time'
  | 'time?'
  | 'labels'
  | 'labels?'
  | 'object?'
  | 'texts'
  | 'entries'
  | 'scope'
  | 'status'
  | 'errorKind'
  | 'fileOp?'
  | 'unit'
  | 'budgetPeriod'
  | 'budgetScope'
  | 'positive';

type Fields<T extends LedgerRecordType> = {
  readonly [K in Exclude<keyof Extract<LedgerRecord, { type: T }>, 'type'>]-?: readonly [
    json: string,
    kind: FieldKind,
  ];
};

const USAGE: Fields<'usage'> = {
  dedupKey: ['dedup_key', 'text'],
  ts: ['ts', 'time'],
  source: ['source', 'text'],
  sessionId: ['session_id', 'text'],
  agentId: ['agent_id', 'text?'],
  sidechain: ['sidechain', 'bool'],
  model: ['model', 'text'],
  input: ['input_tokens', 'count'],
  output: ['output_tokens', 'count'],
  cacheWrite: ['cache_write_tokens', 'count'],
  cacheWrite1h: ['cache_write_1h_tokens', 'count'],
  cacheRead: ['cache_read_tokens', 'count'],
  webSearch: ['web_search_requests', 'count'],
  outputFinal: ['output_final', 'bool'],
  speed: ['speed', 'text?'],
  geo: ['geo', 'text?'],
  reportedCost: ['reported_cost', 'number?'],
  project: ['project', 'text?'],
  gitBranch: ['git_branch', 'text?'],
  agentVersion: ['agent_version', 'text?'],
  machine: ['machine', 'text'],
  user: ['user', 'text'],
  taskId: ['task_id', 'text?'],
  stage: ['stage', 'text?'],
  labels: ['labels', 'labels?'],
};

const AGENT: Fields<'agent'> = {
  sessionId: ['session_id', 'text'],
  agentId: ['agent_id', 'text'],
  agentType: ['agent_type', 'text'],
  priority: ['priority', 'count'],
};

const SPAWN: Fields<'spawn'> = {
  sessionId: ['session_id', 'text'],
  toolUseId: ['tool_use_id', 'text'],
  agentId: ['agent_id', 'text?'],
  agentType: ['agent_type', 'text?'],
  taskId: ['task_id', 'text?'],
};

const TASK: Fields<'task'> = {
  id: ['id', 'text'],
  title: ['title', 'text?'],
  parentId: ['parent_id', 'text?'],
  status: ['status', 'status'],
  estimateTokens: ['estimate_tokens', 'count?'],
  estimateUsd: ['estimate_usd', 'number?'],
  labels: ['labels', 'labels'],
  stage: ['stage', 'text?'],
  project: ['project', 'text?'],
  createdAt: ['created_at', 'time'],
  startedAt: ['started_at', 'time?'],
  endedAt: ['ended_at', 'time?'],
};

const SPAN: Fields<'span'> = {
  scope: ['scope', 'scope'],
  sessionId: ['session_id', 'text?'],
  agentId: ['agent_id', 'text?'],
  project: ['project', 'text?'],
  fromTs: ['from_ts', 'time'],
  toTs: ['to_ts', 'time?'],
  taskId: ['task_id', 'text?'],
  stage: ['stage', 'text?'],
  labels: ['labels', 'labels?'],
  source: ['source', 'text'],
  createdAt: ['created_at', 'time'],
};

const RUN: Fields<'run'> = {
  sessionId: ['session_id', 'text?'],
  taskId: ['task_id', 'text?'],
  stage: ['stage', 'text?'],
  labels: ['labels', 'labels?'],
  startedAt: ['started_at', 'time'],
  endedAt: ['ended_at', 'time'],
  exitCode: ['exit_code', 'int?'],
  signal: ['signal', 'text?'],
  totalCostUsd: ['total_cost_usd', 'number?'],
  costUsd: ['cost_usd', 'number?'],
  modelUsage: ['model_usage', 'object?'],
  numTurns: ['num_turns', 'count?'],
  durationMs: ['duration_ms', 'count?'],
  durationApiMs: ['duration_api_ms', 'count?'],
  isError: ['is_error', 'bool'],
  subtype: ['subtype', 'text?'],
  source: ['source', 'text'],
};

const DECLARED_TASK: Fields<'declared_task'> = {
  taskId: ['task_id', 'text'],
  ts: ['ts', 'time'],
  declaredAt: ['declared_at', 'text?'],
  summary: ['summary', 'text'],
  mode: ['mode', 'text'],
  project: ['project', 'text?'],
  receivedAt: ['received_at', 'time'],
  missing: ['missing', 'texts'],
  entries: ['entries', 'entries'],
  machine: ['machine', 'text'],
  user: ['user', 'text'],
};

const TELEMETRY_ERROR: Fields<'telemetry_error'> = {
  key: ['key', 'text'],
  at: ['at', 'time'],
  taskId: ['task_id', 'text?'],
  field: ['field', 'text?'],
  kind: ['kind', 'errorKind'],
  problem: ['problem', 'text'],
  resolution: ['resolution', 'text?'],
  resolvedAt: ['resolved_at', 'time?'],
};

const ACTIVITY: Fields<'activity'> = {
  dedupKey: ['dedup_key', 'text'],
  toolUseId: ['tool_use_id', 'text'],
  tool: ['tool', 'text?'],
  mcpServer: ['mcp_server', 'text?'],
  skill: ['skill', 'text?'],
  agentType: ['agent_type', 'text?'],
  file: ['file', 'text?'],
  fileOp: ['file_op', 'fileOp?'],
};

const BUDGET: Fields<'budget'> = {
  name: ['name', 'text'],
  unit: ['unit', 'unit'],
  limit: ['limit', 'positive'],
  period: ['period', 'budgetPeriod'],
  scopeKind: ['scope_kind', 'budgetScope'],
  scopeValue: ['scope_value', 'text?'],
  createdAt: ['created_at', 'time'],
  updatedAt: ['updated_at', 'time'],
};

const BUDGET_WARNING: Fields<'budget_warning'> = {
  budget: ['budget', 'text'],
  period: ['period', 'text'],
  threshold: ['threshold', 'count'],
  warnedAt: ['warned_at', 'time'],
  unit: ['unit', 'unit'],
  limit: ['limit', 'positive'],
  budgetPeriod: ['budget_period', 'budgetPeriod'],
  scopeKind: ['scope_kind', 'budgetScope'],
  scopeValue: ['scope_value', 'text?'],
};

const REVIEW_PROPOSAL: Fields<'review_proposal'> = {
  id: ['id', 'text'],
  kind: ['kind', 'text'],
  target: ['target', 'text'],
  file: ['file', 'text'],
  diff: ['diff', 'text'],
  expectedHash: ['expected_hash', 'text'],
  proposedAt: ['proposed_at', 'time'],
  cohortAgent: ['cohort_agent', 'text?'],
  cohortModel: ['cohort_model', 'text?'],
  cohortStage: ['cohort_stage', 'text?'],
  description: ['description', 'text'],
  savingUsd: ['saving_usd', 'number?'],
  appliedAt: ['applied_at', 'time?'],
};

export type FieldTable = Readonly<Record<string, readonly [string, FieldKind]>>;

export const FIELD_TABLES: Readonly<Record<LedgerRecordType, FieldTable>> = {
  usage: USAGE,
  agent: AGENT,
  spawn: SPAWN,
  task: TASK,
  span: SPAN,
  run: RUN,
  declared_task: DECLARED_TASK,
  telemetry_error: TELEMETRY_ERROR,
  activity: ACTIVITY,
  budget: BUDGET,
  budget_warning: BUDGET_WARNING,
  review_proposal: REVIEW_PROPOSAL,
};

type TableEntries = readonly (readonly [field: string, json: string, kind: FieldKind])[];

function entriesOf(table: FieldTable): TableEntries {
  return Object.entries(table).map(([name, [json, kind]]) => [name, json, kind] as const);
}

/** The tables as [record field, line key, kind] lists, in line order. */
export const TABLE_ENTRIES: Readonly<Record<LedgerRecordType, TableEntries>> = {
  usage: entriesOf(USAGE),
  agent: entriesOf(AGENT),
  spawn: entriesOf(SPAWN),
  task: entriesOf(TASK),
  span: entriesOf(SPAN),
  run: entriesOf(RUN),
  declared_task: entriesOf(DECLARED_TASK),
  telemetry_error: entriesOf(TELEMETRY_ERROR),
  activity: entriesOf(ACTIVITY),
  budget: entriesOf(BUDGET),
  budget_warning: entriesOf(BUDGET_WARNING),
  review_proposal: entriesOf(REVIEW_PROPOSAL),
};

/** Types whose lines carry `rev`: a later version replaces an earlier one (see `record-versions.ts`). */
export const VERSIONED_TYPES: ReadonlySet<LedgerRecordType> = new Set([
  'usage',
  'task',
  'declared_task',
  'telemetry_error',
  'budget',
  'review_proposal',
]);

export const ENTRY_FIELDS = [
  ['agent', 'agent'],
  ['model', 'model'],
  ['inputTokens', 'input_tokens'],
  ['outputTokens', 'output_tokens'],
  ['totalTokens', 'total_tokens'],
  ['estimatedCost', 'estimated_cost'],
] as const;

function formatValue(kind: FieldKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'time':
    case 'time?':
      return new Date(value as number).toISOString();
    case 'labels':
    case 'labels?':
    case 'object?':
      return JSON.parse(canonicalJson(value)) as unknown;
    case 'entries':
      // Sorted by agent, then model: one text for one set of entries.
      return [...(value as Record<string, unknown>[])]
        .sort(
          (a, b) =>
            compareText(String(a.agent), String(b.agent)) || compareText(String(a.model), String(b.model)),
        )
        .map((e) => Object.fromEntries(ENTRY_FIELDS.map(([from, to]) => [to, e[from] ?? null])));
    default:
      return value;
  }
}

/** A record as its line (without the newline): the same text for equal records, whatever their source. */
export function formatLine(record: LedgerRecord, rev: number): string {
  const out: Record<string, unknown> = { type: record.type };
  const fields = record as unknown as Record<string, unknown>;
  for (const [name, json, kind] of TABLE_ENTRIES[record.type]) out[json] = formatValue(kind, fields[name]);
  if (VERSIONED_TYPES.has(record.type)) out.rev = rev;
  return JSON.stringify(out);
}
