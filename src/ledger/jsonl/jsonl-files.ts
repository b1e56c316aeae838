/**
 * The files of a JSONL ledger export: `DIR/<YYYY-MM-DD>/<machine>.jsonl` (the UTC day of each
 * record, the machine as a safe file-name stem), a `.gitattributes` that merges them by union, and
 * reading every line of every `*.jsonl` under a directory with its file and line number.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { taskFileStem } from '../../capture/telemetry/task-file-name.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { parseLine } from './jsonl-parse.js';
import { RecordHistories } from './record-versions.js';

/** Two branches that both appended to a file merge by keeping both sides' lines. */
export const GITATTRIBUTES_LINE = '*.jsonl merge=union';

/** A line that could not be used, as `file:line: reason`. */
export interface JsonlProblem {
  file: string;
  line: number;
  reason: string;
}

/** The file a record belongs in: its UTC day's folder, its machine's file. */
export function targetFile(dir: string, at: number, machine: string): string {
  return path.join(dir, new Date(at).toISOString().slice(0, 10), `${taskFileStem(machine)}.jsonl`);
}

/** Every `*.jsonl` under `dir` (folders starting with `.` skipped), sorted; a usage error if `dir` is not a folder. */
export function listJsonlFiles(dir: string, hint: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT'
        ? `${dir} does not exist. ${hint}`
        : `cannot read ${dir}: ${(error as Error).message}. Check the path and its permissions.`,
      ExitCode.usage,
      { cause: error },
    );
  }
  if (!stat.isDirectory()) throw new UserError(`${dir} is a file, not a folder. ${hint}`, ExitCode.usage);
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch (error) {
      throw new UserError(
        `cannot list ${d}: ${(error as Error).message}. Check its permissions.`,
        ExitCode.usage,
        { cause: error },
      );
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory() && !e.name.startsWith('.')) walk(p);
      else if (e.isFile() && e.name.endsWith('.jsonl')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** A file's text, or a usage error naming it. */
export function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(
      `cannot read ${file}: ${(error as Error).message}. Fix its permissions (or move it out of the folder) and run again.`,
      ExitCode.usage,
      { cause: error },
    );
  }
}

/** The non-empty lines of a text, with 1-based line numbers (a `\r` before the newline is dropped). */
export function splitLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const parts = text.split('\n');
  for (let i = 0; i < parts.length; i++) {
    const t = (parts[i] ?? '').replace(/\r$/, '');
    if (t.trim() !== '') out.push({ line: i + 1, text: t });
  }
  return out;
}

/** Everything a folder of JSONL files says. */
export interface JsonlContents {
  files: string[];
  /** Non-empty lines read. */
  lines: number;
  histories: RecordHistories;
  /** Each file's lines, exactly as they are. */
  texts: Map<string, Set<string>>;
  problems: JsonlProblem[];
}

/** Reads and checks every line of every `*.jsonl` under `dir`. */
export function readJsonlDir(dir: string, hint: string): JsonlContents {
  const files = listJsonlFiles(dir, hint);
  const contents: JsonlContents = {
    files,
    lines: 0,
    histories: new RecordHistories(),
    texts: new Map(),
    problems: [],
  };
  for (const file of files) {
    const lines = splitLines(readText(file));
    contents.lines += lines.length;
    contents.texts.set(file, new Set(lines.map((l) => l.text)));
    for (const l of lines) {
      const r = parseLine(l.text);
      if (r.ok) contents.histories.add(r.line);
      else contents.problems.push({ file, line: l.line, reason: r.reason });
    }
  }
  return contents;
}

/** Writes `.gitattributes` in `dir`, or adds the union line to the one there. True if it changed. */
export function ensureGitattributes(dir: string): boolean {
  const file = path.join(dir, '.gitattributes');
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (splitLines(old).some((l) => l.text.trim() === GITATTRIBUTES_LINE)) return false;
  const sep = old === '' || old.endsWith('\n') ? '' : '\n';
  fs.writeFileSync(file, `${old}${sep}${GITATTRIBUTES_LINE}\n`);
  return true;
}

/** Appends lines to a file (creating it and its folder), after a newline if its last line has none. */
export function appendLines(file: string, lines: readonly string[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let sep = '';
  if (fs.existsSync(file)) {
    const size = fs.statSync(file).size;
    if (size > 0) {
      const fd = fs.openSync(file, 'r');
      try {
        const last = Buffer.alloc(1);
        fs.readSync(fd, last, 0, 1, size - 1);
        if (last[0] !== 0x0a) sep = '\n';
      } finally {
        fs.closeSync(fd);
      }
    }
  }
  fs.appendFileSync(file, `${sep}${lines.join('\n')}\n`);
}
