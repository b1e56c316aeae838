/**
 * bin/tokenledger.js in a copy that was never built (`npm install --ignore-scripts`, or a clone run
 * before `npm install`): it never builds anything; it says which file is missing and what to run,
 * without a stack trace. `hook` still exits 0 (it must never fail the agent); `statusline` shows the
 * same message as its line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_ROOT } from '../helpers/built-cli.js';
import { cleanEnv, runCli } from '../helpers/cli.js';

let root: string;
let bin: string;
beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-unbuilt-')));
  fs.cpSync(path.join(BUILD_ROOT, 'bin'), path.join(root, 'bin'), { recursive: true });
  fs.copyFileSync(path.join(BUILD_ROOT, 'package.json'), path.join(root, 'package.json'));
  bin = path.join(root, 'bin', 'tokenledger.js');
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const run = (args: string[], input = '') =>
  runCli(args, {
    bin,
    cwd: root,
    input,
    env: cleanEnv({ HOME: root, XDG_CACHE_HOME: path.join(root, 'cache') }),
  });

describe('a copy of tokenledger that was never built', () => {
  it('names the missing bundle and says to run npm install, without a stack trace', () => {
    const r = run(['--version']);
    expect(r.status).toBe(70);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `tokenledger: ${path.join(root, 'dist', 'bin', 'main.cjs')} is missing: this copy of tokenledger is not built. Run \`npm install\` (or \`npm run build\`) in ${root}.\n`,
    );
    expect(fs.existsSync(path.join(root, 'dist'))).toBe(false);
  });

  it('hook exits 0 and prints nothing; statusline shows the message', () => {
    const hook = run(['hook'], '{"hook_event_name":"Stop"}');
    expect([hook.status, hook.stdout, hook.stderr]).toEqual([0, '', '']);
    const line = run(['statusline'], '{}');
    expect(line.status).toBe(0);
    expect(line.stdout).toMatch(/^tokenledger: .*statusline-main\.cjs is missing: .*Run `npm install`/);
  });
});
