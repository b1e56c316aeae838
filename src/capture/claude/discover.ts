/**
 * Finds every Claude Code transcript under `<root>/projects`: session files, subagent files in all
 * three layouts (FORMATS.md §1.2) and their `.meta.json`. Follows symlinks, but never into a loop,
 * and reads each real file once.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DirListing, IngestProblem } from '../types.js';
import type { ClaudeFileKind } from './line-parser.js';

export interface DiscoveredFile {
  path: string;
  kind: ClaudeFileKind | 'meta';
  sessionHint: string | null;
  agentHint: string | null;
  identity: string;
  size: number;
  mtimeMs: number;
}

export interface Discovery {
  files: DiscoveredFile[];
  problems: IngestProblem[];
  /** Listings read in this walk (new or changed dirs), to remember for the next one. */
  listings: Map<string, DirListing>;
  /** Every directory walked, in walk order (empty for a targeted stat of files). */
  dirs: WalkedDir[];
  /** `projects` dirs of roots that did not exist. */
  absent: string[];
}

/** A directory the walk went through, with the listing it used. */
export interface WalkedDir {
  path: string;
  mtimeMs: number;
  /** When the listing used was taken: now, or when a reused listing was. */
  listedAt: number;
  facts: DirFacts;
}

/** A listing is reused only if taken this long after the dir's last change (filesystems with 1–2 s mtimes). */
export const LISTING_MARGIN_MS = 2_000;

const JSONL = '.jsonl';
const META = '.meta.json';

type FileKindFacts = Pick<DiscoveredFile, 'kind' | 'sessionHint' | 'agentHint'>;

/** What a directory's place below `projects/` says about the files in it; computed once per directory. */
export interface DirFacts {
  /** Directories between `projects/` and the file, plus one. */
  depth: number;
  /** The session dir a file below `projects/<slug>/<session>/` belongs to. */
  session: string | null;
  /** A meta file's session: only from two or more levels below a project dir. */
  metaSession: string | null;
  inSubagents: boolean;
}

export function dirFacts(parts: readonly string[]): DirFacts {
  return {
    depth: parts.length + 1,
    session: parts[1] ?? null,
    metaSession: parts.length >= 3 ? (parts[1] ?? null) : null,
    inSubagents: parts.includes('subagents'),
  };
}

/** A file's kind from its directory's facts and its name; null for files that are not ours. */
export function classifyIn(d: DirFacts, name: string): FileKindFacts | null {
  const isAgent = name.startsWith('agent-');
  if (name.endsWith(META)) {
    if (!isAgent) return null;
    return { kind: 'meta', sessionHint: d.metaSession, agentHint: name.slice(6, -META.length) };
  }
  if (!name.endsWith(JSONL)) return null;
  if (d.depth === 2) {
    // projects/<slug>/<session>.jsonl, or the 2.0.28–2.1.1 layout projects/<slug>/agent-<id>.jsonl
    return isAgent
      ? { kind: 'subagent', sessionHint: null, agentHint: name.slice(6, -JSONL.length) }
      : { kind: 'main', sessionHint: name.slice(0, -JSONL.length), agentHint: null };
  }
  if (d.depth >= 3) {
    // projects/<slug>/<session>/subagents/**/agent-<id>.jsonl (2.1.2+), or other files under a session dir
    if (isAgent && d.inSubagents)
      return { kind: 'subagent', sessionHint: d.session, agentHint: name.slice(6, -JSONL.length) };
    return { kind: 'other', sessionHint: d.session, agentHint: null };
  }
  return null;
}

/** `parts` are the directories below `projects/`, `name` the file name. */
function classify(parts: readonly string[], name: string): FileKindFacts | null {
  return classifyIn(dirFacts(parts), name);
}

