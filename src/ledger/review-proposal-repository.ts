/**
 * The changes a usage review proposed, remembered when shown so `review check ID` can tell later
 * whether one was applied and whether the saving happened. The ledger keeps the diff (a few lines of
 * the target file around the change) and a hash of the file's expected content, never the file.
 * @module
 */

/** The work a proposal is about: an agent type (`main` for the main thread), a model, a stage. */
export interface ProposalCohort {
  agent?: string;
  model?: string;
  stage?: string;
}

/** A proposed change as the review showed it. */
export interface ReviewProposal {
  /** Stable: a hash of kind, target and file. */
  id: string;
  /** `model_downshift`, `model_upshift`, `context_reuse`, `cache_rewrite`, `fan_out`, … */
  kind: string;
  /** What it is about: an agent type, `main`, `subagents`. */
  target: string;
  /** The file it changes, relative to the repository root. */
  file: string;
  /** The unified diff, for `git apply`. */
  diff: string;
  /** SHA-256 (hex) of the file's content once the diff is applied. */
  expectedHash: string;
  /** When it was first proposed, epoch ms. */
  proposedAt: number;
  cohort: ProposalCohort;
  /** One line: what it recommends. */
  description: string;
  /** The saving it estimated (USD over the reviewed period), or null. */
  savingUsd: number | null;
}

export interface ReviewProposalRow extends ReviewProposal {
  /** When it was applied (detected from the file, or given by the user), epoch ms; null while not. */
  appliedAt: number | null;
}

export interface ReviewProposalRepository {
  /**
   * Remembers proposals. One already known keeps its first `proposedAt` and its `appliedAt`; the
   * rest (diff, expected hash, cohort, description, saving) becomes the latest shown.
   */
  saveProposals(proposals: readonly ReviewProposal[]): Promise<void>;
  /** The proposals with these ids (all when absent), by id. */
  proposals(ids?: readonly string[]): Promise<ReviewProposalRow[]>;
  /** Records when a proposal was applied; false when no proposal has that id. */
  markProposalApplied(id: string, appliedAt: number): Promise<boolean>;
}
