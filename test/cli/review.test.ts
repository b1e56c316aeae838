/**
 * `tokenledger review` and `review check` on SQLite ledgers (the flow is in review-flow.ts).
 */
import { expect, it } from 'vitest';
import type { CheckProposalResult } from '../../src/app/check-proposal.js';
import type { ReviewResult } from '../../src/app/review-proposals.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import { useSandbox } from '../helpers/cli.js';
import { DAY, expensiveSmallWork, fixtureRepo, plantTasks } from '../helpers/planted-review.js';
import { reviewFlow } from './review-flow.js';

const cli = useSandbox('tl-review-');

it('proposes diffs git applies, checks the saving after applying one, and proposes nothing on a clean ledger', async () => {
  await reviewFlow(cli, {
    db: cli.path('ledger.db'),
    cleanDb: cli.path('clean.db'),
    open: async (db) => SqliteStore.open(db),
  });
}, 120_000);

it('takes the apply date from --applied-at, remembers it, and says when there is too little data', async () => {
  const now = Date.now();
  const repo = fixtureRepo(cli.path('repo'));
  const db = cli.path('ledger.db');
  const store = SqliteStore.open(db);
  try {
    await plantTasks(store, expensiveSmallWork(now - 6 * DAY, now - 3 * DAY));
  } finally {
    await store.close();
  }
  const args = ['--db', db, '--no-import', '--repo', repo];
  const review = cli.json<ReviewResult>(['review', '--json', ...args]);
  const id = review.recommendations.find((r) => r.target === 'scout')?.id ?? '';
  const day = new Date(now - 2 * DAY).toISOString().slice(0, 10);
  const check = cli.json<CheckProposalResult>([
    'review',
    'check',
    id,
    '--applied-at',
    day,
    '--json',
    ...args,
  ]);
  expect(check).toMatchObject({
    status: 'too_little_data',
    appliedFrom: 'user',
    appliedAt: `${day}T00:00:00.000Z`,
  });
  expect(check.text).toBe(
    'too little data to tell: n=8/0 priced tasks before/after (at least 5 on each side are needed).',
  );
  const text = cli.ok(['review', 'check', id, ...args]);
  expect(text).toContain(`Applied ${day}T00:00:00.000Z (as recorded).`);
  expect(text).toContain('Verdict: too little data to tell');
  const missing = cli.run(['review', '--db', db, '--no-import', '--repo', cli.path('nowhere')]);
  expect(missing.status).toBe(1);
  expect(missing.stderr).toContain(`the repository ${cli.path('nowhere')} is not a directory`);
  const bad = cli.run(['review', 'check', id, '--applied-at', 'soon', ...args]);
  expect(bad.status).toBe(1);
  expect(bad.stderr).toContain('--applied-at "soon": give a date YYYY-MM-DD');
});
