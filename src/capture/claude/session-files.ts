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

/**
 * Main transcripts under the cwd's project dir written since `sinceMs` (a run whose output named no
 * session: a plain-text `claude -p`). Newest first.
 */
export function recentSessionTranscripts(roots: readonly string[], cwd: string, sinceMs: number): string[] {
  const found: { file: string; mtimeMs: number }[] = [];
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
      const file = path.join(dir, n);
      try {
        const st = fs.statSync(file);
        if (st.isFile() && st.mtimeMs >= sinceMs) found.push({ file, mtimeMs: st.mtimeMs });
      } catch {
        // gone meanwhile
      }
    }
  }
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs).map((f) => f.file);
}
