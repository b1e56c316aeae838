/**
 * Where a session's main transcript is: `<claude dir>/projects/<slug of cwd>/<session>.jsonl`, where
 * the slug is the working directory with every character other than a letter or digit replaced by
 * `-`. When the slug does not match (very long paths, older versions), every project dir is tried.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';

export function cwdSlug(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The session's main transcript under one of `roots`, or null when none exists. */
export function findSessionTranscript(
  roots: readonly string[],
  sessionId: string,
  cwd: string | null,
): string | null {
  const name = `${sessionId}.jsonl`;
  if (cwd !== null) {
    for (const root of roots) {
      const guess = path.join(root, 'projects', cwdSlug(cwd), name);
      if (isFile(guess)) return guess;
    }
  }
  for (const root of roots) {
    const projects = path.join(root, 'projects');
    let dirs: string[];
    try {
      dirs = fs.readdirSync(projects);
    } catch {
      continue;
    }
    for (const d of dirs) {
      const file = path.join(projects, d, name);
      if (isFile(file)) return file;
    }
  }
  return null;
}

/** Sizes of the main transcripts under the cwd's project dir(s), taken before a run. */
export function sessionTranscriptSizes(roots: readonly string[], cwd: string): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const root of roots) {
    const dir = path.join(root, 'projects', cwdSlug(cwd));
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names) {
      if (!n.endsWith('.jsonl') || n.startsWith('agent-')) continue;
      try {
        const st = fs.statSync(path.join(dir, n));
        if (st.isFile()) sizes.set(path.join(dir, n), st.size);
      } catch {
        // gone meanwhile
      }
    }
  }
  return sizes;
}

/**
 * The main transcripts a run wrote, when its output named no session (a plain-text `claude -p`):
 * those under the cwd's project dir that are new or grew since `before` was taken.
 */
export function grownSessionTranscripts(
  roots: readonly string[],
  cwd: string,
  before: ReadonlyMap<string, number>,
): string[] {
  const out: string[] = [];
  for (const [file, size] of sessionTranscriptSizes(roots, cwd))
    if (size > (before.get(file) ?? 0)) out.push(file);
  return out.sort();
}
