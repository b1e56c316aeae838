/**
 * `hooks install` run from a package runner's temporary install (here npx's cache, where `npx` puts a
 * package it fetched) writes the hooks, but warns that they point at a place that can be emptied at
 * any time, and says how to install for good: never to fetch a package of that name from a registry.
 * From a lasting install it says nothing of the kind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, BUILD_ROOT, REPO } from '../helpers/built-cli.js';
import { cleanEnv, runCli } from '../helpers/cli.js';

let tmp: string;
/** The build, copied where npx installs packages: `<npm cache>/_npx/<hash>/node_modules/tokenledger`. */
let npxBin: string;

beforeAll(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-hooks-transient-')));
  const pkg = path.join(tmp, 'npm-cache', '_npx', '4f3a9c0d1e2b5a67', 'node_modules', 'tokenledger');
  for (const name of ['package.json', 'bin', 'dist', 'data'])
    fs.cpSync(path.join(BUILD_ROOT, name), path.join(pkg, name), { recursive: true });
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
  npxBin = path.join(pkg, 'bin', 'tokenledger.js');
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function install(bin: string, home: string) {
  fs.mkdirSync(home, { recursive: true });
  const env = cleanEnv({ HOME: home, XDG_CACHE_HOME: path.join(home, '.cache') });
  const r = runCli(['hooks', 'install'], { bin, cwd: home, env });
  const settings = JSON.parse(fs.readFileSync(path.join(home, '.claude', 'settings.json'), 'utf8')) as {
    hooks: Record<string, { hooks: { command: string }[] }[]>;
  };
  return { ...r, command: settings.hooks.Stop?.[0]?.hooks[0]?.command ?? '' };
}

describe('hooks install from a temporary install', () => {
  it("from npx's cache: installs, warns with the path, and says how to install for good", () => {
    const r = install(npxBin, path.join(tmp, 'home-npx'));
    expect(r.status).toBe(0);
    expect(r.command).toContain(`'${npxBin}' hook`);
    expect(r.stderr).toContain(`tokenledger: warning: this tokenledger runs from npx's cache (${npxBin})`);
    expect(r.stderr).toContain('npm install -g .');
    expect(r.stderr).not.toMatch(/npm install -g tokenledger/);
  });

  it('from a lasting install: no such warning', () => {
    const r = install(BIN, path.join(tmp, 'home-lasting'));
    expect(r.status).toBe(0);
    expect(r.command).toContain(`'${BIN}' hook`);
    expect(r.stderr).not.toContain('warning');
  });
});
