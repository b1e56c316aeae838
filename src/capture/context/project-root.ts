/**
 * The project a directory belongs to: the nearest enclosing git work tree, or the directory itself.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';

export function projectRoot(dir: string): string {
  const start = path.resolve(dir);
  for (let d = start; ; ) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    const up = path.dirname(d);
    if (up === d) return start;
    d = up;
  }
}
