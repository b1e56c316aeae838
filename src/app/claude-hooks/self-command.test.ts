import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTokenledgerHookCommand, parseShellWords } from '../../capture/claude/settings/hook-entries.js';
import {
  findPackageRoot,
  selfCommand,
  shQuote,
  transientInstallWarning,
  transientPlace,
} from './self-command.js';

const REPO = path.resolve(import.meta.dirname, '../../..');

describe('shQuote', () => {
  it.each([
    ['/usr/bin/node', "'/usr/bin/node'"],
    ["it's", "'it'\\''s'"],
    ['', "''"],
  ])('%j → %s', (word, quoted) => {
    expect(shQuote(word)).toBe(quoted);
  });

  it('any words survive quoting and parsing back', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1 }), (words) => {
        expect(parseShellWords(words.map(shQuote).join(' '))).toEqual({ words, simple: true });
      }),
    );
  });
});

describe('findPackageRoot', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-root-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds this repository from this module (src/ under vitest)', () => {
    expect(findPackageRoot()).toBe(REPO);
    expect(fs.existsSync(path.join(findPackageRoot(), 'bin', 'tokenledger.js'))).toBe(true);
  });

  it('walks past package.json files with another name (dist/bin chunk layout)', () => {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'tokenledger' }));
    fs.mkdirSync(path.join(dir, 'dist', 'bin'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist', 'package.json'), JSON.stringify({ type: 'module' }));
    fs.writeFileSync(path.join(dir, 'dist', 'bin', 'package.json'), '{not json');
    expect(findPackageRoot(path.join(dir, 'dist', 'bin', 'chunk-X.js'))).toBe(dir);
  });

  it('throws when there is no tokenledger package above', () => {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'other' }));
    expect(() => findPackageRoot(path.join(dir, 'x.js'))).toThrow(/no package.json named "tokenledger"/);
  });
});

describe('selfCommand', () => {
  const root = '/opt/tl';
  const base = { HOME: '/home/a' };
  const node = process.execPath;

  it('node, the bin script and hook, each path quoted, when everything is the default', () => {
    const self = selfCommand({}, base, '/w', root);
    expect(self.command).toBe(`NODE_EXTRA_CA_CERTS= ${shQuote(node)} '/opt/tl/bin/tokenledger.js' hook`);
    expect(self.statuslineCommand).toBe(
      `NODE_EXTRA_CA_CERTS= ${shQuote(node)} '/opt/tl/bin/tokenledger.js' statusline`,
    );
    expect(self.words).toEqual([node, '/opt/tl/bin/tokenledger.js', 'hook']);
    expect(self).toMatchObject({ node, script: '/opt/tl/bin/tokenledger.js', db: null, config: null });
    expect(isTokenledgerHookCommand(self.command)).toBe(true);
    expect(path.isAbsolute(node)).toBe(true);
  });

  it('runs without NODE_EXTRA_CA_CERTS under sh, and Node starts without it', () => {
    // The command clears the variable for its own process: Node 20 would parse every bundled root
    // certificate and the named file before any of our code runs (nodejs/node#40524).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cacerts-'));
    try {
      const script = path.join(dir, 'bin', 'tokenledger.js');
      fs.mkdirSync(path.dirname(script));
      fs.writeFileSync(
        script,
        'process.stdout.write(JSON.stringify([process.env.NODE_EXTRA_CA_CERTS ?? null, process.argv.slice(2)]));',
      );
      const self = selfCommand({}, base, '/w', dir);
      const out = execFileSync('/bin/sh', ['-c', self.command], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(dir, 'missing.pem') },
        encoding: 'utf8',
      });
      // Empty, so Node skipped it (a missing file would also print a warning on stderr).
      expect(JSON.parse(out)).toEqual(['', ['hook']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses this package by default', () => {
    expect(selfCommand({}, base, '/w').script).toBe(path.join(REPO, 'bin', 'tokenledger.js'));
  });

  it('adds --db and --config given as flags, resolved against cwd', () => {
    const self = selfCommand({ db: 'l.db', config: "/c/it's.json" }, base, '/w', root);
    expect(self.words.slice(2)).toEqual(['hook', '--db', '/w/l.db', '--config', "/c/it's.json"]);
    expect(self.command).toBe(
      `NODE_EXTRA_CA_CERTS= ${shQuote(node)} '/opt/tl/bin/tokenledger.js' hook --db '/w/l.db' --config '/c/it'\\''s.json'`,
    );
    expect(parseShellWords(self.command)?.words).toEqual(['NODE_EXTRA_CA_CERTS=', ...self.words]);
    expect(isTokenledgerHookCommand(self.command)).toBe(true);
  });

  it.each([
    [{ TOKENLEDGER_DB: '/x/l.db' }, ['--db', '/x/l.db']],
    [{ TOKENLEDGER_CONFIG: '/x/c.json' }, ['--config', '/x/c.json']],
    [{ TOKENLEDGER_HOME: '/tl' }, ['--db', '/tl/ledger.db', '--config', '/tl/config.json']],
    [
      { TOKENLEDGER_HOME: '/tl', TOKENLEDGER_CONFIG: '/c.json' },
      ['--db', '/tl/ledger.db', '--config', '/c.json'],
    ],
    [{ TOKENLEDGER_DB: '  ' }, []],
    [{ XDG_DATA_HOME: '/xdg' }, []],
  ])('adds flags for the environment %j', (env, flags) => {
    expect(selfCommand({}, { ...base, ...env }, '/w', root).words.slice(3)).toEqual(flags);
  });

  it('flags win over the environment', () => {
    const self = selfCommand({ db: '/f.db' }, { ...base, TOKENLEDGER_DB: '/e.db' }, '/w', root);
    expect(self.db).toBe('/f.db');
  });
});

describe('transientPlace', () => {
  it.each([
    ['/home/u/.npm/_npx/1a2b3c/node_modules/tokenledger/bin/tokenledger.js', "npx's cache"],
    [
      'C:\\Users\\u\\AppData\\Local\\npm-cache\\_npx\\1a2b\\node_modules\\tokenledger\\bin\\tokenledger.js',
      "npx's cache",
    ],
    ['/home/u/.cache/pnpm/dlx/abc/node_modules/tokenledger/bin/tokenledger.js', 'pnpm dlx or yarn dlx'],
    ['/tmp/xfs-12ab/dlx-4242/node_modules/tokenledger/bin/tokenledger.js', 'pnpm dlx or yarn dlx'],
    ['/tmp/bunx-1000-tokenledger@latest/node_modules/tokenledger/bin/tokenledger.js', 'bunx'],
  ])('%s is a temporary install (%s)', (script, name) => {
    expect(transientPlace(script)).toContain(name);
    const warning = transientInstallWarning(script);
    expect(warning).toContain(script);
    // It says how to install for good, and never to fetch another package of that name from a registry.
    expect(warning).toContain('npm install -g .');
    expect(warning).not.toMatch(/npm install -g tokenledger/);
  });

  it.each([
    '/usr/local/lib/node_modules/tokenledger/bin/tokenledger.js',
    '/home/u/.npm-global/lib/node_modules/tokenledger/bin/tokenledger.js',
    '/home/u/src/tokenledger/bin/tokenledger.js',
    '/home/u/projects/app/node_modules/tokenledger/bin/tokenledger.js',
    '/home/u/src/npx-tools/tokenledger/bin/tokenledger.js',
    '/home/u/dlxs/tokenledger/bin/tokenledger.js',
  ])('%s is a lasting install', (script) => {
    expect(transientPlace(script)).toBeNull();
    expect(transientInstallWarning(script)).toBeNull();
  });
});
