/**
 * What the user told the ledger to forget, by record key (see record-identity.ts), in the PostgreSQL
 * ledger: the same rules as the SQLite store's forgotten.ts, on a table that always exists.
 * @module
 */
import type { PgQueryable } from './connection.js';

/** Remembers record keys as forgotten; returns how many were new. */
export async function addForgotten(db: PgQueryable, keys: Iterable<string>, at: number): Promise<number> {
  const list = [...new Set(keys)].sort();
  if (list.length === 0) return 0;
  const rows = await db.query(
    `INSERT INTO forgotten (key, forgotten_at) SELECT k, $2 FROM unnest($1::text[]) AS k
     ON CONFLICT (key) DO NOTHING RETURNING key`,
    [list, at],
  );
  return rows.length;
}

/** The given keys that are forgotten (one query; none when nothing was ever forgotten). */
export async function forgottenAmong(db: PgQueryable, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.query<{ key: string }>('SELECT key FROM forgotten WHERE key = ANY($1::text[])', [
    [...new Set(keys)],
  ]);
  return new Set(rows.map((r) => r.key));
}

/** Whether anything was ever forgotten: when not, writers check nothing. */
export async function anyForgotten(db: PgQueryable): Promise<boolean> {
  const [row] = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM forgotten) AS any');
  return row?.any === true;
}

/** Forgets the forgetting of these keys: the user declared them again by hand. */
export async function clearForgotten(db: PgQueryable, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.query('DELETE FROM forgotten WHERE key = ANY($1::text[])', [[...keys]]);
}

/** How many API calls are remembered as forgotten (usage keys are `["usage",…]`: a key range). */
export async function forgottenCallCount(db: PgQueryable): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*) AS n FROM forgotten WHERE key >= '["usage",' AND key < '["usage"-'`,
  );
  return row?.n ?? 0;
}
