/**
 * Review proposals in the PostgreSQL store (as in `ledger/sqlite/review-proposals.ts`).
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
import type { PgDb } from './connection.js';

export async function saveProposals(db: PgDb, proposals: readonly ReviewProposal[]): Promise<void> {
  if (proposals.length === 0) return;
  await db.transaction(async (q) => {
    for (const p of proposals) {
      await q.query(
        `INSERT INTO review_proposals (${PROPOSAL_COLUMNS.replace(', applied_at', '')})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ${PROPOSAL_UPSERT}`,
        proposalValues(p),
      );
    }
  });
}

export async function proposals(db: PgDb, ids?: readonly string[]): Promise<ReviewProposalRow[]> {
  const rows =
    ids === undefined
      ? await db.query<ProposalDbRow>(
          `SELECT ${PROPOSAL_COLUMNS} FROM review_proposals ORDER BY id COLLATE "C"`,
        )
      : await db.query<ProposalDbRow>(
          `SELECT ${PROPOSAL_COLUMNS} FROM review_proposals WHERE id = ANY($1::text[]) ORDER BY id COLLATE "C"`,
          [ids],
        );
  return rows.map(toProposal);
}

export async function markProposalApplied(db: PgDb, id: string, appliedAt: number): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    'UPDATE review_proposals SET applied_at = $1 WHERE id = $2 RETURNING id',
    [appliedAt, id],
  );
  return rows.length > 0;
}
