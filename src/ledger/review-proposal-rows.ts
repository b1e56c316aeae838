/**
 * The `review_proposals` row as both backends read it, and its conversion to a proposal.
 * @module
 */
import type { ProposalCohort, ReviewProposal, ReviewProposalRow } from './review-proposal-repository.js';

export interface ProposalDbRow {
  id: string;
  kind: string;
  target: string;
  file: string;
  diff: string;
  expected_hash: string;
  proposed_at: number | string;
  cohort_agent: string | null;
  cohort_model: string | null;
  cohort_stage: string | null;
  description: string;
  saving_usd: number | null;
  applied_at: number | string | null;
}

export const PROPOSAL_COLUMNS =
  'id, kind, target, file, diff, expected_hash, proposed_at, cohort_agent, cohort_model, cohort_stage, description, saving_usd, applied_at';

export function toProposal(r: ProposalDbRow): ReviewProposalRow {
  const cohort: ProposalCohort = {};
  if (r.cohort_agent !== null) cohort.agent = r.cohort_agent;
  if (r.cohort_model !== null) cohort.model = r.cohort_model;
  if (r.cohort_stage !== null) cohort.stage = r.cohort_stage;
  return {
    id: r.id,
    kind: r.kind,
    target: r.target,
    file: r.file,
    diff: r.diff,
    expectedHash: r.expected_hash,
    proposedAt: Number(r.proposed_at),
    cohort,
    description: r.description,
    savingUsd: r.saving_usd === null ? null : Number(r.saving_usd),
    appliedAt: r.applied_at === null ? null : Number(r.applied_at),
  };
}

/** The values of a proposal's insert, in {@link PROPOSAL_COLUMNS} order without `applied_at`. */
export function proposalValues(p: ReviewProposal): (string | number | null)[] {
  return [
    p.id,
    p.kind,
    p.target,
    p.file,
    p.diff,
    p.expectedHash,
    p.proposedAt,
    p.cohort.agent ?? null,
    p.cohort.model ?? null,
    p.cohort.stage ?? null,
    p.description,
    p.savingUsd,
  ];
}

/** The upsert's conflict clause, the same SQL on both backends. */
export const PROPOSAL_UPSERT = `ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, target = excluded.target,
  file = excluded.file, diff = excluded.diff, expected_hash = excluded.expected_hash,
  cohort_agent = excluded.cohort_agent, cohort_model = excluded.cohort_model, cohort_stage = excluded.cohort_stage,
  description = excluded.description, saving_usd = excluded.saving_usd`;
