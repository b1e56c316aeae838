/** Source files stay small: none over 400 lines (tests excepted), so each is named for what it exports. */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');
const LIMIT = 400;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [file] : [];
  });
}

it(`no source file under src/ is over ${LIMIT} lines`, () => {
  const files = sourceFiles(SRC);
  expect(files.length).toBeGreaterThan(100);
  const over = files
    .map((file) => ({
      file: path.relative(SRC, file),
      lines: fs.readFileSync(file, 'utf8').split('\n').length - 1,
    }))
    .filter((f) => f.lines > LIMIT)
    .map((f) => `${f.file}: ${f.lines} lines`);
  expect(over).toEqual([]);
});
