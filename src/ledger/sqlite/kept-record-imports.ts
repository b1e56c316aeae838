/**
 * Writes call activity, budgets, budget warnings and review proposals from plain records into the
 * SQLite ledger (part of `importRecords`, see `record-imports.ts`). Activity merges as the capture's
 * writes do; a budget and a proposal replace the ledger's (the caller chose the version), and a
 * budget whose definition changes forgets its warnings, as `saveBudget` does; a warning keeps its
 * earliest claim.
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
import { writeCallActivities } from './call-activity-writes.js';
import type { Statements } from './statements.js';

export type KeptRecord =
  | ActivityLedgerRecord
  | BudgetLedgerRecord
  | BudgetWarningLedgerRecord
  | ReviewProposalLedgerRecord;

function writeBudget(s: Statements, r: BudgetLedgerRecord): boolean {
  const prev = s.get(`SELECT ${BUDGET_COLUMNS} FROM budgets WHERE name = ?`).get(r.name) as
    | BudgetDbRow
    | undefined;
  if (prev !== undefined && budgetChanged(toBudget(prev), budgetInputOf(r)))
    s.get('DELETE FROM budget_warnings WHERE budget = ?').run(r.name);
  return (
    s
      .get(`INSERT INTO budgets (${BUDGET_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ${BUDGET_REPLACE}`)
      .run(...budgetRecordValues(r)).changes > 0
  );
}

/** Writes one record inside the caller's transaction; true when it changed something. */
export function writeKeptRecord(s: Statements, r: KeptRecord): boolean {
  switch (r.type) {
    case 'activity':
      return writeCallActivities(s, [toCallActivity(r)]) > 0;
    case 'budget':
      return writeBudget(s, r);
    case 'budget_warning':
      return (
        s
          .get(
            `INSERT INTO budget_warnings (budget, period, threshold, warned_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (budget, period, threshold) DO UPDATE SET warned_at = excluded.warned_at
             WHERE excluded.warned_at < budget_warnings.warned_at`,
          )
          .run(r.budget, r.period, r.threshold, r.warnedAt).changes > 0
      );
    case 'review_proposal':
      return (
        s
          .get(
            `INSERT INTO review_proposals (${PROPOSAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ${PROPOSAL_REPLACE}`,
          )
          .run(...proposalRecordValues(r)).changes > 0
      );
  }
}
