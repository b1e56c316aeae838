/**
 * The ledger conformance suite on SQLite: each test gets a fresh ledger file in its own temp dir.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../../../src/ledger/sqlite/sqlite-store.js';
import { describeLedger, type OpenedLedger } from './describe-ledger.js';

describeLedger('SQLite', async (): Promise<OpenedLedger> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-conformance-'));
  const file = path.join(dir, 'ledger.db');
  const store = SqliteStore.open(file);
  const stores = [store];
  return {
    store,
    reopen: async () => {
      const other = SqliteStore.open(file);
      stores.push(other);
      return other;
    },
    cleanup: async () => {
      for (const s of stores.splice(0)) await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
