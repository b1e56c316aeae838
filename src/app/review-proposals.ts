/**
 * `tokenledger review` (and the MCP tool `review`): the periodic review's recommendations over the
 * last days, each with its concrete change as a unified diff against the real file of a repository
 * (an agent's `model:` line, a rule in a policy file, `.claude/settings.json`), remembered in the
 * ledger under a stable id so `review check ID` can follow it up. Nothing is applied. With `write`,
 * the review report `reports/usage-review-YYYY-MM-DD.md` is written with these diffs.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  contentHash,
  editedContent,
  editFile,
  type ProposalSpec,
  type ProposedEdit,
  proposalId,
  unifiedDiff,
} from '../analysis/proposed-edits.js';
import type { Recommendation } from '../analysis/review-model.js';
import type { Finding } from '../analysis/review-recommendations.js';
import { reviewWithFindings } from '../analysis/usage-review.js';
import type { ProposalCohort, ReviewProposal } from '../ledger/review-proposal-repository.js';
import { reviewPath } from '../outputs/token-usage/paths.js';
import { renderReview } from '../outputs/token-usage/review.js';
import { writeTokenUsageFile } from '../outputs/token-usage/write.js';
import { ExitCode, UserError } from '../util/errors.js';
import { type LedgerSession, pricerOf, sessionClock, stageMapOf } from './ledger-session.js';
import { tokenUsageRoot } from './record-usage.js';

export const DEFAULT_POLICY_FILE = 'CLAUDE.md';

export interface ReviewProposalsOptions {
  /** The repository whose files the diffs are against. */
  repoDir: string;
  /** Days ending today (7 by default). */
  days?: number | undefined;
  /** The policy file rules are added to, relative to the repository (`CLAUDE.md` by default). */
  policyFile?: string | undefined;
  /** Write the review report too. */
  write?: boolean | undefined;
  /** The `.token-usage/` root the report goes under (default: the config's, else `<project>/.token-usage`). */
  root?: string | undefined;
  timeZone?: string | undefined;
  /** When the review is made (default: now). */
  now?: Date | undefined;
  /**
   * false: the proposals are not remembered in the ledger (for readers that must not write, e.g. the
   * dashboard); the result is the same. Default true.
   */
  remember?: boolean | undefined;
}

/** One recommendation as `review --json` prints it. */
export interface ReviewItem {
  /** The proposal's id for `review check`; null for a recommendation without a diff. */
  id: string | null;
  type: Recommendation['type'];
  /** `model_downshift`, `model_upshift`, `context_reuse`, `cache_rewrite`, `fan_out`, `file_reread`; null without a diff. */
  kind: string | null;
  target: string | null;
  description: string;
  evidence: string;
  savingUsd: number | null;
  /** The file the diff changes, relative to the repository; null without a diff. */
  file: string | null;
  /** A unified diff for `git apply`, or null. */
  diff: string | null;
  cohort: ProposalCohort | null;
  /** The change in words when there is no diff. */
  instruction: string | null;
}

export interface ReviewResult {
  date: string;
  period: { start: string; end: string };
  repository: string;
  policyFile: string;
  recommendations: ReviewItem[];
  /** The review report written (absolute path), or null. */
  reportPath: string | null;
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UserError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function checkPolicyFile(policyFile: string): string {
  const rel = policyFile.split(path.sep).join('/');
  if (path.isAbsolute(policyFile) || rel.split('/').includes('..') || rel === '') {
    throw new UserError(
      `the policy file "${policyFile}" must be a path inside the repository, e.g. CLAUDE.md or docs/policies/models.md.`,
      ExitCode.usage,
    );
  }
  return rel;
}

/** The edit as it can be made in this repository: a missing agent spec turns its model into a policy rule. */
function editHere(spec: ProposalSpec, repoDir: string): ProposedEdit {
  const edit = spec.edit;
  if (edit.type !== 'agent-model' || fs.existsSync(path.join(repoDir, editFile(edit, '')))) return edit;
  return {
    type: 'policy-rule',
    rule: `- Run the \`${edit.agent}\` agent on \`${edit.model}\` (pass model "${edit.model}" when delegating to it).`,
  };
}

interface Proposed {
  item: ReviewItem;
  recommendation: Recommendation;
  stored: ReviewProposal | null;
}

function propose(f: Finding, repoDir: string, policyFile: string, now: number): Proposed | null {
  const r = f.recommendation;
  const spec = f.proposal;
  const plain = {
    type: r.type,
    description: r.description,
    evidence: r.evidence,
    savingUsd: r.savingUsd,
  };
  if (spec === undefined) {
    const item = { id: null, kind: null, target: null, ...plain, file: null, diff: null, cohort: null };
    return { item: { ...item, instruction: r.proposed_change }, recommendation: r, stored: null };
  }
  const edit = editHere(spec, repoDir);
  const file = editFile(edit, policyFile);
  const before = readText(path.join(repoDir, file));
  const after = editedContent(edit, before);
  const diff = unifiedDiff(file, before, after);
  // Already in place: nothing left to propose.
  if (diff === '') return null;
  const id = proposalId(spec.kind, spec.target, file);
  return {
    item: {
      id,
      kind: spec.kind,
      target: spec.target,
      ...plain,
      file,
      diff,
      cohort: spec.cohort,
      instruction: null,
    },
    recommendation: { ...r, proposed_change: diff, target: file, id },
    stored: {
      id,
      kind: spec.kind,
      target: spec.target,
      file,
      diff,
      expectedHash: contentHash(after),
      proposedAt: now,
      cohort: spec.cohort,
      description: r.description,
      savingUsd: r.savingUsd,
    },
  };
}

/** The review with its proposals (see the module doc); remembers every proposal shown (unless `remember: false`). */
export async function reviewProposals(
  session: LedgerSession,
  options: ReviewProposalsOptions,
): Promise<ReviewResult> {
  const repoDir = path.resolve(options.repoDir);
  if (!fs.statSync(repoDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UserError(
      `the repository ${repoDir} is not a directory: run in the repository, or pass --repo DIR.`,
      ExitCode.usage,
    );
  }
  const policyFile = checkPolicyFile(options.policyFile ?? DEFAULT_POLICY_FILE);
  const now = options.now ?? new Date();
  const clock = sessionClock(session, options.timeZone);
  const date = clock.dateOf(now.getTime());
  const ctx = {
    store: session.store,
    pricer: pricerOf(session),
    mode: 'auto' as const,
    stageMap: stageMapOf(session),
  };
  const { model, findings } = await reviewWithFindings(ctx, {
    date,
    days: options.days ?? 7,
    timeZone: clock.tz,
    overrunMultiple: session.loaded.config.overrunMultiple ?? 4,
    repoDir,
  });
  const proposed = findings
    .map((f) => propose(f, repoDir, policyFile, now.getTime()))
    .filter((p): p is Proposed => p !== null);
  if (options.remember !== false)
    await session.store.saveProposals(proposed.flatMap((p) => (p.stored === null ? [] : [p.stored])));
  let reportPath: string | null = null;
  if (options.write === true) {
    const root = tokenUsageRoot(options.root, session.loaded, repoDir);
    const report = renderReview({ ...model, recommendations: proposed.map((p) => p.recommendation) });
    reportPath = writeTokenUsageFile(root, reviewPath(date), report);
  }
  return {
    date,
    period: model.period,
    repository: repoDir,
    policyFile,
    recommendations: proposed.map((p) => p.item),
    reportPath,
  };
}
