/**
 * A task's Markdown file: found from the `taskFiles` setting (a path template with `{id}`, or a
 * folder searched for the file that names the id), and its actuals section written in place. The
 * same writer serves `task annotate`.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TaskSummary } from '../../analysis/tasks.js';
import { actualsSection, withActuals } from '../../outputs/task-actuals.js';

/** The file, or why there is none (a problem to report). */
export type TaskFileLookup = { file: string } | { problem: string } | { none: true };

/** An id that may become part of a path: no separators, no `.`/`..`, no control characters (nor `:` on Windows). */
export function safePathPart(id: string): boolean {
  if (id === '.' || id === '..' || id.length === 0) return false;
  if (process.platform === 'win32' && id.includes(':')) return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    // A path separator or a control character (U+0000–U+001F, U+007F).
    if (c === 0x2f || c === 0x5c || c <= 0x1f || c === 0x7f) return false;
  }
  return true;
}

function inside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

const MAX_DEPTH = 4;
const MAX_ENTRIES = 5000;
const HEAD_BYTES = 4096;

/** `.md` files under `dir` (sorted, bounded: a task folder is small). */
function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  let seen = 0;
  const walk = (d: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (++seen > MAX_ENTRIES) return;
      const p = path.join(d, e.name);
      if (e.isDirectory() && depth < MAX_DEPTH && !e.name.startsWith('.')) walk(p, depth + 1);
      else if (e.isFile() && e.name.toLowerCase().endsWith('.md')) out.push(p);
    }
  };
  walk(dir, 0);
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function head(file: string): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(HEAD_BYTES);
      return buf.subarray(0, fs.readSync(fd, buf, 0, HEAD_BYTES, 0)).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

/**
 * In a folder: the file named for the id (`TASK-7.md`, `TASK-7-parser.md`), else the first whose
 * title line (its first heading) names the id.
 */
function findInFolder(dir: string, id: string): string | null {
  const files = markdownFiles(dir);
  const named = new RegExp(`^${escapeRegExp(id)}(?:[^A-Za-z0-9].*)?\\.md$`, 'i');
  const byName = files.filter((f) => named.test(path.basename(f)));
  if (byName.length > 0) return byName.sort((a, b) => a.length - b.length || (a < b ? -1 : 1))[0] ?? null;
  const word = new RegExp(`(?<![\\w.-])${escapeRegExp(id)}(?![\\w-])`);
  for (const f of files) {
    const title = head(f)
      .split('\n')
      .find((l) => /^#{1,6}\s/.test(l));
    if (title !== undefined && word.test(title)) return f;
  }
  return null;
}

/** Where task `id`'s file is, by the `taskFiles` setting, inside `project`. */
export function taskFileFor(template: string, project: string, id: string): TaskFileLookup {
  if (template.includes('{id}')) {
    if (!safePathPart(id))
      return {
        problem: `task id "${id}" cannot name a file (it holds a path separator or control character)`,
      };
    const file = path.resolve(project, template.split('{id}').join(id));
    if (!inside(path.resolve(project), file))
      return { problem: `the task file for "${id}" would be outside the project (${file})` };
    return { file };
  }
  const dir = path.resolve(project, template);
  if (!inside(path.resolve(project), dir) && path.resolve(project) !== dir)
    return { problem: `the task folder ${dir} is outside the project` };
  if (!fs.existsSync(dir)) return { problem: `the task folder ${dir} (taskFiles) does not exist` };
  const file = findInFolder(dir, id);
  return file === null ? { none: true } : { file };
}

export type TaskFileWrite = 'updated' | 'unchanged';

/**
 * Writes the summary's actuals section into `file`. A missing file is created only when
 * `createMissing` (`task annotate`); otherwise it, like an unreadable or unwritable file, throws
 * an error naming the file.
 */
export function writeTaskActuals(file: string, s: TaskSummary, createMissing: boolean): TaskFileWrite {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code !== 'ENOENT' || !createMissing)
      throw new Error(
        code === 'ENOENT'
          ? `the task file ${file} does not exist`
          : `cannot read the task file ${file} (${code})`,
      );
  }
  const next = withActuals(text, actualsSection(s));
  if (next === text) return 'unchanged';
  try {
    fs.writeFileSync(file, next);
  } catch (error) {
    throw new Error(
      `cannot write the task file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return 'updated';
}
