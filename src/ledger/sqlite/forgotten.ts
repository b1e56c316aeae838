/**
 * What the user told the ledger to forget (`tokenledger forget`), remembered by record key (see
 * record-identity.ts) so that no import brings it back: API calls read again from a rewritten
 * transcript or from a JSONL folder, and tasks, spans, runs and declarations in a JSONL folder. The
 * table is created by the first forget, so a ledger that never forgot pays nothing on import.
 * Declaring something again by hand (`task start`, `record`, a run on the task) clears its key.
 * @module
 */
import type { Statements } from './statements.js';

const TABLE = 'forgotten';

/** Connections that have seen the table: it is never dropped, so once there it stays. */
const known = new WeakSet<Statements>();

/** Whether the table exists (created by this or another process). */
export function hasForgotten(s: Statements): boolean {
  if (known.has(s)) return true;
  const row = s.get("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(TABLE);
  if (row !== undefined) known.add(s);
  return row !== undefined;
}

/** Creates the table if needed (inside the caller's write transaction). */
export function ensureForgotten(s: Statements): void {
  s.db.exec(
    `CREATE TABLE IF NOT EXISTS ${TABLE} (key TEXT PRIMARY KEY, forgotten_at INTEGER NOT NULL) WITHOUT ROWID`,
  );
  known.add(s);
}

/** Remembers record keys as forgotten (inside the caller's write transaction). */
export function addForgotten(s: Statements, keys: Iterable<string>, at: number): number {
  ensureForgotten(s);
  const stmt = s.get(`INSERT INTO ${TABLE} (key, forgotten_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`);
  let n = 0;
  for (const key of keys) n += stmt.run(key, at).changes;
  return n;
}

/**
 * A lookup of forgotten keys for one write, or null when nothing was ever forgotten (the common
 * case: the writer then checks nothing).
 */
export function forgottenLookup(s: Statements): ((key: string) => boolean) | null {
  if (!hasForgotten(s)) return null;
  if (s.get(`SELECT 1 FROM ${TABLE} LIMIT 1`).get() === undefined) return null;
  const stmt = s.get(`SELECT 1 FROM ${TABLE} WHERE key = ?`);
  return (key) => stmt.get(key) !== undefined;
}

/** The given keys that are forgotten. */
export function forgottenAmong(s: Statements, keys: readonly string[]): Set<string> {
  const is = forgottenLookup(s);
  return new Set(is === null ? [] : keys.filter(is));
}

/** Forgets the forgetting of these keys: the user declared them again by hand. */
export function clearForgotten(s: Statements, keys: readonly string[]): void {
  if (keys.length === 0 || !hasForgotten(s)) return;
  const stmt = s.get(`DELETE FROM ${TABLE} WHERE key = ?`);
  for (const key of keys) stmt.run(key);
}

/** How many API calls are remembered as forgotten. */
export function forgottenCallCount(s: Statements): number {
  if (!hasForgotten(s)) return 0;
  // Usage keys are `["usage",…]` (usageKey): a range of the primary key.
  return (
    s.get(`SELECT count(*) AS n FROM ${TABLE} WHERE key >= '["usage",' AND key < '["usage"-'`).get() as {
      n: number;
    }
  ).n;
}
