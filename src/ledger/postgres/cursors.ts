/**
 * What the importer remembers between runs, in the PostgreSQL ledger: file cursors, directory
 * listings, scan snapshots, and sessions whose Agent/Task spawns still lack an agent id.
 * @module
 */
import type { DirListing, FileCursor } from '../../capture/types.js';
import type { CursorStamp, ScanSnapshotKey } from '../ingest-state-repository.js';
import type { PgDb, PgQueryable } from './connection.js';

interface StampRow {
  path: string;
  identity: string;
  size: number;
  mtime_ms: number;
}

function stamps(rows: readonly StampRow[]): Map<string, CursorStamp> {
  const map = new Map<string, CursorStamp>();
  for (const r of rows) map.set(r.path, { identity: r.identity, size: r.size, mtimeMs: r.mtime_ms });
  return map;
}

export async function cursorStamps(db: PgQueryable): Promise<Map<string, CursorStamp>> {
  return stamps(await db.query<StampRow>('SELECT path, identity, size, mtime_ms FROM files'));
}

export async function cursorStampsOf(
  db: PgQueryable,
  paths: readonly string[],
): Promise<Map<string, CursorStamp>> {
  if (paths.length === 0) return new Map();
  return stamps(
    await db.query<StampRow>(
      'SELECT path, identity, size, mtime_ms FROM files WHERE path = ANY($1::text[])',
      [[...paths]],
    ),
  );
}

interface CursorRow extends StampRow {
  read_offset: number;
  head_hash: string;
  head_length: number;
  tail_hash: string;
}

const CURSOR_COLUMNS = 'path, identity, size, mtime_ms, read_offset, head_hash, head_length, tail_hash';

export async function loadCursors(
  db: PgQueryable,
  paths?: readonly string[],
): Promise<Map<string, FileCursor>> {
  const rows =
    paths === undefined
      ? await db.query<CursorRow>(`SELECT ${CURSOR_COLUMNS} FROM files`)
      : paths.length === 0
        ? []
        : await db.query<CursorRow>(`SELECT ${CURSOR_COLUMNS} FROM files WHERE path = ANY($1::text[])`, [
            [...paths],
          ]);
  const map = new Map<string, FileCursor>();
  for (const r of rows) {
    map.set(r.path, {
      path: r.path,
      identity: r.identity,
      size: r.size,
      mtimeMs: r.mtime_ms,
      offset: r.read_offset,
      headHash: r.head_hash,
      headLength: r.head_length,
      tailHash: r.tail_hash,
    });
  }
  return map;
}

export async function dirListings(db: PgQueryable): Promise<Map<string, DirListing>> {
  const rows = await db.query<{ path: string; mtime_ms: number; listed_at: number; entries: string }>(
    'SELECT path, mtime_ms, listed_at, entries FROM dir_listings',
  );
  const map = new Map<string, DirListing>();
  for (const r of rows)
    map.set(r.path, {
      mtimeMs: r.mtime_ms,
      listedAt: r.listed_at,
      entries: r.entries === '' ? [] : r.entries.split('\n'),
    });
  return map;
}

export async function writeDirListings(
  db: PgQueryable,
  listings: ReadonlyMap<string, DirListing>,
): Promise<void> {
  if (listings.size === 0) return;
  const rows = [...listings].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  await db.query(
    `INSERT INTO dir_listings (path, mtime_ms, listed_at, entries)
     SELECT * FROM unnest($1::text[], $2::float8[], $3::bigint[], $4::text[])
     ON CONFLICT (path) DO UPDATE SET mtime_ms = EXCLUDED.mtime_ms, listed_at = EXCLUDED.listed_at, entries = EXCLUDED.entries`,
    [
      rows.map(([p]) => p),
      rows.map(([, l]) => l.mtimeMs),
      rows.map(([, l]) => l.listedAt),
      rows.map(([, l]) => l.entries.join('\n')),
    ],
  );
}

/** The `roots` column of a snapshot: the source and its roots, as JSON (as on SQLite). */
function snapshotKey(key: ScanSnapshotKey): string {
  return JSON.stringify({ source: key.source, roots: key.roots });
}

export async function scanSnapshot(
  db: PgQueryable,
  key: ScanSnapshotKey,
): Promise<{ snapshot: string; delta: string } | null> {
  const [row] = await db.query<{ data: string; delta: string }>(
    'SELECT data, delta FROM scan_snapshots WHERE roots = $1',
    [snapshotKey(key)],
  );
  return row === undefined ? null : { snapshot: row.data, delta: row.delta };
}

/** SQLSTATE lock_not_available: the row is locked by another writer right now. */
const LOCK_NOT_AVAILABLE = '55P03';

/** Best effort: never waits for another writer's lock (the next import only does more). */
export async function saveScanSnapshot(
  db: PgDb,
  key: ScanSnapshotKey,
  saved: { snapshot: string } | { delta: string },
): Promise<void> {
  const roots = snapshotKey(key);
  try {
    await db.transaction(async (tx) => {
      await tx.query("SET LOCAL lock_timeout = '100ms'");
      if ('snapshot' in saved)
        await tx.query(
          `INSERT INTO scan_snapshots (roots, taken_at, data, delta) VALUES ($1, $2, $3, '')
           ON CONFLICT (roots) DO UPDATE SET taken_at = EXCLUDED.taken_at, data = EXCLUDED.data, delta = ''`,
          [roots, Date.now(), saved.snapshot],
        );
      else await tx.query('UPDATE scan_snapshots SET delta = $1 WHERE roots = $2', [saved.delta, roots]);
    });
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== LOCK_NOT_AVAILABLE) throw error;
  }
}

export async function sessionsWithUnresolvedSpawns(
  db: PgQueryable,
  among?: readonly string[],
): Promise<Set<string>> {
  if (among !== undefined) {
    if (among.length === 0) return new Set();
    const rows = await db.query<{ session_id: string }>(
      'SELECT DISTINCT session_id FROM agent_spawns WHERE session_id = ANY($1::text[]) AND agent_id IS NULL',
      [[...among]],
    );
    return new Set(rows.map((r) => r.session_id));
  }
  const rows = await db.query<{ session_id: string }>(
    'SELECT DISTINCT session_id FROM agent_spawns WHERE agent_id IS NULL',
  );
  return new Set(rows.map((r) => r.session_id));
}
