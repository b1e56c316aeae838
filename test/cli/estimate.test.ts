/**
 * `tokenledger estimate`, `task start --estimate auto` and the forecast accuracy of `variance` on a
 * SQLite ledger with planted cohorts (see estimate-scenario.ts; the same checks run on PostgreSQL in
 * postgres-compare.test.ts).
 */
import { describe, it } from 'vitest';
import { useSandbox } from '../helpers/cli.js';
import { loadPlanted } from './compare-scenario.js';
import { checkEstimate } from './estimate-scenario.js';

const cli = useSandbox('tl-estimate-', { per: 'file', dirs: ['tl', 'project'] });

describe('estimate on a SQLite ledger', () => {
  it('gives p50/p80 and the multiplier of similar tasks, auto estimates, and forecast accuracy', () => {
    const db = cli.path('ledger.db');
    loadPlanted(cli, db);
    checkEstimate(cli, db, cli.path('project'));
  }, 120_000);
});
