/**
 * Where Claude Code keeps its transcripts below a Claude dir (FORMATS.md §1.2): session files under
 * `<root>/projects/<slug>/`, subagent files in all three layouts, and their `.meta.json` sidecars.
 * The walk itself (symlinks, loops, listings) is shared: `capture/discovery/walk.ts`.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Discovery, discoverFiles } from '../discovery/walk.js';
import type { FileClass, SourceFile, SourceLayout } from '../source-adapter.js';
import type { DirListing } from '../types.js';

/** A Claude transcript or sidecar found by discovery. */
export type DiscoveredFile = SourceFile;
export type { Discovery };

const JSONL = '.jsonl';
const META = '.meta.json';

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
export function classifyIn(d: DirFacts, name: string): FileClass | null {
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
function classify(parts: readonly string[], name: string): FileClass | null {
  return classifyIn(dirFacts(parts), name);
}

/**
 * What a transcript path names, from its place below the last `projects` directory in it (hooks give
 * absolute paths under `<claude dir>/projects/`). Null for a path outside any `projects` directory or
 * not a transcript.
 */
export function classifyTranscriptPath(file: string): FileClass | null {
  const segments = path.resolve(file).split(path.sep);
  const at = segments.lastIndexOf('projects');
  if (at < 0 || at >= segments.length - 2) return null;
  const name = segments[segments.length - 1] ?? '';
  return classify(segments.slice(at + 1, -1), name);
}

/** Claude Code's layout below a Claude dir. */
export const claudeLayout: SourceLayout<DirFacts> = {
  walkRoots: (root) => [path.join(root, 'projects')],
  dirFacts,
  classify: classifyIn,
  listsFile: (name) => name.endsWith(JSONL) || name.endsWith(META),
  classifyPath: classifyTranscriptPath,
  notOurs: 'not a Claude Code transcript (expected <claude dir>/projects/<project>/…/*.jsonl); skipped',
};

/**
 * Walks `<root>/projects` of every root. With `known` listings from the last walk, dirs whose mtime
 * has not changed are not listed again.
 */
export function discoverClaudeFiles(
  roots: readonly string[],
  known?: ReadonlyMap<string, DirListing>,
): Discovery {
  return discoverFiles(claudeLayout, roots, known);
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
