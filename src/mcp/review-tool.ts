/**
 * MCP tool `review`: the usage review's recommendations with their diffs (what `tokenledger review
 * --json` prints), or, with `check`, whether a proposal was applied and its saving happened (what
 * `tokenledger review check ID --json` prints). The same application functions as the CLI.
 * @module
 */
import { z } from 'zod';
import { checkProposal } from '../app/check-proposal.js';
import type { LedgerSession } from '../app/ledger-session.js';
import { reviewProposals } from '../app/review-proposals.js';
import { ExitCode, UserError } from '../util/errors.js';

export const REVIEW_DESCRIPTION =
  'Recommendations to spend fewer tokens (cheaper or stronger models per agent, prompt-cache reuse, fewer subagents), each with its evidence, a saving computed from the tokens used and the price table, and a unified diff against the repository’s real file (an agent’s model: line, a rule in the policy file, .claude/settings.json) that git apply accepts. Nothing is applied. With check set to a proposal id: whether that change was applied and whether its saving happened (cost and turns per task before and after, with a 95% confidence interval).';

export const reviewInput = {
  days: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .optional()
    .describe('Review the last N days, today included (default 7).'),
  repo: z
    .string()
    .optional()
    .describe('The repository the diffs are against (default: the directory the server runs in).'),
  policy_file: z
    .string()
    .optional()
    .describe('The policy file new rules go into, relative to the repository (default CLAUDE.md).'),
  write: z.boolean().optional().describe('Also write the review report reports/usage-review-YYYY-MM-DD.md.'),
  check: z.string().optional().describe('A proposal id: check that proposal instead of reviewing.'),
  applied_at: z
    .string()
    .optional()
    .describe('With check: when the change was applied, an ISO time (default: found in the file).'),
};

export interface ReviewArgs {
  days?: number | undefined;
  repo?: string | undefined;
  policy_file?: string | undefined;
  write?: boolean | undefined;
  check?: string | undefined;
  applied_at?: string | undefined;
}

export async function reviewTool(
  session: LedgerSession,
  args: ReviewArgs,
  root: string | undefined,
): Promise<Record<string, unknown>> {
  const repoDir = args.repo ?? process.cwd();
  if (args.check !== undefined) {
    const appliedAt = args.applied_at === undefined ? undefined : Date.parse(args.applied_at);
    if (appliedAt !== undefined && !Number.isFinite(appliedAt)) {
      throw new UserError(
        `applied_at "${args.applied_at}": give an ISO date or time, e.g. 2026-12-01 or 2026-12-01T14:30:00Z.`,
        ExitCode.usage,
      );
    }
    return { ...(await checkProposal(session, { id: args.check, repoDir, appliedAt })) };
  }
  return {
    ...(await reviewProposals(session, {
      repoDir,
      days: args.days,
      policyFile: args.policy_file,
      write: args.write,
      root,
    })),
  };
}
