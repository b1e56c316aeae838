/**
 * `tokenledger review [--days 7] [--json] [--write]`: the usage review's recommendations, each with
 * its change as a unified diff against the repository's real file (never applied), remembered under
 * an id; `tokenledger review check ID [--applied-at DATE]`: whether that change was applied and
 * whether its saving happened, with a confidence interval.
 * @module
 */
import { appliedAtOf, type CheckProposalResult, checkProposal } from '../../app/check-proposal.js';
import { type ReviewResult, reviewProposals } from '../../app/review-proposals.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { formatUsdPlain } from '../../util/format.js';
import { type CommonOptions, importNow, openSession } from '../context.js';
import { writeJson, writeOut } from '../io.js';

export interface ReviewOptions extends CommonOptions {
  days?: string;
  write?: boolean;
  repo?: string;
  policyFile?: string;
  root?: string;
}

function wholeDays(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new UserError(
      `${flag} "${value}": give a whole number of days ≥ 1, e.g. ${flag} 7.`,
      ExitCode.usage,
    );
  }
  return n;
}

function reviewText(r: ReviewResult): string {
  const lines = [
    `Review of ${r.period.start} to ${r.period.end} against ${r.repository}: ${r.recommendations.length === 0 ? 'nothing to propose.' : `${r.recommendations.length} recommendation(s).`}`,
  ];
  r.recommendations.forEach((item, i) => {
    lines.push(
      '',
      `${i + 1}. ${item.id === null ? '' : `[${item.id}] `}${item.description}`,
      `   Type: ${item.type}${item.kind === null || item.kind === item.type ? '' : ` (${item.kind})`}; estimated saving ${formatUsdPlain(item.savingUsd)}`,
      `   Evidence: ${item.evidence}`,
    );
    if (item.diff !== null && item.id !== null) {
      lines.push(
        `   Proposed change to ${item.file} (not applied: \`git apply\` it from the repository root, then \`tokenledger review check ${item.id}\`):`,
        '',
        item.diff.replace(/\n$/, ''),
      );
    } else if (item.instruction !== null) {
      lines.push(`   Proposed change: ${item.instruction.replace(/\n/g, '\n   ')}`);
    }
  });
  if (r.reportPath !== null) lines.push('', `Wrote ${r.reportPath}`);
  return `${lines.join('\n')}\n`;
}

export async function runReview(opts: ReviewOptions): Promise<number> {
  const days = wholeDays(opts.days, '--days', 7);
  const session = await openSession(opts);
  try {
    if (opts.import !== false) await importNow(session, opts);
    const result = await reviewProposals(session, {
      repoDir: opts.repo ?? process.cwd(),
      days,
      policyFile: opts.policyFile,
      write: opts.write,
      root: opts.root,
      timeZone: opts.timezone,
    });
    if (opts.json) await writeJson(result);
    else await writeOut(reviewText(result));
    return 0;
  } finally {
    await session.store.close();
  }
}

export interface CheckOptions extends CommonOptions {
  appliedAt?: string;
  days?: string;
  repo?: string;
}

function checkText(r: CheckProposalResult): string {
  const lines = [`${r.id} (${r.kind}, ${r.file}): ${r.description}`];
  if (r.appliedAt !== null)
    lines.push(
      `Applied ${r.appliedAt} (${r.appliedFrom === 'file' ? 'found in the file' : r.appliedFrom === 'user' ? 'as given' : 'as recorded'}).`,
    );
  if (r.before !== null && r.after !== null) {
    lines.push(
      `Before: ${r.before.tasks} task(s), median ${formatUsdPlain(r.before.medianCost)} and ${r.before.medianTurns ?? '—'} turns per task.`,
      `After:  ${r.after.tasks} task(s), median ${formatUsdPlain(r.after.medianCost)} and ${r.after.medianTurns ?? '—'} turns per task.`,
    );
  }
  lines.push(`Verdict: ${r.text}`);
  return `${lines.join('\n')}\n`;
}

export async function runReviewCheck(id: string, opts: CheckOptions): Promise<number> {
  const days = wholeDays(opts.days, '--days', 30);
  const session = await openSession(opts);
  try {
    const appliedAt =
      opts.appliedAt === undefined ? undefined : appliedAtOf(session, opts.appliedAt, opts.timezone);
    if (opts.import !== false) await importNow(session, opts);
    const result = await checkProposal(session, { id, repoDir: opts.repo ?? process.cwd(), appliedAt, days });
    if (opts.json) await writeJson(result);
    else await writeOut(checkText(result));
    return 0;
  } finally {
    await session.store.close();
  }
}
