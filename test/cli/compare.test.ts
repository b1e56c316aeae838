/**
 * `tokenledger compare` on a SQLite ledger with planted cohorts (see compare-scenario.ts; the same
 * checks run on PostgreSQL in postgres-compare.test.ts).
 */
import { describe, it } from 'vitest';
import { useSandbox } from '../helpers/cli.js';
import { checkCompare, loadPlanted } from './compare-scenario.js';

const cli = useSandbox('tl-compare-', { per: 'file', dirs: ['tl'] });

describe('compare on a SQLite ledger', () => {
  it('finds the planted saving, and gives no verdict where there is no difference', () => {
    const db = cli.path('ledger.db');
    loadPlanted(cli, db);
    checkCompare(cli, db);
  }, 120_000);
});
