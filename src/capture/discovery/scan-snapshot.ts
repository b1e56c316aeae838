/**
 * What the last complete import of a source saw under its roots, so the next one can tell "nothing new"
 * (or "only these files grew") with one stat per directory and file and no walk.
 *
 * A snapshot lists every directory the walk went through with its mtime, and every transcript with
 * the stamp (identity, size, mtime) its ledger cursor had. It is taken only from a walk without
 * problems whose every listing was stable (taken well after the directory's last change), and a file
 * gets its cursor's stamp or, without a cursor, one that never matches. Cursors move only with their
 * files, so when every directory and file still stats as recorded, a full walk would reuse every
 * listing, find the same files, and find each one unchanged against its cursor: there is nothing to
 * import. A directory that changed means new or removed entries, and a full walk; files that changed
 * alone are imported as they are, and their entries take their cursors' new stamps.
 *
 * Those new stamps are kept as a small delta beside the snapshot (path → stamp), so an import of a few
 * changed files does not rewrite the whole snapshot; the next walk folds the delta in.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SourceFile, SourceLayout } from '../source-adapter.js';
import type { FileCursor } from '../types.js';
import { type Discovery, LISTING_MARGIN_MS } from './walk.js';

/** A cursor's stamp (the ledger's CursorStamp): identity `<dev>:<ino>`, size, mtime. */
export type FileStamp = Pick<FileCursor, 'identity' | 'size' | 'mtimeMs'>;

/**
 * A directory as walked. Its facts (what the layout says about the files in it) are not stored: they
 * are recomputed from its names below its walk root, for the few files that changed.
 */
interface SnapshotDir {
  path: string;
  mtimeMs: number;
  /** The directory it is in (an index into `dirs`, always smaller), or -1 for a walk root. */
  parent: number;
}

/**
 * The files, flat as stored: per file its directory (index into `dirs`), name, dev, ino, size and
 * mtime, {@link FILE_FIELDS} values in a row. Size -1 never matches (no cursor yet). Kept flat so a
 * report reads 3,000 files without making an object each.
 */
type FlatFiles = (string | number)[];
const FILE_FIELDS = 6;

export interface ScanSnapshot {
  /** Walk roots that did not exist. */
  absent: string[];
  dirs: SnapshotDir[];
  files: FlatFiles;
}

export type ScanCheck =
  /** Every directory and file stats as recorded: nothing to import. */
  | { kind: 'same'; files: number }
  /** Only these files differ (new stats, classified as the walk would). */
  | { kind: 'files'; changed: SourceFile[]; files: number }
  /** A directory changed, a file is gone, or a missing root appeared: walk again. */
  | { kind: 'dirs' };

const NEVER = -1;

/** How many files a snapshot holds. */
export function fileCount(s: ScanSnapshot): number {
  return s.files.length / FILE_FIELDS;
}

function parseIdentity(identity: string): [number, number] | null {
  const colon = identity.indexOf(':');
  if (colon <= 0) return null;
  const dev = Number(identity.slice(0, colon));
  const ino = Number(identity.slice(colon + 1));
  return Number.isFinite(dev) && Number.isFinite(ino) ? [dev, ino] : null;
}

/** Writes a file's row at `at` (dir, name, then the stamp, or one that never matches). */
function setRow(files: FlatFiles, at: number, dir: number, name: string, stamp: FileStamp | undefined): void {
  const id = stamp === undefined ? null : parseIdentity(stamp.identity);
  files[at] = dir;
  files[at + 1] = name;
  files[at + 2] = id?.[0] ?? 0;
  files[at + 3] = id?.[1] ?? 0;
  files[at + 4] = id === null || stamp === undefined ? NEVER : stamp.size;
  files[at + 5] = id === null || stamp === undefined ? 0 : stamp.mtimeMs;
}

/**
 * The snapshot of a walk, each file with `stampOf(path)`: its cursor's stamp after the import. Null
 * when the walk cannot be trusted to be repeated from it: it met a problem, or a listing was not
 * stable yet (the next import takes another walk and a snapshot then).
 */
