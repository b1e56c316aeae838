/**
 * The import use case: for each source, find its files (guided by the last scan snapshot when one
 * is usable), import what changed, and remember what the walk saw. A targeted import of named files
 * (a hook's transcript, a run's) skips discovery. Knows no source: each comes as its adapter.
 * @module
 */

import {
  applyDelta,
  checkSnapshot,
  decodeDelta,
  decodeSnapshot,
  encodeDelta,
  encodeSnapshot,
  type FileStamp,
  fileCount,
  type ScanSnapshot,
  snapshotOf,
} from '../../capture/discovery/scan-snapshot.js';
import { discoverFiles, statFiles } from '../../capture/discovery/walk.js';
import type { SourceAdapter, SourceRoots } from '../../capture/source-adapter.js';
import type { CursorStamp, ImportRunStats, ScanSnapshotKey } from '../../ledger/ingest-state-repository.js';
import type { LedgerStore } from '../../ledger/store.js';
import { timing } from '../../util/timing.js';
import { type FileImportOptions, importDiscovered } from './import-files.js';

export type { ImportProgress } from './import-files.js';

export interface SourceImportOptions extends Omit<FileImportOptions, 'maxBytesPerFile'> {
  /** Dirs from the config file, by source id (each source's env override still wins). */
  dirs?: Readonly<Record<string, readonly string[] | undefined>>;
  env?: NodeJS.ProcessEnv;
}

export interface SourceImportSummary extends ImportRunStats {
  /** The source's adapter id. */
  source: string;
  roots: SourceRoots;
  durationMs: number;
  /** Bytes left unread (a file's read budget ran out); the next import reads them. */
  bytesLeft: number;
  /**
   * How the source's dirs were looked at: `snapshot` (every directory and file stat'd as the last scan
   * recorded: nothing new), `changed-files` (only files changed; they were imported) or `walk` (a
   * directory changed, or there was no usable scan snapshot).
   */
  scan: 'snapshot' | 'changed-files' | 'walk';
}

export interface ImportSourcesSummary extends ImportRunStats {
  /** One per source, in the order given. */
  sources: SourceImportSummary[];
  durationMs: number;
}

/** Stamps kept in a scan snapshot's delta before it is folded into the snapshot. */
const MAX_DELTA = 512;

/** Imports every source in turn; progress events name the source. Totals are over all sources. */
export async function importSources(
  store: LedgerStore,
  adapters: readonly SourceAdapter[],
  options: SourceImportOptions,
): Promise<ImportSourcesSummary> {
  const started = Date.now();
  const sources: SourceImportSummary[] = [];
  for (const adapter of adapters) sources.push(await importSource(store, adapter, options));
  const total: ImportRunStats = {
    filesSeen: 0,
    filesRead: 0,
    bytesRead: 0,
    records: 0,
    added: 0,
    forgotten: 0,
    problems: 0,
  };
  for (const s of sources) {
    total.filesSeen += s.filesSeen;
    total.filesRead += s.filesRead;
    total.bytesRead += s.bytesRead;
    total.records += s.records;
    total.added += s.added;
    total.forgotten += s.forgotten;
    total.problems += s.problems;
  }
  return { ...total, sources, durationMs: Date.now() - started };
}

