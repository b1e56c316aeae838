/**
 * The `compare` scenario both backends run (compare.test.ts on SQLite, postgres-compare.test.ts on
 * PostgreSQL): a generated ledger with a cohort 30% cheaper per task and two cohorts with no real
 * difference, loaded with `import-jsonl`, then compared through the built CLI.
 */
import { expect } from 'vitest';
import type { Sandbox } from '../helpers/cli.js';
import { writePlantedLedger } from '../helpers/planted-cohorts.js';

export interface MetricOut {
  metric: string;
  a: { tasks: number; median: number | null };
  b: { tasks: number; median: number | null };
  change: { estimate: number; low: number; high: number } | null;
  verdict: 'lower' | 'higher' | null;
  reason: string | null;
  tasksNeededPerCohort: number | null;
  moreTasksNeeded: { a: number; b: number } | null;
  text: string;
}

export interface CompareOut {
  a: { filter: string; tasks: number; taskIds: string[] };
  b: { filter: string; tasks: number; taskIds: string[] };
  inBoth: number;
  bootstrap: { seed: number; resamples: number; level: number; minTasksPerCohort: number };
  verdict: string;
  metrics: MetricOut[];
}

/** Loads the planted ledger into `db` (a file or a postgres:// URL). */
export function loadPlanted(cli: Sandbox, db: string): void {
  const dir = writePlantedLedger(cli.path('planted'), {
    seed: 7,
    sigma: 0.25,
    cohorts: [
      {
        prefix: 'V1',
        tasks: 50,
        labels: { workflow: 'v1' },
        scale: 1,
        stage: 'implementation',
        estimateTokens: 60_000,
      },
      {
        prefix: 'V2',
        tasks: 50,
        labels: { workflow: 'v2' },
        scale: 0.7,
        stage: 'implementation',
        estimateTokens: 30_000,
      },
      { prefix: 'NX', tasks: 30, labels: { team: 'x' }, scale: 1, stage: 'review' },
      { prefix: 'NY', tasks: 30, labels: { team: 'y' }, scale: 1, stage: 'review' },
    ],
  });
  cli.ok(['import-jsonl', dir, '--db', db]);
}

function compare(cli: Sandbox, db: string, a: string, b: string, more: string[] = []): CompareOut {
  return JSON.parse(
    cli.ok(['compare', '--a', a, '--b', b, '--db', db, '--no-import', '--json', ...more]),
  ) as CompareOut;
}

function cost(r: CompareOut): MetricOut {
  const m = r.metrics.find((x) => x.metric === 'cost');
  if (m === undefined) throw new Error('no cost metric');
  return m;
}

/** Runs every check of the scenario on `db`. */
export function checkCompare(cli: Sandbox, db: string): void {
  // The planted 30% saving is found: the interval excludes 0 and contains −30%.
  const ab = compare(cli, db, 'label:workflow=v1', 'label:workflow=v2');
  expect([ab.a.tasks, ab.b.tasks]).toEqual([50, 50]);
  const c = cost(ab);
  expect(c.verdict).toBe('lower');
  expect(c.change?.high ?? 0).toBeLessThan(0);
  expect(c.change?.low ?? 0).toBeLessThanOrEqual(-0.3);
  expect(c.change?.high ?? 0).toBeGreaterThanOrEqual(-0.3);
  expect(ab.verdict).toMatch(/^B costs \d+% less per task \(95% CI \d+–\d+%, n=50\/50\)\.$/);
  expect(ab.metrics.find((m) => m.metric === 'tokens')?.verdict).toBe('lower');

  // Swapping the cohorts inverts the verdict, with the mirrored interval.
  const ba = compare(cli, db, 'label:workflow=v2', 'label:workflow=v1');
  expect(cost(ba).verdict).toBe('higher');
  expect(ba.verdict).toMatch(/^B costs \d+% more per task/);

  // No real difference: no verdict, an interval spanning 0, and how many tasks would be needed.
  const same = compare(cli, db, 'label:team=x', 'label:team=y');
  const n = cost(same);
  expect(n.verdict).toBeNull();
  expect(n.reason).toBe('interval-spans-zero');
  expect(n.change?.low ?? 1).toBeLessThan(0);
  expect(n.change?.high ?? -1).toBeGreaterThan(0);
  expect(n.tasksNeededPerCohort ?? 0).toBeGreaterThan(30);
  const more = (n.tasksNeededPerCohort ?? 0) - 30;
  expect(n.moreTasksNeeded).toEqual({ a: more, b: more });
  expect(n.text).toContain(`(${more} more in A, ${more} more in B)`);
  expect(c.moreTasksNeeded).toBeNull();
  expect(same.verdict).toMatch(
    /^No verdict on cost: .* includes 0 \(n=30\/30\); about \d+ tasks per cohort would be needed/,
  );

  // A cohort against itself never gets a verdict.
  const self = compare(cli, db, 'stage:review', 'stage:review');
  expect(self.metrics.every((m) => m.verdict === null)).toBe(true);
  expect(self.inBoth).toBe(60);

  // Too few tasks: no verdict, and it says so.
  const few = compare(cli, db, 'label:team=x', 'label:team=y,since:2026-11-09');
  expect(few.b.tasks).toBe(1);
  expect(cost(few).reason).toBe('too-few-tasks');
  expect(few.verdict).toMatch(/too few tasks/);

  // The same seed gives the same result; another seed another interval.
  expect(compare(cli, db, 'label:workflow=v1', 'label:workflow=v2')).toEqual(ab);
  const other = compare(cli, db, 'label:workflow=v1', 'label:workflow=v2', ['--seed', '99']);
  expect(other.bootstrap.seed).toBe(99);
  expect(cost(other).change?.estimate).toBe(c.change?.estimate);
  expect(cost(other).change?.low).not.toBe(c.change?.low);

  // The text gives the verdict and a line per metric.
  const text = cli.ok([
    'compare',
    '--a',
    'label:workflow=v1',
    '--b',
    'label:workflow=v2',
    '--db',
    db,
    '--no-import',
  ]);
  expect(text).toContain(ab.verdict);
  expect(text).toMatch(/A: label:workflow=v1 \(50 finished tasks\)/);
  expect(text).toMatch(/^API calls/m);

  // A bad filter names the bad part and lists the keys.
  const bad = cli.run([
    'compare',
    '--a',
    'label:workflow=v1',
    '--b',
    'colour:blue',
    '--db',
    db,
    '--no-import',
  ]);
  expect(bad.status).toBe(1);
  expect(bad.stderr).toContain('--b "colour:blue": the part "colour:blue" has an unknown key "colour"');
  expect(bad.stderr).toContain('label:KEY=VALUE, stage:NAME, model:TEXT, branch:NAME, project:DIR');
}
