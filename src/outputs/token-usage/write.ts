/**
 * The one helper of this folder that touches the disk: an atomic write of a rendered file under the
 * `/token-usage/` root. The renderers themselves are pure.
 * @module
 */
import path from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';

/**
 * Writes `text` (UTF-8) to `relativePath` under `root` atomically: a temp file in the same dir,
 * flushed, then renamed over the target, so a reader sees the old file or the new one, never half.
 * Missing dirs are created. Returns the absolute path written. Throws an Error when `relativePath`
 * is absolute or leads outside `root` (`relativePath` should come from the `paths` module), or when
 * the write fails; the temp file is removed and the target left unchanged then.
 */
export function writeTokenUsageFile(root: string, relativePath: string, text: string): string {
  const base = path.resolve(root);
  const target = path.resolve(base, relativePath);
  const rel = path.relative(base, target);
  if (path.isAbsolute(relativePath) || rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new Error(`${JSON.stringify(relativePath)} is not a file path inside ${base}`);
  }
  try {
    writeFileAtomic(target, text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot write ${target}: ${reason}; it was left unchanged`, { cause: error });
  }
  return target;
}
