/**
 * `tokenledger compare` on a SQLite ledger with planted cohorts (see compare-scenario.ts; the same
 * checks run on PostgreSQL in postgres-compare.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { useSandbox } from '../helpers/cli.js';
import { writePlantedLedger } from '../helpers/planted-cohorts.js';
import { type CompareOut, checkCompare, loadPlanted } from './compare-scenario.js';

const cli = useSandbox('tl-compare-', { per: 'file', dirs: ['tl'] });

describe('compare on a SQLite ledger', () => {
  it('finds the planted saving, and gives no verdict where there is no difference', () => {
    const db = cli.path('ledger.db');
    loadPlanted(cli, db);
    checkCompare(cli, db);
  }, 120_000);

  it('selects by main model and branch, and counts tasks with usage the price table lacks', () => {
    const db = cli.path('models.db');
    const dir = writePlantedLedger(cli.path('models'), {
      seed: 5,
      cohorts: [
        { prefix: 'S', tasks: 6, labels: {}, scale: 1, model: 'claude-sonnet-4-5-20250929', branch: 'main' },
        {
          prefix: 'O',
          tasks: 6,
          labels: {},
          scale: 1,
          model: 'claude-opus-4-5-20251101',
          branch: 'feature/x',
        },
        { prefix: 'U', tasks: 3, labels: {}, scale: 1, model: 'claude-unreleased-9', branch: 'feature/x' },
      ],
    });
    cli.ok(['import-jsonl', dir, '--db', db]);
    const run = (a: string, b: string) =>
      cli.json<CompareOut & { a: { unpricedTasks: number }; b: { unpricedTasks: number } }>([
        'compare',
        '--a',
        a,
        '--b',
        b,
        '--db',
        db,
        '--no-import',
        '--json',
      ]);
    const byModel = run('model:sonnet', 'model:OPUS,model:unreleased');
    expect(byModel.a.taskIds).toEqual(['S-1', 'S-2', 'S-3', 'S-4', 'S-5', 'S-6']);
    expect(byModel.b.tasks).toBe(9);
    expect([byModel.a.unpricedTasks, byModel.b.unpricedTasks]).toEqual([0, 3]);
    const byBranch = run('branch:main', 'branch:feature/x,model:opus');
    expect([byBranch.a.tasks, byBranch.b.tasks]).toEqual([6, 6]);
    const text = cli.ok(['compare', '--a', 'all', '--b', 'model:unreleased', '--db', db, '--no-import']);
    expect(text).toContain(
      'Tasks that used models without a price: 3 in A, 3 in B; their cost counts only the priced part',
    );
  }, 60_000);
});
