/**
 * `export --jsonl` / `import-jsonl` carry call activity, budgets with their warnings, and review
 * proposals: a SQLite ledger rebuilt from the folder answers `report --by tool`, `budget list|status`
 * and `review check ID` as the original does (see jsonl-kept-data.flow.ts).
 */
import { describe, it } from 'vitest';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import { useSandbox } from '../helpers/cli.js';
import { keptDataRoundTrip } from './jsonl-kept-data.flow.js';

const cli = useSandbox('tl-jsonl-kept-', { dirs: ['claude', 'tl'] });

describe('export --jsonl / import-jsonl of activity, budgets and review proposals', () => {
  it('rebuilds them in an empty SQLite ledger, and importing again changes nothing', async () => {
    await keptDataRoundTrip(cli, async (db) => SqliteStore.open(db), cli.path('original.db'), [
      cli.path('rebuilt.db'),
    ]);
  }, 180_000);
});
