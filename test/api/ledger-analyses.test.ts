/**
 * The library's analyses on a real SQLite ledger and (with TOKENLEDGER_TEST_PG=1 or a server on
 * 127.0.0.1:5432) a PostgreSQL one: Claude Code transcripts with a file read again and
 * again (planted-rereads.ts) are imported by the library itself (its default import first), their
 * sessions given tasks with labels; then each function returns exactly the bytes the built CLI's
 * `--json` prints for the same options on the same ledger (`JSON.stringify(value, null, 2)`), with
 * content that shows the analysis ran (the re-read file flagged and proposed, the cohorts filled).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedgerSession } from '../../src/app/ledger-session.js';
import {
  budgetStatus,
  checkProposal,
  compareCohorts,
  estimateUsage,
  findAnomalies,
  listBudgets,
  listTasks,
  removeBudget,
  reviewUsage,
  setBudget,
  showTask,
  usageReport,
  varianceReport,
} from '../../src/index.js';
import { useSandbox } from '../helpers/cli.js';
import {
  attributeSessions,
  type RereadTruth,
  rereadSessions,
  writeRereadTranscripts,
} from '../helpers/planted-rereads.js';
import { fixtureRepo } from '../helpers/planted-review.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/postgres.js';

const cli = useSandbox('tl-api-analyses-', { per: 'file', dirs: ['claude', 'tl'] });
const pgAvailable = await postgresAvailable();
let database: TestDatabase | undefined;
afterAll(async () => {
  await database?.drop();
}, 120_000);
// The sessions end by noon UTC today at the latest, so that none falls on another's date.
const NOW = Math.min(Date.now(), Date.UTC(...utcDate(Date.now()), 12));
const UNTIL = new Date(NOW).toISOString().slice(0, 10);
let ledger = '';
let config = '';
let repo = '';
let truth: RereadTruth;

/** The options every call shares: the sandbox's ledger, config and environment. */
function where() {
  return { ledger, config, env: cli.env() };
}

/** What the CLI prints for `args` on the same ledger and config, without importing. */
function printed(args: readonly string[], noImport = true): string {
  return cli.ok([
    ...args,
    '--json',
    ...(noImport ? ['--no-import'] : []),
    '--db',
    ledger,
    '--config',
    config,
  ]);
}

function utcDate(ms: number): [number, number, number] {
  const d = new Date(ms);
  return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
}

