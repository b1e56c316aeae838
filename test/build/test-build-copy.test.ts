/**
 * The unit suite runs its own copy of the build (test/setup/test-build.ts), so a build of the clone
 * while it runs cannot break it: the CLI the tests spawn must be that copy, and it must know it runs
 * from there (the hook command it writes names the copy's script).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, BUILD_ROOT, DIST_DIR, REPO } from '../helpers/built-cli.js';
import { useSandbox } from '../helpers/cli.js';

const cli = useSandbox('tl-test-build-');

describe('the unit suite runs a copy of the build', () => {
  it('is a package of its own outside the clone, with every file the CLI loads', () => {
    expect(BUILD_ROOT).not.toBe(REPO);
    expect(path.relative(REPO, BUILD_ROOT).startsWith('..')).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(BUILD_ROOT, 'package.json'), 'utf8')).name).toBe(
      'tokenledger',
    );
    for (const file of [
      'main.cjs',
      'hook-main.cjs',
      'statusline-main.cjs',
      'mcp-main.cjs',
      'import-worker.cjs',
    ])
      expect(fs.existsSync(path.join(DIST_DIR, 'bin', file)), file).toBe(true);
    expect(fs.readFileSync(path.join(DIST_DIR, 'prices.checked.json'), 'utf8')).toBe(
      fs.readFileSync(path.join(BUILD_ROOT, 'data', 'prices.json'), 'utf8'),
    );
  });

  it('the CLI runs from the copy: the hook command it would install names the copy', () => {
    const r = cli.run(['hooks', 'install', '--dry-run', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const { command } = JSON.parse(r.stdout) as { command: string };
    expect(command).toContain(`'${BIN}' hook`);
    expect(command).not.toContain(REPO);
  });
});
