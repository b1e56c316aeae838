/**
 * A large import into the PostgreSQL ledger: into an empty ledger, the secondary indexes on `usage`
 * that a report needs but an import does not (by time, by session) are built once at its end instead
 * of row by row, as on SQLite (sqlite/deferred-indexes.ts). The unique dedup index always stays: the
 * merge needs it. A ledger found without them (an import cut off) gets them back when a store opens,
 * unless another writer holds the table right now (the next open, or the import's own end, does it).
 *
 * Correctness never depends on these indexes: another machine importing meanwhile only goes slower.
 * @module
 */
import type { BulkImport } from '../usage-repository.js';
import type { PgDb } from './connection.js';
import { USAGE_THREAD_INDEX } from './migration-thread-index.js';
import { LOCKS } from './migrations.js';

/** Name → the statement that (re)creates it: the same definitions as schema-usage.ts. */
const DEFERRABLE: Readonly<Record<string, string>> = {
  usage_ts: 'CREATE INDEX IF NOT EXISTS usage_ts ON usage (ts)',
  usage_session: 'CREATE INDEX IF NOT EXISTS usage_session ON usage (session_id text_pattern_ops)',
  usage_thread: USAGE_THREAD_INDEX,
};
const NAMES = Object.keys(DEFERRABLE);
/** SQLSTATE lock_not_available. */
const LOCK_NOT_AVAILABLE = '55P03';

/** Drops the deferrable indexes if the ledger has no usage yet; `finish` builds them again. */
export async function startBulkImport(db: PgDb): Promise<BulkImport> {
  const deferred = await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.migrate]);
    const [row] = await tx.query<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM usage) AS empty');
    if (row?.empty !== true) return false;
    await tx.query(`DROP INDEX IF EXISTS ${NAMES.join(', ')}`);
    return true;
  });
  let finished = false;
  return {
    async finish() {
      if (finished) return;
      finished = true;
      if (deferred) await restoreDeferredIndexes(db);
    },
  };
}

/** True when a deferrable index is missing (one catalog lookup). */
export async function deferredIndexesMissing(db: PgDb): Promise<boolean> {
  const [row] = await db.query<{ n: number }>(
    "SELECT count(*) AS n FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'usage' AND indexname = ANY($1::text[])",
    [NAMES],
  );
  return (row?.n ?? 0) < NAMES.length;
}

/**
 * Builds any deferrable index that is missing. With `ifIdle` (on open), gives up at once when
 * another process holds the table (an import is writing).
 */
export async function restoreDeferredIndexes(db: PgDb, options: { ifIdle?: boolean } = {}): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      if (options.ifIdle === true) await tx.query("SET LOCAL lock_timeout = '200ms'");
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.migrate]);
      for (const sql of Object.values(DEFERRABLE)) await tx.query(sql);
    });
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (!(options.ifIdle === true && code === LOCK_NOT_AVAILABLE)) throw error;
  }
}
