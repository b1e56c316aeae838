/**
 * Output: results go to stdout (and nothing else does); messages, warnings and progress go to
 * stderr. Stdout is written synchronously to fd 1, so it is complete before the process may exit,
 * and without creating `process.stdout`: for a pipe that loads net and the stream modules, a few ms
 * of every report.
 * @module
 */
import fs from 'node:fs';
import { prettyJsonChunks } from '../util/pretty-json-chunks.js';

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * Whether an open file is an interactive terminal: a character device other than /dev/null (which
 * is one too). When /dev/null cannot be stat'd, a character device counts as a terminal.
 */
export function isTerminalStats(st: fs.Stats): boolean {
  if (!st.isCharacterDevice()) return false;
  try {
    return st.rdev !== fs.statSync('/dev/null').rdev;
  } catch {
    return true;
  }
}

/**
 * Whether fd 0, 1 or 2 is an interactive terminal: the same answer as `tty.isatty`, without loading
 * `node:tty` (which loads net and the streams).
 */
export function isTerminalFd(fd: 0 | 1 | 2): boolean {
  try {
    return isTerminalStats(fs.fstatSync(fd));
  } catch {
    return false;
  }
}

/**
 * Writes all of `text` to fd 1 or 2, synchronously, waiting while a non-blocking pipe is full.
 * Throws the first other error (EPIPE: the reader went away).
 */
export function writeAllSync(fd: 1 | 2, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  for (let off = 0; off < buf.length; ) {
    try {
      off += fs.writeSync(fd, buf, off);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(PAUSE, 0, 0, 2);
    }
  }
}

/** Writes all of `text` to stdout. A reader that went away (`| head`) ends the output quietly. */
export function writeOut(text: string): Promise<void> {
  try {
    writeAllSync(1, text);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') return Promise.reject(error);
  }
  return Promise.resolve();
}

export function writeErr(text: string): void {
  process.stderr.write(text);
}

/** Pieces of stdout are gathered up to this many characters before a write. */
const JSON_WRITE_CHARS = 1 << 20;

/**
 * Pretty JSON, one trailing newline. JSON longer than a string can be (a report of a million rows)
 * is written in pieces, with the same bytes.
 */
export async function writeJson(value: unknown): Promise<void> {
  let text: string;
  try {
    text = JSON.stringify(value, null, 2);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    let pending = '';
    for (const piece of prettyJsonChunks(value)) {
      pending += piece;
      if (pending.length >= JSON_WRITE_CHARS) {
        await writeOut(pending);
        pending = '';
      }
    }
    return writeOut(`${pending}\n`);
  }
  return writeOut(`${text}\n`);
}