export function snapshotOf(
  discovery: Discovery,
  stampOf: (path: string) => FileStamp | undefined,
): ScanSnapshot | null {
  if (discovery.problems.length > 0) return null;
  const index = new Map<string, number>();
  const dirs: SnapshotDir[] = [];
  for (const d of discovery.dirs) {
    if (d.listedAt - d.mtimeMs <= LISTING_MARGIN_MS) return null;
    index.set(d.path, dirs.length);
    dirs.push({ path: d.path, mtimeMs: d.mtimeMs, parent: d.parent });
  }
  const files: FlatFiles = new Array(discovery.files.length * FILE_FIELDS);
  let at = 0;
  for (const f of discovery.files) {
    const slash = f.path.lastIndexOf(path.sep);
    const dir = index.get(f.path.slice(0, slash));
    if (dir === undefined) return null;
    setRow(files, at, dir, f.path.slice(slash + 1), stampOf(f.path));
    at += FILE_FIELDS;
  }
  return { absent: [...discovery.absent], dirs, files };
}

const STAT_OPTIONS = { throwIfNoEntry: false } as const;

/** A path's stats, or undefined when it is gone or cannot be stat'd (the walk then says why). */
function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p, STAT_OPTIONS);
  } catch {
    return undefined;
  }
}

/** A directory's names below its walk root. */
function partsOf(s: ScanSnapshot, dir: number): string[] {
  const parts: string[] = [];
  for (let d = s.dirs[dir]; d !== undefined && d.parent >= 0; ) {
    const up: SnapshotDir | undefined = s.dirs[d.parent];
    if (up === undefined) break;
    parts.push(d.path.slice(up.path.length + 1));
    d = up;
  }
  return parts.reverse();
}

/**
 * Stats every directory and file of the snapshot and says what changed, each changed file classified
 * by `layout` as a walk would. Anything that cannot be stat'd (gone, a directory that lost its
 * permissions, a symlink loop) asks for a walk, which reports it as a problem.
 */
export function checkSnapshot<F>(s: ScanSnapshot, layout: SourceLayout<F>): ScanCheck {
  for (const p of s.absent) if (fs.existsSync(p)) return { kind: 'dirs' };
  for (const d of s.dirs) {
    const st = statOf(d.path);
    if (st === undefined || st.mtimeMs !== d.mtimeMs) return { kind: 'dirs' };
  }
  const changed: SourceFile[] = [];
  const f = s.files;
  for (let at = 0; at < f.length; at += FILE_FIELDS) {
    const dirIndex = f[at] as number;
    const dir = s.dirs[dirIndex];
    const name = f[at + 1] as string;
    if (dir === undefined) return { kind: 'dirs' };
    const full = `${dir.path}${path.sep}${name}`;
    const st = statOf(full);
    if (st === undefined) return { kind: 'dirs' };
    if (st.size === f[at + 4] && st.mtimeMs === f[at + 5] && st.ino === f[at + 3] && st.dev === f[at + 2])
      continue;
    const kind = layout.classify(layout.dirFacts(partsOf(s, dirIndex)), name);
    if (kind === null || !st.isFile()) return { kind: 'dirs' };
    changed.push({
      path: full,
      kind: kind.kind,
      sessionHint: kind.sessionHint,
      agentHint: kind.agentHint,
      identity: `${st.dev}:${st.ino}`,
      size: st.size,
      mtimeMs: st.mtimeMs,
    });
  }
  const files = fileCount(s);
  return changed.length === 0 ? { kind: 'same', files } : { kind: 'files', changed, files };
}

/** New stamps for some of a snapshot's files, by path (undefined: no cursor, never matches). */
export type ScanDelta = ReadonlyMap<string, FileStamp | undefined>;

