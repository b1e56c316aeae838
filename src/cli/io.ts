/**
 * Output: results go to stdout (and nothing else does); messages, warnings and progress go to
 * stderr. Stdout is written synchronously to fd 1, so it is complete before the process may exit,
 * and without creating `process.stdout`: for a pipe that loads net and the stream modules, a few ms
 * of every report.
 * @module
 */
import fs from 'node:fs';

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * Whether fd 0, 1 or 2 is an interactive terminal: a character device other than /dev/null. The same
 * answer as `tty.isatty`, without loading `node:tty` (which loads net and the streams).
 */
export function isTerminalFd(fd: 0 | 1 | 2): boolean {
  try {
    const st = fs.fstatSync(fd);
    return st.isCharacterDevice() && st.rdev !== fs.statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

/**
 * Writes all of `text` to stdout. A reader that went away (`| head`) ends the output quietly; a
 * non-blocking pipe that is full is waited on.
 */
export function writeOut(text: string): Promise<void> {
  const buf = Buffer.from(text, 'utf8');
  for (let off = 0; off < buf.length; ) {
    try {
      off += fs.writeSync(1, buf, off);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(PAUSE, 0, 0, 2);
        continue;
      }
      if (code === 'EPIPE') return Promise.resolve();
      return Promise.reject(error);
    }
  }
  return Promise.resolve();
}

export function writeErr(text: string): void {
  process.stderr.write(text);
}

/** Pretty JSON, one trailing newline. */
export function writeJson(value: unknown): Promise<void> {
  return writeOut(`${JSON.stringify(value, null, 2)}\n`);
}
