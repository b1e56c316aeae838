/**
 * Call activity, budgets (with the warnings already shown) and review proposals as plain records,
 * for `exportRecords` and `importRecords` on both backends: the SELECTs (the same SQL on both),
 * their rows turned into timed records, and the values an import writes.
 * @module
 */
import type { CallActivity, FileOp } from '../capture/types.js';
import type { BudgetInput } from './budget-repository.js';
import { BUDGET_COLUMNS, type BudgetDbRow, toBudget } from './budget-rows.js';
import type {
  ActivityLedgerRecord,
  BudgetLedgerRecord,
  BudgetWarningLedgerRecord,
  ReviewProposalLedgerRecord,
  TimedRecord,
} from './ledger-records.js';
import { PROPOSAL_COLUMNS, type ProposalDbRow, toProposal } from './review-proposal-rows.js';

/**
 * Every call's activity, with the time of its call and the machine that imported it (null when the
 * ledger has no usage row for it).
 */
export const ACTIVITY_EXPORT_SQL = `SELECT c.dedup_key, c.tool_use_id, c.tool, c.mcp_server, c.skill, c.agent_type,
  c.file, c.file_op, u.ts, o.machine FROM call_activity c LEFT JOIN usage u ON u.dedup_key = c.dedup_key
  LEFT JOIN origins o ON o.id = u.origin_id`;

export interface ActivityExportRow {
  dedup_key: string;
  tool_use_id: string;
  tool: string | null;
  mcp_server: string | null;
  skill: string | null;
  agent_type: string | null;
  file: string | null;
  file_op: string | null;
  ts: number | string | null;
  machine: string | null;
}

export function activityTimedRecord(r: ActivityExportRow): TimedRecord {
  const record: ActivityLedgerRecord = {
    type: 'activity',
    dedupKey: r.dedup_key,
    toolUseId: r.tool_use_id,
    tool: r.tool,
    mcpServer: r.mcp_server,
    skill: r.skill,
    agentType: r.agent_type,
    file: r.file,
    fileOp: r.file_op as FileOp | null,
  };
  return { at: r.ts === null ? null : Number(r.ts), record, machine: r.machine };
}

/** The activity record as the capture type the call-activity writes take. */
export function toCallActivity(r: ActivityLedgerRecord): CallActivity {
  const { type: _type, ...activity } = r;
  return activity;
}

export const BUDGET_EXPORT_SQL = `SELECT ${BUDGET_COLUMNS} FROM budgets`;

/** A budget belongs to the day it was last changed. */
export function budgetTimedRecord(row: BudgetDbRow): TimedRecord {
  const b = toBudget(row);
  const record: BudgetLedgerRecord = {
    type: 'budget',
    name: b.name,
    unit: b.unit,
    limit: b.limit,
    period: b.period,
    scopeKind: b.scope.kind,
    scopeValue: b.scope.value,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
  };
  return { at: b.updatedAt, record };
}

/** What a budget record defines, as `budgetChanged` compares it. */
export function budgetInputOf(r: BudgetLedgerRecord): BudgetInput {
  return {
    name: r.name,
    unit: r.unit,
    limit: r.limit,
    period: r.period,
    scope: { kind: r.scopeKind, value: r.scopeValue },
  };
}

/** Every warning shown, with the definition of its budget (a warning outlives no budget). */
export const BUDGET_WARNING_EXPORT_SQL = `SELECT w.budget, w.period, w.threshold, w.warned_at, b.unit,
  b.limit_amount, b.period AS budget_period, b.scope_kind, b.scope_value
  FROM budget_warnings w JOIN budgets b ON b.name = w.budget`;

export interface BudgetWarningExportRow {
  budget: string;
  period: string;
  threshold: number | string;
  warned_at: number | string;
  unit: string;
  limit_amount: number | string;
  budget_period: string;
  scope_kind: string;
  scope_value: string | null;
}

export function budgetWarningTimedRecord(r: BudgetWarningExportRow): TimedRecord {
  const budget = toBudget({
    name: r.budget,
    unit: r.unit,
    limit_amount: r.limit_amount,
    period: r.budget_period,
    scope_kind: r.scope_kind,
    scope_value: r.scope_value,
    created_at: 0,
    updated_at: 0,
  });
  const record: BudgetWarningLedgerRecord = {
    type: 'budget_warning',
    budget: r.budget,
    period: r.period,
    threshold: Number(r.threshold),
    warnedAt: Number(r.warned_at),
    unit: budget.unit,
    limit: budget.limit,
    budgetPeriod: budget.period,
    scopeKind: budget.scope.kind,
    scopeValue: budget.scope.value,
  };
  return { at: record.warnedAt, record };
}

export const PROPOSAL_EXPORT_SQL = `SELECT ${PROPOSAL_COLUMNS} FROM review_proposals`;

/** A proposal belongs to the day it was first shown. */
export function proposalTimedRecord(row: ProposalDbRow): TimedRecord {
  const p = toProposal(row);
  const record: ReviewProposalLedgerRecord = {
    type: 'review_proposal',
    id: p.id,
    kind: p.kind,
    target: p.target,
    file: p.file,
    diff: p.diff,
    expectedHash: p.expectedHash,
    proposedAt: p.proposedAt,
    cohortAgent: p.cohort.agent ?? null,
    cohortModel: p.cohort.model ?? null,
    cohortStage: p.cohort.stage ?? null,
    description: p.description,
    savingUsd: p.savingUsd,
    appliedAt: p.appliedAt,
  };
  return { at: p.proposedAt, record };
}

/** A proposal's values in {@link PROPOSAL_COLUMNS} order, `applied_at` included. */
export function proposalRecordValues(p: ReviewProposalLedgerRecord): (string | number | null)[] {
  return [
    p.id,
    p.kind,
    p.target,
    p.file,
    p.diff,
    p.expectedHash,
    p.proposedAt,
    p.cohortAgent,
    p.cohortModel,
    p.cohortStage,
    p.description,
    p.savingUsd,
    p.appliedAt,
  ];
}

/** An import's proposal replaces the ledger's (the caller chose the version): the same SQL on both. */
export const PROPOSAL_REPLACE = `ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, target = excluded.target,
  file = excluded.file, diff = excluded.diff, expected_hash = excluded.expected_hash,
  proposed_at = excluded.proposed_at, cohort_agent = excluded.cohort_agent, cohort_model = excluded.cohort_model,
  cohort_stage = excluded.cohort_stage, description = excluded.description, saving_usd = excluded.saving_usd,
  applied_at = excluded.applied_at`;

/** An import's budget replaces the ledger's, its creation and change times included. */
export const BUDGET_REPLACE = `ON CONFLICT (name) DO UPDATE SET unit = excluded.unit,
  limit_amount = excluded.limit_amount, period = excluded.period, scope_kind = excluded.scope_kind,
  scope_value = excluded.scope_value, created_at = excluded.created_at, updated_at = excluded.updated_at`;

export function budgetRecordValues(b: BudgetLedgerRecord): (string | number | null)[] {
  return [b.name, b.unit, b.limit, b.period, b.scopeKind, b.scopeValue, b.createdAt, b.updatedAt];
}