function readListing(dir: string, mtimeMs: number, now: number): DirListing {
  const entries: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isSymbolicLink()) entries.push(`l${e.name}`);
    else if (e.isDirectory()) entries.push(`d${e.name}`);
    else if (e.isFile() && (e.name.endsWith(JSONL) || e.name.endsWith(META))) entries.push(`f${e.name}`);
  }
  return { mtimeMs, listedAt: now, entries };
}

/**
 * Walks `<root>/projects` of every root. Missing `projects` dirs are simply empty. With `known`
 * listings from the last walk, dirs whose mtime has not changed are not listed again (one stat
 * instead of a readdir).
 */
export function discoverClaudeFiles(
  roots: readonly string[],
  known?: ReadonlyMap<string, DirListing>,
): Discovery {
  const files: DiscoveredFile[] = [];
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
  const walk = (dir: string, real: string, parts: string[], ancestors: string[]) => {
    let entries: readonly string[];
    const facts = dirFacts(parts);
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
        const listing = readListing(dir, mtimeMs, now);
        listings.set(dir, listing);
        entries = listing.entries;
      }
      walked.push({ path: dir, mtimeMs, listedAt, facts });
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
        walk(full, childReal, [...parts, name], ancestors);
        ancestors.pop();
      } else if (isFile) {
        const kind = classifyIn(facts, name);
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
    const projects = path.join(root, 'projects');
    let real: string;
    try {
      real = fs.realpathSync.native(projects);
    } catch {
      absent.push(projects);
      continue;
    }
    walk(projects, real, [], []);
  }
  return { files, problems, listings, dirs: walked, absent };
}

/**
 * What a transcript path names, from its place below the last `projects` directory in it (hooks give
 * absolute paths under `<claude dir>/projects/`). Null for a path outside any `projects` directory or
 * not a transcript.
 */
export function classifyTranscriptPath(
  file: string,
): Pick<DiscoveredFile, 'kind' | 'sessionHint' | 'agentHint'> | null {
  const segments = path.resolve(file).split(path.sep);
  const at = segments.lastIndexOf('projects');
  if (at < 0 || at >= segments.length - 2) return null;
  const name = segments[segments.length - 1] ?? '';
  return classify(segments.slice(at + 1, -1), name);
}

/**
 * Stats the given files for a targeted import (a hook's transcripts), classifying each by its path.
 * A missing file, or one that is not a Claude Code transcript, becomes a problem.
 */
export function statClaudeFiles(paths: readonly string[], quietMissing = false): Discovery {
  const files: DiscoveredFile[] = [];
  const problems: IngestProblem[] = [];
  const seen = new Set<string>();
  for (const file of paths) {
    const kind = classifyTranscriptPath(file);
    if (kind === null) {
      problems.push({
        file,
        line: null,
        offset: null,
        severity: 'error',
        reason: 'not a Claude Code transcript (expected <claude dir>/projects/<project>/…/*.jsonl); skipped',
      });
      continue;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      // A subagent's meta file is optional; a missing transcript is worth a note.
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
 * walk starts from the real Claude dir), so a hook's import and a full import share one cursor.
 */
function canonicalPath(file: string): string {
  const abs = path.resolve(file);
  try {
    return path.join(fs.realpathSync.native(path.dirname(abs)), path.basename(abs));
  } catch {
    return abs;
  }
}

/**
 * A session's subagent transcripts and meta files (`<session dir>/subagents/**`), given the session's
 * main transcript `<dir>/<session>.jsonl`. Missing dirs give nothing.
 */
export function sessionSubagentFiles(mainTranscript: string): string[] {
  const dir = path.join(path.dirname(mainTranscript), path.basename(mainTranscript, JSONL), 'subagents');
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(d, e.name);
      if (e.isDirectory() && depth < 4) walk(full, depth + 1);
      else if (e.isFile() && e.name.startsWith('agent-') && (e.name.endsWith(JSONL) || e.name.endsWith(META)))
        out.push(full);
    }
  };
  walk(dir, 0);
  return out.sort();
}
