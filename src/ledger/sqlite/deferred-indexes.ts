/**
 * Secondary indexes on `usage` that a cold import builds once at its end instead of row by row: into
 * an empty ledger, sorting 100k+ rows once is several times cheaper than as many random B-tree
 * inserts, and each commit then rewrites fewer pages. The unique dedup index always stays.
 * @module
 */
import { USAGE_THREAD_INDEX } from './migration-12.js';
import type { Statements } from './statements.js';

/** Name → the statement that (re)creates it. The same definitions as the migrations'. */
const DEFERRABLE: Readonly<Record<string, string>> = {
  usage_ts: 'CREATE INDEX IF NOT EXISTS usage_ts ON usage (ts)',
  usage_session: 'CREATE INDEX IF NOT EXISTS usage_session ON usage (session_id)',
  usage_thread: USAGE_THREAD_INDEX,
};
const NAMES = Object.keys(DEFERRABLE);
const COUNT_SQL = `SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN (${NAMES.map(() => '?').join(', ')})`;

/** Drops the deferrable indexes if the ledger has no usage yet (in one write transaction). True if it did. */
export function deferIndexesIfEmpty(s: Statements): boolean {
  return s.write(() => {
    if (s.get('SELECT 1 FROM usage LIMIT 1').get() !== undefined) return false;
    for (const name of NAMES) s.db.exec(`DROP INDEX IF EXISTS ${name}`);
    return true;
  });
}

/**
 * Recreates any deferrable index that is missing: after a cold import, or when opening a ledger whose
 * import was cut off before it could (a cheap schema lookup when nothing is missing).
 */
export function restoreDeferredIndexes(s: Statements, options: { ifIdle?: boolean } = {}): void {
  const present = s
    .get(COUNT_SQL)
    .pluck()
    .get(...NAMES) as number;
  if (present === NAMES.length) return;
  try {
    s.write(() => {
      for (const sql of Object.values(DEFERRABLE)) s.db.exec(sql);
    });
  } catch (error) {
    // On open, a busy ledger (an import is writing) is no reason to fail: the next open or the
    // import's own end rebuilds them.
    const busy = ((error as { code?: string }).code ?? '').startsWith('SQLITE_BUSY');
    if (!(options.ifIdle === true && busy)) throw error;
  }
}
