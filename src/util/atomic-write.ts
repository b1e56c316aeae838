/**
 * Replacing a file atomically: the text goes to a temp file in the same dir, is flushed, then
 * renamed over the target, so a reader (or a crash) sees the old file or the new one, never half.
 * @module
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** Permission bits for the file (e.g. the old file's); default: the process's default for new files. */
  mode?: number;
  /** Runs after the temp file is written, just before the rename; throwing cancels the write. */
  beforeRename?: () => void;
}

/**
 * Writes `text` (UTF-8) to `target` atomically, creating its dir when missing. On any failure the
 * temp file is removed, `target` is unchanged, and the error is thrown as it came.
 */
export function writeFileAtomic(target: string, text: string, options: AtomicWriteOptions = {}): void {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.tokenledger-${randomBytes(6).toString('hex')}.tmp`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    const fd = fs.openSync(temp, 'wx', options.mode ?? 0o666);
    try {
      fs.writeFileSync(fd, text, 'utf8');
      if (options.mode !== undefined) fs.fchmodSync(fd, options.mode);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    options.beforeRename?.();
    fs.renameSync(temp, target);
  } catch (error) {
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // The temp file could not have been created either (e.g. the dir is a file).
    }
    throw error;
  }
}
