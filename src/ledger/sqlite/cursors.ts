/**
 * What the importer remembers between runs: file cursors, directory listings, and sessions whose
 * Agent/Task spawns still lack an agent id.
 * @module
 */
import type { DirListing, FileCursor } from '../../capture/types.js';
import type { CursorStamp } from '../ingest-state-repository.js';
import { type Statements, tryWriteNow } from './statements.js';

export function cursorStamps(s: Statements): Map<string, CursorStamp> {
  const rows = s.get('SELECT path, identity, size, mtime_ms FROM files').raw().all() as [
    string,
    string,
    number,
    number,
  ][];
  const map = new Map<string, CursorStamp>();
  for (const [path, identity, size, mtimeMs] of rows) map.set(path, { identity, size, mtimeMs });
  return map;
}

export function cursorStampsOf(s: Statements, paths: readonly string[]): Map<string, CursorStamp> {
  const stmt = s.get('SELECT identity, size, mtime_ms FROM files WHERE path = ?').raw();
  const map = new Map<string, CursorStamp>();
  for (const p of paths) {
    const row = stmt.get(p) as [string, number, number] | undefined;
    if (row !== undefined) map.set(p, { identity: row[0], size: row[1], mtimeMs: row[2] });
  }
  return map;
}

interface CursorRow {
  path: string;
  identity: string;
  size: number;
  mtime_ms: number;
  read_offset: number;
  head_hash: string;
  head_length: number;
  tail_hash: string;
}

const CURSOR_COLUMNS = 'path, identity, size, mtime_ms, read_offset, head_hash, head_length, tail_hash';

export function loadCursors(s: Statements, paths?: readonly string[]): Map<string, FileCursor> {
  const rows: CursorRow[] =
    paths === undefined
      ? (s.get(`SELECT ${CURSOR_COLUMNS} FROM files`).all() as CursorRow[])
      : paths.flatMap((p) => {
          const r = s.get(`SELECT ${CURSOR_COLUMNS} FROM files WHERE path = ?`).get(p) as
            | CursorRow
            | undefined;
          return r === undefined ? [] : [r];
        });
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

export function dirListings(s: Statements): Map<string, DirListing> {
  const rows = s.get('SELECT path, mtime_ms, listed_at, entries FROM dir_listings').raw().all() as [
    string,
    number,
    number,
    string,
  ][];
  const map = new Map<string, DirListing>();
  for (const [p, mtimeMs, listedAt, entries] of rows)
    map.set(p, { mtimeMs, listedAt, entries: entries === '' ? [] : entries.split('\n') });
  return map;
}

export function writeDirListings(s: Statements, listings: ReadonlyMap<string, DirListing>): void {
  if (listings.size === 0) return;
  const stmt = s.get(
    `INSERT INTO dir_listings (path, mtime_ms, listed_at, entries) VALUES (?, ?, ?, ?)
     ON CONFLICT (path) DO UPDATE SET mtime_ms = excluded.mtime_ms, listed_at = excluded.listed_at, entries = excluded.entries`,
  );
  s.write(() => {
    for (const [p, l] of listings) stmt.run(p, l.mtimeMs, l.listedAt, l.entries.join('\n'));
  });
}

export function scanSnapshot(s: Statements, key: string): { snapshot: string; delta: string } | null {
  const row = s.get('SELECT data, delta FROM scan_snapshots WHERE roots = ?').raw().get(key) as
    | [string, string]
    | undefined;
  return row === undefined ? null : { snapshot: row[0], delta: row[1] };
}

export function saveScanSnapshot(
  s: Statements,
  key: string,
  saved: { snapshot: string } | { delta: string },
): void {
  tryWriteNow(s, () => {
    if ('snapshot' in saved)
      s.get(
        `INSERT INTO scan_snapshots (roots, taken_at, data, delta) VALUES (?, ?, ?, '')
         ON CONFLICT (roots) DO UPDATE SET taken_at = excluded.taken_at, data = excluded.data, delta = ''`,
      ).run(key, Date.now(), saved.snapshot);
    else s.get('UPDATE scan_snapshots SET delta = ? WHERE roots = ?').run(saved.delta, key);
  });
}

export function sessionsWithUnlinkedSpawns(s: Statements, among?: readonly string[]): Set<string> {
  if (among !== undefined) {
    // A few sessions (a targeted import): one primary-key prefix lookup each, not a table scan.
    const one = s.get('SELECT 1 FROM agent_spawns WHERE session_id = ? AND agent_id IS NULL LIMIT 1');
    return new Set(among.filter((id) => one.get(id) !== undefined));
  }
  const rows = s.get('SELECT DISTINCT session_id FROM agent_spawns WHERE agent_id IS NULL').raw().all() as [
    string,
  ][];
  return new Set(rows.map((r) => r[0]));
}
