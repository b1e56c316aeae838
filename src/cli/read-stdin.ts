/**
 * Reading what Claude Code pipes to `hook` and `statusline`, and writing their one line back,
 * synchronously and without creating `process.stdin`/`process.stdout` (whose stream machinery costs a
 * few milliseconds to load). A terminal is reported as such instead of being waited on.
 * @module
 */
import fs from 'node:fs';
import { isTerminalStats, writeAllSync } from './io.js';

export type StdinRead =
  | { kind: 'terminal' }
  | { kind: 'data'; text: string }
  | { kind: 'too-large'; limit: number };

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** Reads fd 0 to its end, up to `limit` bytes. */
export function readStdin(limit: number): StdinRead {
  let st: fs.Stats;
  try {
    st = fs.fstatSync(0);
  } catch {
    return { kind: 'data', text: '' };
  }
  if (isTerminalStats(st)) return { kind: 'terminal' };
  const chunks: Buffer[] = [];
  let size = 0;
  const buf = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        // A non-blocking pipe with nothing in it yet: wait a moment.
        Atomics.wait(PAUSE, 0, 0, 2);
        continue;
      }
      if (code === 'EOF') break;
      throw error;
    }
    if (n === 0) break;
    size += n;
    if (size > limit) return { kind: 'too-large', limit };
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return { kind: 'data', text: Buffer.concat(chunks).toString('utf8') };
}

/** Writes all of `text` to fd 1 or 2. A reader that went away, or any other error, is not one here. */
export function writeFd(fd: 1 | 2, text: string): void {
  try {
    writeAllSync(fd, text);
  } catch {
    // nothing to tell: a hook never fails the agent
  }
}
