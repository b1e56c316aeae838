/**
 * The `estimate`, `task start --estimate auto` and `variance` forecast-accuracy checks both backends
 * run (estimate.test.ts on SQLite, postgres-compare.test.ts on PostgreSQL), on the planted ledger
 * of compare-scenario.ts (`loadPlanted`): workflow v1 tasks estimated at 60k, v2 at 30k, review
 * tasks without an estimate.
 */
import { expect } from 'vitest';
import type { Sandbox } from '../helpers/cli.js';
import type { CompareOut } from './compare-scenario.js';

interface Category {
  category: string;
  tasks: number;
  taskIds: string[];
  tokens: { p50: number; p80: number } | null;
  usd: { p50: number; p80: number } | null;
  estimatedTasks: number;
  multiplier: number | null;
}

interface EstimateOut {
  basedOn: { labels: Record<string, string>; stage: string | null; by: string | null };
  categories: Category[];
}

interface VarianceOut {
  tasks: {
    id: string;
    estimatedTokens: number | null;
    actualTokens: number;
    variance: { noUsageYet: boolean };
  }[];
  forecastAccuracy: { tasks: number; within50: number; share: number | null };
}

/** Runs every check on `db`; `project` is a dir `task start` may use. */
export function checkEstimate(cli: Sandbox, db: string, project: string): void {
  const estimate = (...args: string[]) =>
    cli.json<EstimateOut>(['estimate', ...args, '--db', db, '--no-import', '--json']);

  // p50 of v1's tasks is the median compare finds; all were estimated at 60k, so the multiplier is p50 ÷ 60k.
  const v1 = estimate('--label', 'workflow=v1');
  expect(v1.basedOn).toEqual({ labels: { workflow: 'v1' }, stage: null, by: null });
  const [all] = v1.categories;
  expect(v1.categories).toHaveLength(1);
  expect(all?.tasks).toBe(50);
  const medians = cli.json<CompareOut>([
    'compare',
    '--a',
    'label:workflow=v1',
    '--b',
    'all',
    '--db',
    db,
    '--no-import',
    '--json',
  ]);
  const tokens = medians.metrics.find((m) => m.metric === 'tokens')?.a.median ?? 0;
  expect(all?.tokens?.p50).toBe(tokens);
  expect(all?.tokens?.p80 ?? 0).toBeGreaterThan(tokens);
  expect(all?.estimatedTasks).toBe(50);
  expect(all?.multiplier ?? 0).toBeCloseTo(tokens / 60_000, 12);

  // By a label: one category per value, tasks without it under (none).
  const by = estimate('--by', 'label:workflow');
  expect(by.categories.map((c) => [c.category, c.tasks])).toEqual([
    ['(none)', 60],
    ['v1', 50],
    ['v2', 50],
  ]);
  expect(by.categories[2]?.multiplier ?? 0).toBeGreaterThan(1);
  const review = estimate('--stage', 'review');
  expect(review.categories[0]?.tasks).toBe(60);
  expect(review.categories[0]?.multiplier).toBeNull();
  expect(cli.ok(['estimate', '--stage', 'review', '--db', db, '--no-import'])).toMatch(
    /Finished tasks with stage review:\n\n60 finished tasks\n {2}tokens per task: p50 [\d,]+, p80 [\d,]+\n {2}cost per task: {3}p50 \$[\d.]+, p80 \$[\d.]+\n {2}actual ÷ estimate: none of them had an estimate/,
  );

  // task start --estimate auto: the p50 of similar finished tasks, and what it was based on.
  const v2 = estimate('--label', 'workflow=v2', '--stage', 'implementation').categories[0];
  const started = cli.json<{
    task: { estimate: { tokens: number; usd: number | null } };
    estimateBasedOn: { tasks: number; text: string };
  }>([
    'task',
    'start',
    'NEW-1',
    '--label',
    'workflow=v2',
    '--stage',
    'implementation',
    '--estimate',
    'auto',
    '--project',
    project,
    '--db',
    db,
    '--json',
  ]);
  expect(started.task.estimate.tokens).toBe(Math.round(v2?.tokens?.p50 ?? 0));
  expect(started.task.estimate.usd).toBe(Math.round((v2?.usd?.p50 ?? 0) * 100) / 100);
  expect(started.estimateBasedOn.tasks).toBe(50);
  expect(started.estimateBasedOn.text).toBe(
    'the median of 50 finished tasks with stage implementation, label workflow=v2',
  );
  const text = cli.ok([
    'task',
    'start',
    'NEW-2',
    '--stage',
    'review',
    '--estimate',
    'auto',
    '--project',
    project,
    '--db',
    db,
  ]);
  expect(text).toMatch(
    /^Started NEW-2 in .*, estimate [\d,]+ tokens \/ \$[\d.]+ \(the median of 60 finished tasks with stage review\), stage review\./,
  );

  // No similar task: an error that says what to do, and no task is created.
  const none = cli.run([
    'task',
    'start',
    'NEW-3',
    '--label',
    'workflow=v9',
    '--estimate',
    'auto',
    '--project',
    project,
    '--db',
    db,
  ]);
  expect(none.status).toBe(1);
  expect(none.stderr).toContain(
    '--estimate auto: no finished task with label workflow=v9 to base an estimate on. Give the estimate yourself',
  );
  expect(cli.run(['task', 'show', 'NEW-3', '--db', db, '--no-import']).status).toBe(1);

  // variance: the share of tasks within ±50% of their estimate, beside the fields it always had.
  const variance = cli.json<VarianceOut>(['variance', '--db', db, '--no-import', '--json']);
  const compared = variance.tasks.filter((t) => !t.variance.noUsageYet && t.estimatedTokens !== null);
  const within = compared.filter((t) => {
    const r = t.actualTokens / (t.estimatedTokens ?? 1);
    return r >= 0.5 && r <= 1.5;
  });
  expect(compared).toHaveLength(100);
  expect(variance.forecastAccuracy).toEqual({
    tasks: 100,
    within50: within.length,
    share: within.length / 100,
  });
  expect(within.length).toBeGreaterThan(0);
  expect(within.length).toBeLessThan(100);
  expect(cli.ok(['variance', '--db', db, '--no-import'])).toContain(
    `forecast accuracy: ${within.length} of 100 task(s) (${Math.round(within.length)}%) within ±50% of their estimate`,
  );
}
