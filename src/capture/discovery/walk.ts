/**
 * Finds a source's files under its roots: walks the dirs its layout names, classifies each file by
 * its place and name, follows symlinks (never into a loop) and reads each real file once. Knows no
 * source: what the paths mean comes from the {@link SourceLayout}.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SourceFile, SourceLayout } from '../source-adapter.js';
import type { DirListing, IngestProblem } from '../types.js';

export interface Discovery {
  files: SourceFile[];
  problems: IngestProblem[];
  /** Listings read in this walk (new or changed dirs), to remember for the next one. */
  listings: Map<string, DirListing>;
  /** Every directory walked, in walk order (empty for a targeted stat of files). */
  dirs: WalkedDir[];
  /** Walk roots that did not exist. */
  absent: string[];
}

/** A directory the walk went through, with the listing it used. */
export interface WalkedDir {
  path: string;
  mtimeMs: number;
  /** When the listing used was taken: now, or when a reused listing was. */
  listedAt: number;
  /** The directory it was found in (an index into the walk's dirs), or -1 for a walk root. */
  parent: number;
}

/** A listing is reused only if taken this long after the dir's last change (filesystems with 1–2 s mtimes). */
export const LISTING_MARGIN_MS = 2_000;

function readListing(layout: SourceLayout, dir: string, mtimeMs: number, now: number): DirListing {
  const entries: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isSymbolicLink()) entries.push(`l${e.name}`);
    else if (e.isDirectory()) entries.push(`d${e.name}`);
    else if (e.isFile() && layout.listsFile(e.name)) entries.push(`f${e.name}`);
  }
  return { mtimeMs, listedAt: now, entries };
}

/**
 * Walks the layout's walk roots of every root. Missing walk roots are simply empty. With `known`
 * listings from the last walk, dirs whose mtime has not changed are not listed again (one stat
 * instead of a readdir).
 */
export function discoverFiles<F>(
  layout: SourceLayout<F>,
  roots: readonly string[],
  known?: ReadonlyMap<string, DirListing>,
): Discovery {
  const files: SourceFile[] = [];
  const problems: IngestProblem[] = [];
  const listings = new Map<string, DirListing>();
  const walked: WalkedDir[] = [];
  const absent: string[] = [];
  const seenFiles = new Set<string>();
  const now = Date.now();

  const problem = (file: string, reason: string) =>
    problems.push({ file, line: null, offset: null, severity: 'error', reason });

  /**
   * `real` is `dir` with symlinks resolved; `ancestors` are the real paths above it (a loop check;
   * a stack, pushed and popped around each subdirectory). Runs once per directory on every report,
   * so the per-file work is kept to the stat and one record.
   */
  const walk = (dir: string, real: string, parts: string[], ancestors: string[], parent: number) => {
    let entries: readonly string[];
    const facts = layout.dirFacts(parts);
    const self = walked.length;
    try {
      const mtimeMs = fs.statSync(dir).mtimeMs;
      const cached = known?.get(dir);
      let listedAt = now;
      if (
        cached !== undefined &&
        cached.mtimeMs === mtimeMs &&
        cached.listedAt - mtimeMs > LISTING_MARGIN_MS
      ) {
        entries = cached.entries;
        listedAt = cached.listedAt;
      } else {
        const listing = readListing(layout, dir, mtimeMs, now);
        listings.set(dir, listing);
        entries = listing.entries;
      }
      walked.push({ path: dir, mtimeMs, listedAt, parent });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') problem(dir, `cannot read the directory (${code ?? 'error'}); skipped`);
      return;
    }
    const prefix = dir + path.sep;
    for (const entry of entries) {
      const type = entry.charCodeAt(0);
      const name = entry.slice(1);
      const isLink = type === 0x6c; // 'l'
      const full = prefix + name;
      let isDir = type === 0x64; // 'd'
      let isFile = type === 0x66; // 'f'
      if (isLink) {
        try {
          const st = fs.statSync(full);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          problem(
            full,
            code === 'ELOOP' ? 'symlink loop; skipped' : `broken symlink (${code ?? 'error'}); skipped`,
          );
          continue;
        }
      }
      if (isDir) {
        let childReal = path.join(real, name);
        if (isLink) {
          try {
            childReal = fs.realpathSync.native(full);
          } catch (error) {
            problem(
              full,
              `cannot resolve the directory (${(error as NodeJS.ErrnoException).code ?? 'error'}); skipped`,
            );
            continue;
          }
          if (childReal === real || ancestors.includes(childReal)) {
            problem(full, `symlink loop (points back to ${childReal}); skipped`);
            continue;
          }
        }
        ancestors.push(real);
        walk(full, childReal, [...parts, name], ancestors, self);
        ancestors.pop();
      } else if (isFile) {
        const kind = layout.classify(facts, name);
        if (kind === null) continue;
        let st: fs.Stats;
        try {
          st = fs.statSync(full);
        } catch (error) {
          problem(
            full,
            `cannot stat the file (${(error as NodeJS.ErrnoException).code ?? 'error'}); skipped`,
          );
          continue;
        }
        const identity = `${st.dev}:${st.ino}`;
        if (seenFiles.has(identity)) continue;
        seenFiles.add(identity);
        files.push({
          path: full,
          kind: kind.kind,
          sessionHint: kind.sessionHint,
          agentHint: kind.agentHint,
          identity,
          size: st.size,
          mtimeMs: st.mtimeMs,
        });
      }
    }
  };

  for (const root of roots) {
    for (const start of layout.walkRoots(root)) {
      let real: string;
      try {
        real = fs.realpathSync.native(start);
      } catch {
        absent.push(start);
        continue;
      }
      walk(start, real, [], [], -1);
    }
  }
  return { files, problems, listings, dirs: walked, absent };
}

/**
 * Stats the given files for a targeted import (a hook's transcripts), classifying each by its path.
 * A missing file, or one that is not the source's, becomes a problem.
 */
export function statFiles<F>(
  layout: SourceLayout<F>,
  paths: readonly string[],
  quietMissing = false,
): Discovery {
  const files: SourceFile[] = [];
  const problems: IngestProblem[] = [];
  const seen = new Set<string>();
  for (const file of paths) {
    const kind = layout.classifyPath(file);
    if (kind === null) {
      problems.push({ file, line: null, offset: null, severity: 'error', reason: layout.notOurs });
      continue;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      // A sidecar is optional; a missing transcript is worth a note.
      if (kind.kind !== 'meta' && !(quietMissing && code === 'ENOENT'))
        problems.push({
          file,
          line: null,
          offset: null,
          severity: code === 'ENOENT' ? 'warning' : 'error',
          reason:
            code === 'ENOENT'
              ? 'named by a hook but does not exist (yet); it will be imported when it appears'
              : `cannot stat the file (${code}); skipped`,
        });
      continue;
    }
    if (!st.isFile()) continue;
    const identity = `${st.dev}:${st.ino}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    files.push({ path: canonicalPath(file), ...kind, identity, size: st.size, mtimeMs: st.mtimeMs });
  }
  return { files, problems, listings: new Map(), dirs: [], absent: [] };
}

/**
 * The path a full import knows the file by (its directory with symlinks resolved, as the discovery
 * walk starts from the real root), so a hook's import and a full import share one cursor.
 */
function canonicalPath(file: string): string {
  const abs = path.resolve(file);
  try {
    return path.join(fs.realpathSync.native(path.dirname(abs)), path.basename(abs));
  } catch {
    return abs;
  }
}
