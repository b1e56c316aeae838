/**
 * `tokenledger review check ID` (and the MCP tool `review` with `check`): was a proposal applied, and
 * did its saving happen? Applied means the user said when (`appliedAt`, remembered in the ledger),
 * or the ledger already knows, or the file now holds the proposal (its expected content, or every
 * line the diff adds): then its modification time is taken as when, and remembered. The verdict
 * compares the proposal's cohort per task before and after (see `analysis/proposal-check.ts`).
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  type CheckStatus,
  type CheckVerdict,
  checkVerdict,
  cohortSamples,
} from '../analysis/proposal-check.js';
import { contentHash, holdsAddedLines } from '../analysis/proposed-edits.js';
import type { ReviewProposalRow } from '../ledger/review-proposal-repository.js';
import { ExitCode, UserError } from '../util/errors.js';
import { type LedgerSession, pricerOf, sessionClock, stageMapOf } from './ledger-session.js';

const DAY_MS = 86_400_000;

export interface CheckProposalOptions {
  id: string;
  /** The repository the proposal's file is in. */
  repoDir: string;
  /** When the user applied it, epoch ms (`--applied-at`); detected from the file when absent. */
  appliedAt?: number | undefined;
  /** Days of work before the change to compare with (30 by default). */
  days?: number | undefined;
  now?: Date | undefined;
}

/** What `review check --json` prints. */
export interface CheckProposalResult {
  id: string;
  kind: string;
  target: string;
  file: string;
  description: string;
  proposedAt: string;
  /** When it was applied (ISO), or null when it is not yet. */
  appliedAt: string | null;
  /** How that is known: `user` (`--applied-at`), `ledger` (said before), `file` (found in it), or null. */
  appliedFrom: 'user' | 'ledger' | 'file' | null;
  status: CheckStatus | 'not_applied';
  before: CheckVerdict['before'] | null;
  after: CheckVerdict['after'] | null;
  /** Relative change of the median cost per task, with its 95% interval. */
  costChange: CheckVerdict['cost'];
  turnsChange: CheckVerdict['turns'];
  /** One line for people. */
  text: string;
}

/** When the file holds the proposal: its modification time; else null. */
function appliedInFile(p: ReviewProposalRow, repoDir: string): number | null {
  const file = path.join(repoDir, p.file);
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  if (contentHash(content) !== p.expectedHash && !holdsAddedLines(p.diff, content)) return null;
  return Math.floor(fs.statSync(file).mtimeMs);
}

/**
 * When a proposal was applied, from what the user gives: a day `YYYY-MM-DD` (its local midnight in
 * `timezone`, else the config's or the system's) or a time such as `2026-12-01T14:30:00Z`.
 */
export function appliedAtOf(
  session: LedgerSession,
  value: string,
  timezone: string | undefined,
  what = '--applied-at',
): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? sessionClock(session, timezone).startOf(value)
    : Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new UserError(
      `${what} "${value}": give a date YYYY-MM-DD (local midnight) or a time like 2026-12-01T14:30:00Z.`,
      ExitCode.usage,
    );
  }
  return ms;
}

export async function checkProposal(
  session: LedgerSession,
  options: CheckProposalOptions,
): Promise<CheckProposalResult> {
  const [p] = await session.store.proposals([options.id]);
  if (p === undefined) {
    throw new UserError(
      `no proposal has the id "${options.id}": \`tokenledger review\` lists the proposals with their ids.`,
    );
  }
  const repoDir = path.resolve(options.repoDir);
  let appliedAt: number | null = null;
  let appliedFrom: CheckProposalResult['appliedFrom'] = null;
  if (options.appliedAt !== undefined) {
    appliedAt = options.appliedAt;
    appliedFrom = 'user';
  } else if (p.appliedAt !== null) {
    appliedAt = p.appliedAt;
    appliedFrom = 'ledger';
  } else {
    appliedAt = appliedInFile(p, repoDir);
    if (appliedAt !== null) appliedFrom = 'file';
  }
  if (appliedAt !== null && appliedAt !== p.appliedAt)
    await session.store.markProposalApplied(p.id, appliedAt);
  const head = {
    id: p.id,
    kind: p.kind,
    target: p.target,
    file: p.file,
    description: p.description,
    proposedAt: new Date(p.proposedAt).toISOString(),
  };
  if (appliedAt === null) {
    return {
      ...head,
      appliedAt: null,
      appliedFrom,
      status: 'not_applied',
      before: null,
      after: null,
      costChange: null,
      turnsChange: null,
      text: `not applied yet: ${path.join(repoDir, p.file)} does not hold the proposed change. Apply it with \`git apply\`, or say when it was applied with --applied-at YYYY-MM-DD.`,
    };
  }
  const now = (options.now ?? new Date()).getTime();
  const ctx = {
    store: session.store,
    pricer: pricerOf(session),
    mode: 'auto' as const,
    stageMap: stageMapOf(session),
  };
  const before = await cohortSamples(ctx, p.cohort, {
    fromMs: appliedAt - (options.days ?? 30) * DAY_MS,
    toMs: appliedAt,
    model: p.cohort.model,
  });
  const after = await cohortSamples(ctx, p.cohort, { fromMs: appliedAt, toMs: now + 1 });
  const verdict = checkVerdict(before, after);
  return {
    ...head,
    appliedAt: new Date(appliedAt).toISOString(),
    appliedFrom,
    status: verdict.status,
    before: verdict.before,
    after: verdict.after,
    costChange: verdict.cost,
    turnsChange: verdict.turns,
    text: verdict.text,
  };
}
