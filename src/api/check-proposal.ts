/**
 * The library's `checkProposal`: whether a change the review proposed was applied, and whether its
 * saving happened: what `tokenledger review check ID --json` prints.
 * @module
 */
import path from 'node:path';
import type { CheckProposalResult } from '../app/check-proposal.js';
import { ExitCode, UserError } from '../util/errors.js';
import {
  checkedOptions,
  type LedgerOptions,
  stringOption,
  wholeDaysOption,
  withLedger,
} from './ledger-options.js';

/** Options of {@link checkProposal}: the flags of `tokenledger review check`. */
export interface CheckProposalOptions extends LedgerOptions {
  /** The repository the proposal's file is in (default: the current directory). */
  repo?: string;
  /**
   * When the change was applied: a `Date`, a day `YYYY-MM-DD` (its midnight in `timezone`) or a time
   * such as `2026-12-01T14:30:00Z`. Remembered in the ledger. Without it, the ledger's record, else
   * the file (when it holds the proposal, its modification time).
   */
  appliedAt?: string | Date;
  /** Days of work before the change to compare with (default 30). */
  days?: number;
  /** IANA time zone of an `appliedAt` day (default: the config's `timezone`, else the system's). */
  timezone?: string;
}

/** What `tokenledger review check ID --json` prints, for the same options. */
export async function checkProposal(
  id: string,
  options?: CheckProposalOptions,
): Promise<CheckProposalResult> {
  const o = checkedOptions(options, 'checkProposal');
  const proposal = stringOption(id, 'id');
  if (proposal === undefined || proposal === '')
    throw new UserError(
      'checkProposal: give the id of a proposal (`tokenledger review` lists them).',
      ExitCode.usage,
    );
  const days = wholeDaysOption(o.days, 'days', 30);
  const applied = o.appliedAt;
  if (applied instanceof Date && !Number.isFinite(applied.getTime()))
    throw new UserError('appliedAt is an invalid Date.', ExitCode.usage);
  const appliedText = applied instanceof Date ? undefined : stringOption(applied, 'appliedAt');
  const timezone = stringOption(o.timezone, 'timezone');
  const repoDir = path.resolve(stringOption(o.repo, 'repo') ?? process.cwd());
  const { appliedAtOf, checkProposal: check } = await import('../app/check-proposal.js');
  return withLedger(o, (session) => {
    const appliedAt =
      applied instanceof Date
        ? applied.getTime()
        : appliedText === undefined
          ? undefined
          : appliedAtOf(session, appliedText, timezone, 'appliedAt');
    return check(session, { id: proposal, repoDir, appliedAt, days });
  });
}