/** Imports one source's new history. */
export async function importSource(
  store: LedgerStore,
  adapter: SourceAdapter,
  options: SourceImportOptions,
): Promise<SourceImportSummary> {
  const started = Date.now();
  const roots = adapter.resolveRoots({
    ...(options.dirs?.[adapter.id] === undefined ? {} : { dirs: options.dirs[adapter.id] }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  const key: ScanSnapshotKey = { source: adapter.id, roots: roots.roots };
  const base = { source: adapter.id, roots };
  const saved = await store.scanSnapshot(key);
  const snap = saved === null ? null : decodeSnapshot(saved.snapshot);
  const delta = saved === null ? new Map<string, FileStamp | undefined>() : decodeDelta(saved.delta);
  const snapshot = snap === null ? null : applyDelta(snap, delta);
  timing(
    `scan snapshot (${snapshot === null ? 'none' : `${fileCount(snapshot)} files, ${delta.size} in its delta`})`,
  );
  if (snapshot !== null) {
    const stats = await importFromSnapshot(store, adapter, key, snapshot, delta, options, started);
    if (stats !== null) return { ...stats, ...base, durationMs: Date.now() - started };
  }
  const listings = await store.dirListings();
  timing(`directory listings (${listings.size})`);
  const discovery = discoverFiles(adapter.layout, roots.roots, listings);
  timing(`discovery (${discovery.files.length} files)`);
  const stamps = await store.cursorStamps();
  timing(`cursor stamps (${stamps.size})`);
  const { changed, ...stats } = await importDiscovered(store, adapter, discovery, stamps, options, started);
  timing(`import (${stats.filesRead} files read)`);
  // The files that changed have new cursors now; the others' are the stamps they matched.
  const read = new Set(changed);
  const after = read.size === 0 ? new Map<string, CursorStamp>() : await store.cursorStampsOf(changed);
  const next = snapshotOf(discovery, (p) => (read.has(p) ? after.get(p) : stamps.get(p)));
  if (next !== null) await store.saveScanSnapshot(key, { snapshot: encodeSnapshot(next) });
  timing(
    `scan snapshot saved (${next === null ? 'no: a listing is too new or the walk met a problem' : `${fileCount(next)} files`})`,
  );
  return { ...stats, ...base, durationMs: Date.now() - started, scan: 'walk' };
}

/**
 * An import guided by the last scan snapshot: nothing to do when every directory and file stats as
 * recorded; only the files that changed are imported when no directory did. Null when a directory
 * changed: the caller walks.
 */
async function importFromSnapshot(
  store: LedgerStore,
  adapter: SourceAdapter,
  key: ScanSnapshotKey,
  snapshot: ScanSnapshot,
  delta: ReadonlyMap<string, FileStamp | undefined>,
  options: SourceImportOptions,
  started: number,
): Promise<(ImportRunStats & { bytesLeft: number; scan: 'snapshot' | 'changed-files' }) | null> {
  const check = checkSnapshot(snapshot, adapter.layout);
  timing(
    `scan snapshot checked (${check.kind === 'files' ? `${check.changed.length} files changed` : check.kind})`,
  );
  if (check.kind === 'dirs') return null;
  if (check.kind === 'same') {
    // What an import that finds nothing new still does: rollups current, pending usage attributed.
    await store.refreshRollup();
    await store.attributePending(options.stageMap ?? {});
    return {
      filesSeen: check.files,
      filesRead: 0,
      bytesRead: 0,
      records: 0,
      added: 0,
      forgotten: 0,
      problems: 0,
      bytesLeft: 0,
      scan: 'snapshot',
    };
  }
  const paths = check.changed.map((f) => f.path);
  const discovery = { files: check.changed, problems: [], listings: new Map(), dirs: [], absent: [] };
  const { changed: _, ...stats } = await importDiscovered(
    store,
    adapter,
    discovery,
    await store.cursorStampsOf(paths),
    options,
    started,
  );
  // The new stamps go into the delta; a long one is folded into the snapshot at once.
  const after = await store.cursorStampsOf(paths);
  const next = new Map(delta);
  for (const p of paths) next.set(p, after.get(p));
  await store.saveScanSnapshot(
    key,
    next.size > MAX_DELTA
      ? { snapshot: encodeSnapshot(applyDelta(snapshot, next)) }
      : { delta: encodeDelta(next) },
  );
  timing(`import of changed files (${stats.filesRead} read)`);
  return { ...stats, filesSeen: check.files, scan: 'changed-files' };
}

export interface TargetedImportOptions extends Omit<FileImportOptions, 'threads'> {
  /** A missing file is expected (a session that has not written its transcript yet): no problem. */
  quietMissing?: boolean;
}

export interface TargetedImportSummary extends ImportRunStats {
  /** Bytes left unread in the files because of `maxBytesPerFile`. */
  bytesLeft: number;
  durationMs: number;
}

/**
 * Imports the given files of one source only (a hook's `transcript_path`, a subagent's file), with no
 * discovery walk: the cheap path for hooks and `run`. Same cursors, merge and attribute step as a
 * full import, so the two can interleave freely.
 */
export async function importSourceFiles(
  store: LedgerStore,
  adapter: SourceAdapter,
  paths: readonly string[],
  options: TargetedImportOptions,
): Promise<TargetedImportSummary> {
  const started = Date.now();
  const discovery = statFiles(adapter.layout, paths, options.quietMissing === true);
  const stamps = await store.cursorStampsOf(discovery.files.map((f) => f.path));
  const { changed: _, ...stats } = await importDiscovered(
    store,
    adapter,
    discovery,
    stamps,
    { ...options, threads: 0 },
    started,
  );
  return { ...stats, durationMs: Date.now() - started };
}
