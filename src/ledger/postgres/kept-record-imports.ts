/**
 * Writes call activity, budgets, budget warnings and review proposals from plain records into the
 * PostgreSQL ledger (part of `importRecords`, the twin of `ledger/sqlite/kept-record-imports.ts`).
 * Activity merges as the capture's writes do (in bulk); a budget and a proposal replace the ledger's
 * (the caller chose the version), and a budget whose definition changes forgets its warnings, as
 * `saveBudget` does; a warning keeps its earliest claim.
 * @module
 */
import {
  BUDGET_REPLACE,
  budgetInputOf,
  budgetRecordValues,
  PROPOSAL_REPLACE,
  proposalRecordValues,
  toCallActivity,
} from '../activity-budget-proposal-records.js';
import { BUDGET_COLUMNS, type BudgetDbRow, budgetChanged, toBudget } from '../budget-rows.js';
import type {
  ActivityLedgerRecord,
  BudgetLedgerRecord,
  BudgetWarningLedgerRecord,
  ReviewProposalLedgerRecord,
} from '../ledger-records.js';
import { PROPOSAL_COLUMNS } from '../review-proposal-rows.js';
import type { PgQueryable } from './connection.js';
import { callActivities } from './write-helpers.js';

/** Budgets, their warnings and proposals (activity is written in bulk, {@link writeActivities}). */
export type KeptRecord = BudgetLedgerRecord | BudgetWarningLedgerRecord | ReviewProposalLedgerRecord;

/** Writes activity rows in one statement; returns how many were new. */
export function writeActivities(q: PgQueryable, records: readonly ActivityLedgerRecord[]): Promise<number> {
  return callActivities(q, records.map(toCallActivity));
}

async function changes(q: PgQueryable, sql: string, params: unknown[]): Promise<boolean> {
  return (await q.query(`${sql} RETURNING 1`, params)).length > 0;
}

async function writeBudget(q: PgQueryable, r: BudgetLedgerRecord): Promise<boolean> {
  const [prev] = await q.query<BudgetDbRow>(
    `SELECT ${BUDGET_COLUMNS} FROM budgets WHERE name = $1 FOR UPDATE`,
    [r.name],
  );
  if (prev !== undefined && budgetChanged(toBudget(prev), budgetInputOf(r)))
    await q.query('DELETE FROM budget_warnings WHERE budget = $1', [r.name]);
  return changes(
    q,
    `INSERT INTO budgets (${BUDGET_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ${BUDGET_REPLACE}`,
    budgetRecordValues(r),
  );
}

/** Writes one record inside the caller's transaction; true when it changed something. */
export async function writeKeptRecord(q: PgQueryable, r: KeptRecord): Promise<boolean> {
  switch (r.type) {
    case 'budget':
      return writeBudget(q, r);
    case 'budget_warning':
      return changes(
        q,
        `INSERT INTO budget_warnings (budget, period, threshold, warned_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (budget, period, threshold) DO UPDATE SET warned_at = excluded.warned_at
         WHERE excluded.warned_at < budget_warnings.warned_at`,
        [r.budget, r.period, r.threshold, r.warnedAt],
      );
    case 'review_proposal':
      return changes(
        q,
        `INSERT INTO review_proposals (${PROPOSAL_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ${PROPOSAL_REPLACE}`,
        proposalRecordValues(r),
      );
  }
}