function bytes(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Fills the ledger at `at` from the transcripts (written once), and gives the sessions tasks. */
async function fill(at: string): Promise<void> {
  ledger = at;
  // One repository and one set of transcripts for every backend (the sessions ran in it).
  repo = cli.path('repo');
  if (!fs.existsSync(repo)) fixtureRepo(repo);
  truth = rereadSessions(NOW, true, repo);
  if (!fs.existsSync(cli.path('claude', 'projects'))) writeRereadTranscripts(cli.claude, truth);
  config = cli.path('config.json');
  fs.writeFileSync(config, JSON.stringify({ claudeDirs: [cli.claude], timezone: 'UTC' }));
  // The library imports the transcripts itself (import defaults to true, as the CLI's).
  expect((await budgetStatus(where())).budgets).toEqual([]);
  const session = await openLedgerSession({ db: ledger, config, env: cli.env() });
  try {
    const groups = await session.store.groups({ dimensions: [], filter: {} });
    expect(groups.reduce((n, g) => n + g.responses, 0)).toBe(
      truth.sessions.reduce((n, s) => n + s.calls.length, 0),
    );
    await attributeSessions(session.store, truth);
    for (const [i, s] of truth.sessions.entries()) {
      await session.store.saveTask({
        id: s.task,
        labels: { workflow: i < 5 ? 'v1' : 'v2' },
        stage: 'implementation',
        estimateTokens: 100_000,
        status: 'done',
      });
    }
  } finally {
    await session.store.close();
  }
}

function analyses(backend: 'SQLite' | 'PostgreSQL', open: () => Promise<string>) {
  describe(`the library analyses return what the CLI prints, on ${backend}`, () => {
    beforeAll(async () => fill(await open()), 120_000);

    it('findAnomalies: anomalies --json', async () => {
      const report = await findAnomalies({ ...where(), until: UNTIL, days: 7, timezone: 'UTC' });
      expect(report.anomalies.map((a) => [a.kind, a.subject.file])).toContainEqual([
        'file-reread',
        truth.foundation,
      ]);
      expect(bytes(report)).toBe(printed(['anomalies', '--until', UNTIL, '--days', '7', '-z', 'UTC']));
      const narrowed = await findAnomalies({
        ...where(),
        import: false,
        until: UNTIL,
        task: 'T-R2',
        project: repo,
        thresholds: { minScore: 5 },
      });
      expect(bytes(narrowed)).toBe(
        printed(['anomalies', '--until', UNTIL, '--task', 'T-R2', '--project', repo, '--min-score', '5']),
      );
      expect(narrowed.thresholds.minScore).toBe(5);
    });

    it('reviewUsage: review --json, with the re-read file proposed as a diff', async () => {
      const review = await reviewUsage({ ...where(), repo, days: 7 });
      expect(review.recommendations.map((r) => [r.kind, r.target, r.file])).toContainEqual([
        'file_reread',
        'docs/foundation.md',
        'CLAUDE.md',
      ]);
      expect(review.reportPath).toBeNull();
      expect(bytes(review)).toBe(printed(['review', '--repo', repo, '--days', '7']));
      const other = await reviewUsage({ ...where(), repo, days: 3, policyFile: 'docs/rules.md' });
      expect(other.policyFile).toBe('docs/rules.md');
      expect(bytes(other)).toBe(
        printed(['review', '--repo', repo, '--days', '3', '--policy-file', 'docs/rules.md']),
      );
    });

    it('compareCohorts: compare --json', async () => {
      const result = await compareCohorts({
        ...where(),
        a: 'label:workflow=v1',
        b: 'label:workflow=v2',
        seed: 3,
        resamples: 500,
      });
      expect([result.a.tasks, result.b.tasks]).toEqual([5, 8]);
      expect(bytes(result)).toBe(
        printed([
          'compare',
          '--a',
          'label:workflow=v1',
          '--b',
          'label:workflow=v2',
          '--seed',
          '3',
          '--resamples',
          '500',
        ]),
      );
    });

    it('estimateUsage: estimate --json', async () => {
      const all = await estimateUsage({ ...where(), by: 'label:workflow' });
      expect(all.categories.map((c) => [c.category, c.tasks])).toEqual([
        ['v1', 5],
        ['v2', 8],
      ]);
      expect(bytes(all)).toBe(printed(['estimate', '--by', 'label:workflow']));
      const v2 = await estimateUsage({ ...where(), labels: { workflow: 'v2' }, stage: 'implementation' });
      expect(v2.categories[0]?.tasks).toBe(8);
      expect(bytes(v2)).toBe(printed(['estimate', '--label', 'workflow=v2', '--stage', 'implementation']));
    });

    it('setBudget, listBudgets, budgetStatus, removeBudget: budget set|list|status --json, budget rm', async () => {
      const saved = await setBudget({ ...where(), name: 'weekly', limit: '2M', per: 'week' });
      expect(saved).toMatchObject({ name: 'weekly', unit: 'tokens', limit: 2_000_000, period: 'week' });
      await setBudget({ ...where(), name: 'r2', limit: '$0.05', per: 'month', task: 'T-R2' });
      expect(bytes(await listBudgets(where()))).toBe(printed(['budget', 'list'], false));
      const before = Date.now();
      const status = await budgetStatus(where());
      const cliStatus = JSON.parse(printed(['budget', 'status'])) as typeof status;
      expect(status.budgets.map((b) => b.name)).toEqual(['r2', 'weekly']);
      expect(status.budgets.every((b) => b.spent > 0)).toBe(true);
      // Only what depends on the time of the answer differs: when it was made, and the forecast's
      // rate up to then (the budget's spend and period, its thresholds and the rate's start do not).
      const timeless = (r: typeof status) => ({
        budgets: r.budgets.map((b) => ({ ...b, forecast: { basis: { from: b.forecast.basis.from } } })),
        meta: { ...r.meta, at: '' },
      });
      expect(Date.parse(status.meta.at)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(cliStatus.meta.at)).toBeGreaterThanOrEqual(Date.parse(status.meta.at));
      expect(status.budgets.map((b) => b.forecast.basis.to)).toEqual(
        status.budgets.map(() => status.meta.at),
      );
      expect(timeless(status)).toEqual(timeless(cliStatus));
      expect(status.budgets.map((b) => b.forecast.amount)).toEqual(
        cliStatus.budgets.map((b) => expect.closeTo(b.forecast.amount, -2)),
      );
      await removeBudget('r2', where());
      expect((await listBudgets(where())).budgets.map((b) => b.name)).toEqual(['weekly']);
      await expect(removeBudget('r2', where())).rejects.toThrow('there is no budget "r2"');
    });

    it('usageReport: report --by … --json, by what drove the calls too (tool, skill, mcp-server, file)', async () => {
      const byTool = await usageReport({ ...where(), by: ['tool'] });
      expect(byTool.rows.map((r) => r.tool)).toContain('Read');
      expect(bytes(byTool)).toBe(printed(['report', '--by', 'tool']));
      const byFile = await usageReport({
        ...where(),
        by: 'file',
        mode: 'calculate',
        since: UNTIL.replaceAll('-', ''),
      });
      expect(bytes(byFile)).toBe(
        printed(['report', '--by', 'file', '--mode', 'calculate', '--since', UNTIL.replaceAll('-', '')]),
      );
      for (const by of ['skill', 'mcp-server', 'task,file', 'day,tool']) {
        const report = await usageReport({ ...where(), import: false, by, order: 'asc', project: repo });
        expect(report.meta.by).toEqual(by.split(','));
        expect(bytes(report), by).toBe(printed(['report', '--by', by, '--order', 'asc', '--project', repo]));
      }
      const files = await usageReport({ ...where(), by: ['task', 'file'] });
      const foundation = files.rows.filter((r) => r.task === 'T-R2' && r.file === truth.foundation);
      // R2's three reads drove its three calls after the first.
      expect(foundation.map((r) => r.responses)).toEqual([3]);
      await expect(usageReport({ ...where(), by: 'colour' })).rejects.toThrow('unknown dimension "colour"');
      await expect(
        usageReport({ ...where(), by: 'day', startOfWeek: 'someday' as 'monday' }),
      ).rejects.toThrow('startOfWeek "someday"');
    });

    it('checkProposal: review check ID --json, before and after the change is applied', async () => {
      const review = await reviewUsage({ ...where(), import: false, repo, days: 7 });
      const id = review.recommendations.find((r) => r.kind === 'file_reread')?.id;
      if (id == null) throw new Error('the review proposed no file_reread change');
      const open = await checkProposal(id, { ...where(), repo });
      expect(open).toMatchObject({ id, status: 'not_applied', appliedAt: null, before: null });
      expect(bytes(open)).toBe(printed(['review', 'check', id, '--repo', repo]));
      // Applied three days before the end of the sessions (a day, at its midnight in UTC).
      const day = new Date(NOW - 3 * 86_400_000).toISOString().slice(0, 10);
      const applied = await checkProposal(id, { ...where(), repo, appliedAt: day, days: 30 });
      expect(applied).toMatchObject({ appliedAt: `${day}T00:00:00.000Z`, appliedFrom: 'user' });
      expect(applied.before?.tasks).toBeGreaterThan(0);
      expect(applied.after?.tasks).toBeGreaterThan(0);
      expect(bytes(applied)).toBe(
        printed(['review', 'check', id, '--repo', repo, '--applied-at', day, '--days', '30']),
      );
      // A Date, as an ISO time on the command line; and the ledger remembers the last one given.
      const at = new Date(Date.parse(`${day}T06:00:00Z`));
      const dated = await checkProposal(id, { ...where(), repo, appliedAt: at });
      expect(bytes(dated)).toBe(
        printed(['review', 'check', id, '--repo', repo, '--applied-at', at.toISOString()]),
      );
      const remembered = await checkProposal(id, { ...where(), repo });
      expect(remembered).toMatchObject({ appliedAt: at.toISOString(), appliedFrom: 'ledger' });
      await expect(checkProposal('nope', where())).rejects.toThrow('no proposal has the id "nope"');
      await expect(checkProposal(id, { ...where(), appliedAt: 'soon' })).rejects.toThrow(
        'appliedAt "soon": give a date YYYY-MM-DD',
      );
      await expect(checkProposal(id, { ...where(), appliedAt: new Date(Number.NaN) })).rejects.toThrow(
        'appliedAt is an invalid Date',
      );
    });

    it('varianceReport: variance --json', async () => {
      const all = await varianceReport(where());
      // Every task has an estimate of 100,000 tokens.
      expect(all.tasks.map((t) => t.id).sort()).toEqual(
        [...new Set(truth.sessions.map((s) => s.task))].sort(),
      );
      expect(all.forecastAccuracy.tasks).toBe(all.tasks.length);
      expect(bytes(all)).toBe(printed(['variance']));
      const byWorkflow = await varianceReport({ ...where(), by: 'label:workflow' });
      // Groups come in the order of the tasks' creation (then id), which the two backends time apart.
      expect(byWorkflow.groups.map((g) => g.group).sort()).toEqual(['v1', 'v2']);
      expect(bytes(byWorkflow)).toBe(printed(['variance', '--by', 'label:workflow']));
      await expect(varianceReport({ ...where(), by: 'colour' })).rejects.toThrow(
        'by "colour": use label:KEY (e.g. label:category) or parent.',
      );
    });

    it('listTasks, showTask: task list|show --json, narrowed by days and project', async () => {
      const all = await listTasks(where());
      expect(all.tasks.map((t) => t.id).sort()).toEqual(
        [...new Set(truth.sessions.map((s) => s.task))].sort(),
      );
      expect(bytes(all)).toBe(printed(['task', 'list']));
      // From two days ago: R1, R2 and the last clean task; not R0 (three days ago) or older ones.
      const since = new Date(NOW - 2 * 86_400_000).toISOString().slice(0, 10);
      const recent = await listTasks({ ...where(), since, timezone: 'UTC', project: repo });
      expect(recent.filters).toEqual({ since, until: null, project: repo });
      expect(recent.tasks.length).toBeLessThan(all.tasks.length);
      expect(recent.tasks.map((t) => t.id).sort()).toEqual(['T-R1', 'T-R2', 'T-clean-9']);
      expect(bytes(recent)).toBe(printed(['task', 'list', '--since', since, '-z', 'UTC', '--project', repo]));
      expect(bytes(await listTasks({ ...where(), active: true }))).toBe(
        printed(['task', 'list', '--active']),
      );
      const r2 = await showTask('T-R2', where());
      expect(r2.task.id).toBe('T-R2');
      expect(r2.totals.responses).toBe(truth.sessions.find((x) => x.task === 'T-R2')?.calls.length);
      expect(bytes(r2)).toBe(printed(['task', 'show', 'T-R2']));
      const narrowed = await showTask('T-R2', { ...where(), until: since, timezone: 'UTC' });
      expect(bytes(narrowed)).toBe(printed(['task', 'show', 'T-R2', '--until', since, '-z', 'UTC']));
      await expect(showTask('T-none', where())).rejects.toThrow('T-none');
      await expect(listTasks({ ...where(), since: 'soon' })).rejects.toThrow('since "soon"');
    });

    it('rejects bad options, naming them (those checked without the ledger before opening it)', async () => {
      const missing = cli.path('tl', 'never.db');
      await expect(reviewUsage({ ledger: missing, days: 1.5 })).rejects.toThrow('days must be');
      await expect(setBudget({ ledger: missing, name: 'x', limit: 'lots', per: 'week' })).rejects.toThrow(
        'the limit "lots" is not a budget',
      );
      await expect(estimateUsage({ ledger: missing, labels: { team: 'a,b' } })).rejects.toThrow(
        'may not contain ","',
      );
      expect(fs.existsSync(missing)).toBe(false);
      await expect(findAnomalies({ ...where(), import: false, days: 0 })).rejects.toThrow(
        'days must be a whole number ≥ 1, got 0.',
      );
      await expect(findAnomalies({ ...where(), thresholds: { minRatio: -1 } })).rejects.toThrow(
        'the minimum ratio must be a number above 0',
      );
      // A JavaScript caller may pass anything: here one cohort only.
      const oneCohort = { ...where(), a: 'all' };
      await expect(Reflect.apply(compareCohorts, undefined, [oneCohort])).rejects.toThrow(
        'give both cohorts',
      );
    });
  });
}

analyses('SQLite', async () => cli.path('tl', 'ledger.db'));
if (pgAvailable) {
  analyses('PostgreSQL', async () => {
    database = await createTestDatabase();
    return database.url;
  });
}
