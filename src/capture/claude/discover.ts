/**
 * Finds every Claude Code transcript under `<root>/projects`: session files, subagent files in all
 * three layouts (FORMATS.md §1.2) and their `.meta.json`. Follows symlinks, but never into a loop,
 * and reads each real file once.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IngestProblem } from '../types.js';
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
}

const JSONL = '.jsonl';
const META = '.meta.json';

/** `parts` are the directories below `projects/`, `name` the file name. */
function classify(
  parts: readonly string[],
  name: string,
): Pick<DiscoveredFile, 'kind' | 'sessionHint' | 'agentHint'> | null {
  const depth = parts.length + 1;
  const isAgent = name.startsWith('agent-');
  if (name.endsWith(META)) {
    if (!isAgent) return null;
    return {
      kind: 'meta',
      sessionHint: parts.length >= 3 ? (parts[1] ?? null) : null,
      agentHint: name.slice(6, -META.length),
    };
  }
  if (!name.endsWith(JSONL)) return null;
  if (depth === 2) {
    // projects/<slug>/<session>.jsonl, or the 2.0.28–2.1.1 layout projects/<slug>/agent-<id>.jsonl
    return isAgent
      ? { kind: 'subagent', sessionHint: null, agentHint: name.slice(6, -JSONL.length) }
      : { kind: 'main', sessionHint: name.slice(0, -JSONL.length), agentHint: null };
  }
  if (depth >= 3) {
    // projects/<slug>/<session>/subagents/**/agent-<id>.jsonl (2.1.2+), or other files under a session dir
    const sessionHint = parts[1] ?? null;
    if (isAgent && parts.includes('subagents'))
      return { kind: 'subagent', sessionHint, agentHint: name.slice(6, -JSONL.length) };
    return { kind: 'other', sessionHint, agentHint: null };
  }
  return null;
}

/** Walks `<root>/projects` of every root. Missing `projects` dirs are simply empty. */
export function discoverClaudeFiles(roots: readonly string[]): Discovery {
  const files: DiscoveredFile[] = [];
  const problems: IngestProblem[] = [];
  const seenFiles = new Set<string>();

  const problem = (file: string, reason: string) =>
    problems.push({ file, line: null, offset: null, severity: 'error', reason });

  /** `real` is `dir` with symlinks resolved; `ancestors` are the real paths above, for loop checks. */
  const walk = (dir: string, real: string, parts: string[], ancestors: Set<string>) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') problem(dir, `cannot read the directory (${code ?? 'error'}); skipped`);
      return;
    }
    for (const e of entries) {
      const full = dir + path.sep + e.name;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
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
        let childReal = path.join(real, e.name);
        if (e.isSymbolicLink()) {
          try {
            childReal = fs.realpathSync.native(full);
          } catch (error) {
            problem(
              full,
              `cannot resolve the directory (${(error as NodeJS.ErrnoException).code ?? 'error'}); skipped`,
            );
            continue;
          }
          if (ancestors.has(childReal)) {
            problem(full, `symlink loop (points back to ${childReal}); skipped`);
            continue;
          }
        }
        const next = new Set(ancestors);
        next.add(childReal);
        walk(full, childReal, [...parts, e.name], next);
      } else if (isFile) {
        if (!e.name.endsWith(JSONL) && !e.name.endsWith(META)) continue;
        const kind = classify(parts, e.name);
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
        files.push({ path: full, ...kind, identity, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
  };

  for (const root of roots) {
    const projects = path.join(root, 'projects');
    let real: string;
    try {
      real = fs.realpathSync.native(projects);
    } catch {
      continue;
    }
    walk(projects, real, [], new Set([real]));
  }
  return { files, problems };
}
