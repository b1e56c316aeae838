/**
 * The JSONL round trip of what a ledger keeps besides usage, for SQLite and PostgreSQL alike: a
 * ledger built from real transcript lines with tool uses (the `tool-activity` fixture, through
 * `import`), two budgets with a warning already shown, and a review proposal that was applied and
 * checked; exported with `export --jsonl`, then imported into empty ledgers, which answer
 * `report --by tool`, `budget list`, `budget status` and `review check ID` as the original does, hold
 * the same warnings, and change nothing when the folder is imported again.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { BudgetReport } from '../../src/app/budget-status.js';
import type { CheckProposalResult } from '../../src/app/check-proposal.js';
import type { ReviewResult } from '../../src/app/review-proposals.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import { FIXTURE } from '../capture/tool-activity-truth.js';
import type { Sandbox } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/ledger.js';
import {
  cheaperLaterWork,
  DAY,
  expensiveSmallWork,
  fixtureRepo,
  git,
  HOUR,
  plantTasks,
} from '../helpers/planted-review.js';

/** Opens a ledger by its `--db` value (the caller closes it). */
export type OpenDb = (db: string) => Promise<LedgerStore>;

async function withStore<T>(open: OpenDb, db: string, work: (s: LedgerStore) => Promise<T>): Promise<T> {
  const store = await open(db);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/**
 * Fractions to 12 significant digits: two backends add the same costs in different orders, so the
 * last bits of a sum differ.
 */
function rounded<T>(value: T): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) =>
      typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v,
    ),
  );
}

/** What the ledger `db` answers; the same for the original and every rebuilt ledger. */
async function answers(cli: Sandbox, open: OpenDb, db: string, repo: string, id: string) {
  const args = ['--db', db, '--no-import'];
  const status = cli.json<BudgetReport>(['budget', 'status', '--json', ...args]);
  return rounded({
    byTool: cli.json<unknown>(['report', '--by', 'tool', '--json', ...args]),
    byFile: cli.json<unknown>(['report', '--by', 'file,skill,mcp-server', '--json', ...args]),
    budgets: cli.json<unknown>(['budget', 'list', '--json', '--db', db]),
    // The forecast depends on the moment it ran.
    status: status.budgets.map(({ forecast: _f, ...rest }) => rest),
    check: cli.json<CheckProposalResult>(['review', 'check', id, '--json', ...args, '--repo', repo]),
    warnings: await withStore(open, db, (s) =>
      s.budgetWarnings(status.budgets.map((b) => ({ budget: b.name, period: b.periodKey }))),
    ),
    proposals: await withStore(open, db, (s) => s.proposals()),
  });
}

/**
 * Builds the original ledger in `db`, exports it, imports the folder into each of `targets` (empty
 * ledgers) and compares their answers with the original's.
 */
export async function keptDataRoundTrip(
  cli: Sandbox,
  open: OpenDb,
  db: string,
  targets: readonly string[],
): Promise<void> {
  fs.cpSync(path.join(FIXTURES, FIXTURE), cli.claude, { recursive: true });
  cli.ok(['import', '--db', db]);
  const now = Date.now();
  const repo = fixtureRepo(cli.path('repo'));
  await withStore(open, db, (s) => plantTasks(s, expensiveSmallWork(now - 6 * DAY, now - 3 * DAY)));
  const args = ['--db', db, '--no-import', '--repo', repo];
  const review = cli.json<ReviewResult>(['review', '--json', ...args]);
  const scout = review.recommendations.find((r) => r.target === 'scout' && r.diff !== null);
  const id = scout?.id ?? '';
  expect(id).toMatch(/^[0-9a-f]{12}$/);
  // Applied (found in the file), cheaper work follows; the check remembers when.
  git(repo, ['apply', '-'], scout?.diff ?? '');
  const appliedAt = now - 2.5 * DAY;
  fs.utimesSync(path.join(repo, '.claude/agents/scout.md'), appliedAt / 1000, appliedAt / 1000);
  await withStore(open, db, (s) => plantTasks(s, cheaperLaterWork(now - 2 * DAY, now - HOUR)));
  expect(cli.json<CheckProposalResult>(['review', 'check', id, '--json', ...args]).appliedFrom).toBe('file');

  cli.ok(['budget', 'set', 'team', '$300', '--per', 'month', '--db', db]);
  cli.ok(['budget', 'set', 'tiny', '1k', '--per', 'week', '--db', db]);
  const status = cli.json<BudgetReport>(['budget', 'status', '--json', '--db', db, '--no-import']);
  const tiny = status.budgets.find((b) => b.name === 'tiny');
  expect(tiny?.reached).toEqual([50, 75, 90, 100]);
  // The warnings a hook showed this week.
  await withStore(open, db, async (s) => {
    for (const threshold of [50, 75])
      expect(
        await s.claimBudgetWarning({ budget: 'tiny', period: tiny?.periodKey ?? '', threshold }, now),
      ).toBe(true);
  });

  const original = await answers(cli, open, db, repo, id);
  // Real answers: tool uses from the transcripts, a remembered proposal applied, warnings shown.
  expect(original).toMatchObject({
    check: { id, appliedFrom: 'ledger' },
    warnings: [{ threshold: 50 }, { threshold: 75 }],
  });
  expect(JSON.stringify(original)).toContain('mcp:github/create_issue');

  const dir = cli.path('repo', '.tokenledger', 'ledger');
  cli.ok(['export', '--jsonl', dir, '--db', db, '--no-import']);
  // Nothing left to read from: the rebuilt ledgers have only the folder.
  fs.rmSync(path.join(cli.claude, 'projects'), { recursive: true, force: true });
  const kinds = new Set<string>();
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }))
    if (f.endsWith('.jsonl'))
      for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n'))
        if (line !== '') kinds.add((JSON.parse(line) as { type: string }).type);
  for (const k of ['activity', 'budget', 'budget_warning', 'review_proposal']) expect(kinds).toContain(k);

  for (const target of targets) {
    const first = cli.json<{ merged: number; problems: unknown[] }>([
      'import-jsonl',
      dir,
      '--db',
      target,
      '--json',
    ]);
    expect(first.problems).toEqual([]);
    expect(first.merged).toBeGreaterThan(0);
    expect(await answers(cli, open, target, repo, id)).toEqual(original);
    const again = cli.json<{ merged: number }>(['import-jsonl', dir, '--db', target, '--json']);
    expect(again.merged).toBe(0);
    expect(await answers(cli, open, target, repo, id)).toEqual(original);
  }
}
