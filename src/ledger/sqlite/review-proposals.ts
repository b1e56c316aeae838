/**
 * Review proposals in the SQLite store (see `ledger/review-proposal-repository.ts`).
 * @module
 */
import type { ReviewProposal, ReviewProposalRow } from '../review-proposal-repository.js';
import {
  PROPOSAL_COLUMNS,
  PROPOSAL_UPSERT,
  type ProposalDbRow,
  proposalValues,
  toProposal,
} from '../review-proposal-rows.js';
import type { Statements } from './statements.js';

export function saveProposals(s: Statements, proposals: readonly ReviewProposal[]): void {
  const insert = s.get(
    `INSERT INTO review_proposals (${PROPOSAL_COLUMNS.replace(', applied_at', '')})
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ${PROPOSAL_UPSERT}`,
  );
  s.write(() => {
    for (const p of proposals) insert.run(...proposalValues(p));
  });
}

export function proposals(s: Statements, ids?: readonly string[]): ReviewProposalRow[] {
  const rows =
    ids === undefined
      ? (s.get(`SELECT ${PROPOSAL_COLUMNS} FROM review_proposals ORDER BY id`).all() as ProposalDbRow[])
      : (s
          .get(
            `SELECT ${PROPOSAL_COLUMNS} FROM review_proposals WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`,
          )
          .all(JSON.stringify(ids)) as ProposalDbRow[]);
  return rows.map(toProposal);
}

export function markProposalApplied(s: Statements, id: string, appliedAt: number): boolean {
  return s.get('UPDATE review_proposals SET applied_at = ? WHERE id = ?').run(appliedAt, id).changes > 0;
}
