/**
 * A large import into SQLite: into an empty ledger the deferrable indexes are built once at its end,
 * and the WAL the import's connections wrote (they skip automatic checkpoints) is copied back then.
 * @module
 */
import type { BulkImport } from '../usage-repository.js';
import { deferIndexesIfEmpty, restoreDeferredIndexes } from './deferred-indexes.js';
import type { Statements } from './statements.js';

export interface SqliteBulkImport extends BulkImport {
  /** True when the ledger had no usage, so its deferrable indexes are built at the end. */
  readonly deferredIndexes: boolean;
}

export function startBulkImport(s: Statements): SqliteBulkImport {
  const deferredIndexes = deferIndexesIfEmpty(s);
  let finished = false;
  return {
    deferredIndexes,
    async finish() {
      if (finished) return;
      finished = true;
      if (deferredIndexes) restoreDeferredIndexes(s);
      // Copies the WAL back into the database; never waits for readers.
      s.db.pragma('wal_checkpoint(PASSIVE)');
    },
  };
}