/** The snapshot with the delta's stamps in place of its own. Paths it does not hold are ignored. */
export function applyDelta(s: ScanSnapshot, delta: ScanDelta): ScanSnapshot {
  if (delta.size === 0) return s;
  // Only files in directories the delta names get their path built.
  const dirs = new Set<number>();
  const index = new Map(s.dirs.map((d, i) => [d.path, i]));
  for (const p of delta.keys()) {
    const i = index.get(p.slice(0, p.lastIndexOf(path.sep)));
    if (i !== undefined) dirs.add(i);
  }
  const files = s.files.slice();
  for (let at = 0; at < files.length; at += FILE_FIELDS) {
    const dir = files[at] as number;
    if (!dirs.has(dir)) continue;
    const name = files[at + 1] as string;
    const full = `${s.dirs[dir]?.path ?? ''}${path.sep}${name}`;
    if (delta.has(full)) setRow(files, at, dir, name, delta.get(full));
  }
  return { ...s, files };
}

/** A delta as stored: `{"<path>": [identity, size, mtimeMs] | null}`. */
export function encodeDelta(delta: ScanDelta): string {
  const o: Record<string, [string, number, number] | null> = {};
  for (const [p, st] of delta) o[p] = st === undefined ? null : [st.identity, st.size, st.mtimeMs];
  return JSON.stringify(o);
}

/** The delta in `text`; an empty one for '' or anything that is not a delta. */
export function decodeDelta(text: string): Map<string, FileStamp | undefined> {
  const out = new Map<string, FileStamp | undefined>();
  if (text === '') return out;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return out;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out;
  for (const [p, v] of Object.entries(raw)) {
    if (v === null) out.set(p, undefined);
    else if (Array.isArray(v) && typeof v[0] === 'string' && isNum(v[1]) && isNum(v[2]))
      out.set(p, { identity: v[0], size: v[1], mtimeMs: v[2] });
    else return new Map();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Stored form: flat JSON arrays (a directory's path relative to its parent's), read back with a
// shape check; a bad or older one is ignored. Read on every report, so decoding is kept lean.

const FORMAT = 3;
const DIR_FIELDS = 3;

export function encodeSnapshot(s: ScanSnapshot): string {
  const dirs: (string | number)[] = [];
  for (const d of s.dirs) {
    const base = d.parent < 0 ? undefined : s.dirs[d.parent];
    dirs.push(d.parent, base === undefined ? d.path : d.path.slice(base.path.length + 1), d.mtimeMs);
  }
  return JSON.stringify({ format: FORMAT, absent: s.absent, dirs, files: s.files });
}

const isNum = (x: unknown): x is number => typeof x === 'number';

/** The snapshot in `text`, or null when it is not one this version wrote. */
export function decodeSnapshot(text: string): ScanSnapshot | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const o = raw as { format?: unknown; absent?: unknown; dirs?: unknown; files?: unknown };
  const { absent, dirs: d, files: f } = o;
  if (o.format !== FORMAT || !Array.isArray(absent) || !Array.isArray(d) || !Array.isArray(f)) return null;
  if (d.length % DIR_FIELDS !== 0 || f.length % FILE_FIELDS !== 0) return null;
  if (!absent.every((a) => typeof a === 'string')) return null;
  const dirs: SnapshotDir[] = [];
  for (let i = 0; i < d.length; i += DIR_FIELDS) {
    const parent: unknown = d[i];
    const name: unknown = d[i + 1];
    const mtimeMs: unknown = d[i + 2];
    if (!isNum(parent) || !Number.isInteger(parent) || parent >= dirs.length) return null;
    if (typeof name !== 'string' || !isNum(mtimeMs)) return null;
    const base = parent < 0 ? undefined : dirs[parent];
    dirs.push({
      path: base === undefined ? name : `${base.path}${path.sep}${name}`,
      mtimeMs,
      parent: base === undefined ? -1 : parent,
    });
  }
  // The files stay flat: checked in place, no object made per file.
  for (let i = 0; i < f.length; i += FILE_FIELDS) {
    const dir: unknown = f[i];
    if (!isNum(dir) || dir < 0 || dir >= dirs.length || !Number.isInteger(dir)) return null;
    if (typeof f[i + 1] !== 'string' || !isNum(f[i + 2]) || !isNum(f[i + 3])) return null;
    if (!isNum(f[i + 4]) || !isNum(f[i + 5])) return null;
  }
  return { absent: absent as string[], dirs, files: f as FlatFiles };
}
