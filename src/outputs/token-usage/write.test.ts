import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeTokenUsageFile } from './write.js';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'token-usage-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('writeTokenUsageFile', () => {
  it('writes under the root, creating dirs, and replaces an old file without leaving temp files', () => {
    const file = writeTokenUsageFile(root, 'reports/usage-review-2025-11-28.md', 'one\n');
    expect(file).toBe(path.join(root, 'reports', 'usage-review-2025-11-28.md'));
    writeTokenUsageFile(root, 'reports/usage-review-2025-11-28.md', 'two\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('two\n');
    expect(fs.readdirSync(path.join(root, 'reports'))).toEqual(['usage-review-2025-11-28.md']);
  });

  it.each(['../x.md', '/etc/x.md', '', 'tasks/../../x.md'])('refuses %j', (rel) => {
    expect(() => writeTokenUsageFile(root, rel, 'x')).toThrow(/not a file path inside/);
  });
});
