/**
 * Plain, backend-neutral records of what a ledger holds, one type per kind of fact, so a ledger can be
 * rebuilt elsewhere (`tokenledger export --jsonl` / `import-jsonl`, see docs/JSONL.md). They carry
 * no row ids (those differ between ledgers) and nothing derived: usage rows derived from declared
 * telemetry (source `telemetry`) are left out, because declaring the task again re-derives them.
 * @module
 */
import type { CallActivity, UsageRecord } from '../capture/types.js';
import type { BudgetPeriod, BudgetScopeKind, BudgetUnit } from './budget-repository.js';
import type { RunRecord } from './run-repository.js';
import type { SpanScope, TaskRow } from './task-repository.js';
import type { DeclaredEntry, TelemetryErrorInput } from './telemetry-repository.js';

/** The source of usage rows derived from declared tasks (never exported: declaring the task re-derives them). */
export const DECLARED_USAGE_SOURCE = 'telemetry';

/** Labels: key → value. */
export type Labels = Record<string, string>;

/** One API call: its usage, who imported it, and what the attribute step gave it. */
export interface UsageLedgerRecord extends UsageRecord {
  type: 'usage';
  /** The origin that imported it. */
  machine: string;
  user: string;
  taskId: string | null;
  stage: string | null;
  /** Null when it has none. */
  labels: Labels | null;
}

/** A subagent's type and where it came from (lower priority wins, as in {@link AgentFact}). */
export interface AgentLedgerRecord {
  type: 'agent';
  sessionId: string;
  agentId: string;
  agentType: string;
  priority: number;
}

/** The tool call that spawned a subagent (Claude Code: an Agent/Task tool_use). */
export interface SpawnLedgerRecord {
  type: 'spawn';
  sessionId: string;
  toolUseId: string;
  agentId: string | null;
  agentType: string | null;
  taskId: string | null;
}

export interface TaskLedgerRecord extends TaskRow {
  type: 'task';
}

/** An attribution span, known by its content (its id differs between ledgers). */
export interface SpanLedgerRecord {
  type: 'span';
  scope: SpanScope;
  sessionId: string | null;
  agentId: string | null;
  project: string | null;
  fromTs: number;
  toTs: number | null;
  taskId: string | null;
  stage: string | null;
  /** Null when it has none. */
  labels: Labels | null;
  source: string;
  createdAt: number;
}

export interface RunLedgerRecord extends RunRecord {
  type: 'run';
}

/** A declared task (seed 000) with its entries, as merged in the ledger. */
export interface DeclaredTaskLedgerRecord {
  type: 'declared_task';
  taskId: string;
  ts: number;
  declaredAt: string | null;
  summary: string;
  mode: string;
  project: string | null;
  receivedAt: number;
  missing: string[];
  /** Ordered by agent, then model. */
  entries: DeclaredEntry[];
  /** The origin of its latest declaration. */
  machine: string;
  user: string;
}

export interface TelemetryErrorLedgerRecord extends TelemetryErrorInput {
  type: 'telemetry_error';
  resolvedAt: number | null;
}

/** One tool use an API call's response asked for (a `call_activity` row; `toolUseId` '' for "no tool"). */
export interface ActivityLedgerRecord extends CallActivity {
  type: 'activity';
}

/** A spending budget (`budget set`), its scope flattened. */
export interface BudgetLedgerRecord {
  type: 'budget';
  name: string;
  unit: BudgetUnit;
  limit: number;
  period: BudgetPeriod;
  scopeKind: BudgetScopeKind;
  scopeValue: string | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * A budget warning already shown (claimed), with the definition of the budget it was shown for: a
 * warning of an earlier definition (the limit changed since) does not hold for the budget of today.
 */
export interface BudgetWarningLedgerRecord {
  type: 'budget_warning';
  budget: string;
  /** The period's key, e.g. `2026-12`. */
  period: string;
  threshold: number;
  warnedAt: number;
  unit: BudgetUnit;
  limit: number;
  /** The budget's period kind (day, week, month). */
  budgetPeriod: BudgetPeriod;
  scopeKind: BudgetScopeKind;
  scopeValue: string | null;
}

/** A review proposal as remembered for `review check`, its cohort flattened. */
export interface ReviewProposalLedgerRecord {
  type: 'review_proposal';
  id: string;
  kind: string;
  target: string;
  file: string;
  diff: string;
  expectedHash: string;
  proposedAt: number;
  cohortAgent: string | null;
  cohortModel: string | null;
  cohortStage: string | null;
  description: string;
  savingUsd: number | null;
  appliedAt: number | null;
}

export type LedgerRecord =
  | UsageLedgerRecord
  | AgentLedgerRecord
  | SpawnLedgerRecord
  | TaskLedgerRecord
  | SpanLedgerRecord
  | RunLedgerRecord
  | DeclaredTaskLedgerRecord
  | TelemetryErrorLedgerRecord
  | ActivityLedgerRecord
  | BudgetLedgerRecord
  | BudgetWarningLedgerRecord
  | ReviewProposalLedgerRecord;

export type LedgerRecordType = LedgerRecord['type'];

/**
 * Record types in the order an import applies them (what attribution depends on before usage; a
 * budget before its warnings, since a budget whose limit changes forgets its warnings).
 */
export const RECORD_TYPES = [
  'agent',
  'spawn',
  'task',
  'span',
  'run',
  'telemetry_error',
  'budget',
  'budget_warning',
  'review_proposal',
  'activity',
  'usage',
  'declared_task',
] as const satisfies readonly LedgerRecordType[];

/** Records `importRecords` writes; declared tasks go through `declareTask`, which re-derives their usage. */
export type ImportableRecord = Exclude<LedgerRecord, DeclaredTaskLedgerRecord>;

/**
 * A record with the instant it belongs to (epoch ms): a usage row's time, a task's creation, a span's
 * start, a run's start, a declaration's timestamp, an error's first sighting, a budget's last change,
 * a warning's claim, a proposal's first showing; for agents and spawns the first usage of their
 * session, for a call's activity the call's time, or null when there is none.
 */
export interface TimedRecord {
  at: number | null;
  record: LedgerRecord;
  /** For a call's activity, the machine of its usage row (its lines go to that machine's file). */
  machine?: string | null;
}

/** Which records to export: those whose instant is in [fromMs, toMs) (records without one only when unfiltered). */
export interface RecordFilter {
  fromMs?: number;
  toMs?: number;
}
