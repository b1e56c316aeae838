/**
 * The `review` flow on one ledger, for SQLite and PostgreSQL alike: a generated ledger where opus
 * does small work proposes diffs that `git apply --check` accepts in a fixture repository (real
 * git); `--write` writes the review report with them; after the downshift is applied and cheaper
 * usage follows, `review check ID` reports the saving with an interval excluding 0; and a clean
 * control ledger proposes nothing.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { CheckProposalResult } from '../../src/app/check-proposal.js';
import type { ReviewResult } from '../../src/app/review-proposals.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import type { Sandbox } from '../helpers/cli.js';
import {
  applyCheck,
  cheaperLaterWork,
  cleanWork,
  DAY,
  expensiveSmallWork,
  fixtureRepo,
  git,
  HOUR,
  OPUS,
  plantTasks,
} from '../helpers/planted-review.js';

export interface FlowLedgers {
  /** The `--db` value of the ledger to plant into. */
  db: string;
  /** The `--db` value of the clean control ledger. */
  cleanDb: string;
  /** Opens a ledger by its `--db` value (closed by the flow). */
  open: (db: string) => Promise<LedgerStore>;
}

async function plant(
  ledgers: FlowLedgers,
  db: string,
  tasks: Parameters<typeof plantTasks>[1],
): Promise<void> {
  const store = await ledgers.open(db);
  try {
    await plantTasks(store, tasks);
  } finally {
    await store.close();
  }
}

export async function reviewFlow(cli: Sandbox, ledgers: FlowLedgers): Promise<void> {
  const now = Date.now();
  const repo = fixtureRepo(cli.path('repo'));
  await plant(ledgers, ledgers.db, expensiveSmallWork(now - 6 * DAY, now - 3 * DAY));

  const args = ['--db', ledgers.db, '--no-import', '--repo', repo];
  const review = cli.json<ReviewResult>(['review', '--json', ...args]);
  expect(review.repository).toBe(repo);
  const proposals = review.recommendations.filter((r) => r.diff !== null);
  expect(proposals.map((r) => [r.kind, r.target, r.file]).sort()).toEqual([
    ['context_reuse', 'writer', 'CLAUDE.md'],
    ['model_downshift', 'scout', '.claude/agents/scout.md'],
  ]);
  for (const p of proposals) {
    expect(p.id).toMatch(/^[0-9a-f]{12}$/);
    expect(p.savingUsd ?? 0).toBeGreaterThan(0);
    expect(applyCheck(repo, p.diff ?? ''), `${p.kind}: ${p.diff}`).toBe('');
  }
  const scout = proposals.find((p) => p.target === 'scout');
  expect(scout?.diff).toContain('+model: haiku');
  expect(scout?.cohort).toEqual({ agent: 'scout', model: OPUS });

  // The same review again gives the same ids; --write writes the report with the diffs.
  const root = cli.path('usage');
  const again = cli.json<ReviewResult>(['review', '--json', '--write', '--root', root, ...args]);
  expect(again.recommendations.map((r) => r.id)).toEqual(review.recommendations.map((r) => r.id));
  expect(again.reportPath).toBe(path.join(root, 'reports', `usage-review-${review.date}.md`));
  const report = fs.readFileSync(again.reportPath ?? '', 'utf8');
  expect(report).toContain('### For .claude/agents/scout.md');
  expect(report).toContain(`(model_selection, id ${scout?.id})`);
  expect(report).toContain('```diff\n--- a/.claude/agents/scout.md');
  const text = cli.ok(['review', ...args]);
  expect(text).toContain(`[${scout?.id}]`);
  expect(text).toContain('+model: haiku');

  // Not applied yet.
  const id = scout?.id ?? '';
  const pending = cli.json<CheckProposalResult>(['review', 'check', id, '--json', ...args]);
  expect(pending.status).toBe('not_applied');

  // Applied (found in the file, dated by its modification time), then cheaper work follows.
  git(repo, ['apply', '-'], scout?.diff ?? '');
  const appliedAt = now - 2.5 * DAY;
  fs.utimesSync(path.join(repo, '.claude/agents/scout.md'), appliedAt / 1000, appliedAt / 1000);
  await plant(ledgers, ledgers.db, cheaperLaterWork(now - 2 * DAY, now - HOUR));
  const check = cli.json<CheckProposalResult>(['review', 'check', id, '--json', ...args]);
  expect(check).toMatchObject({ id, status: 'saving', appliedFrom: 'file' });
  expect(check.before?.tasks).toBe(8);
  expect(check.after?.tasks).toBe(8);
  expect(check.costChange?.high ?? 0).toBeLessThan(0);
  expect(check.text).toMatch(/^cost per task fell \d+% \(95% CI \d+–\d+%, n=8\/8\); turns per task/);
  // The ledger remembers when; the review no longer proposes what is in place.
  const later = cli.json<CheckProposalResult>(['review', 'check', id, '--json', ...args]);
  expect(later.appliedFrom).toBe('ledger');
  expect(
    cli.json<ReviewResult>(['review', '--json', ...args]).recommendations.map((r) => r.target),
  ).not.toContain('scout');

  // Unknown ids are an error that says what to do.
  const unknown = cli.run(['review', 'check', 'nope', ...args]);
  expect(unknown.status).not.toBe(0);
  expect(unknown.stderr).toContain('no proposal has the id "nope"');

  // A clean control ledger proposes nothing.
  await plant(ledgers, ledgers.cleanDb, cleanWork(now - 6 * DAY, now - HOUR));
  const clean = cli.json<ReviewResult>([
    'review',
    '--json',
    '--db',
    ledgers.cleanDb,
    '--no-import',
    '--repo',
    repo,
  ]);
  expect(clean.recommendations).toEqual([]);
}
