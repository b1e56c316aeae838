/**
 * `tokenledger review` and `review check` on SQLite ledgers (the flow is in review-flow.ts).
 */
import { it } from 'vitest';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import { useSandbox } from '../helpers/cli.js';
import { reviewFlow } from './review-flow.js';

const cli = useSandbox('tl-review-');

it('proposes diffs git applies, checks the saving after applying one, and proposes nothing on a clean ledger', async () => {
  await reviewFlow(cli, {
    db: cli.path('ledger.db'),
    cleanDb: cli.path('clean.db'),
    open: async (db) => SqliteStore.open(db),
  });
}, 120_000);
