/**
 * The helper every CLI test spawns tokenledger with: its environment is built from scratch (nothing
 * of the shell that started the tests gets through), and a sandbox's runs read and write only inside
 * the sandbox, whatever this process's TOKENLEDGER_* variables say.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, Sandbox, useSandbox } from './cli.js';

/** Variables a developer's shell may well have, set in this process for each test. */
const LEAKY = {
  TOKENLEDGER_HOME: '/nonexistent/tl-home',
  TOKENLEDGER_DB: '/nonexistent/tl.db',
  TOKENLEDGER_CONFIG: '/nonexistent/tl.json',
  TOKENLEDGER_TASK: 'LEAKED-1',
  NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem',
  XDG_DATA_HOME: '/nonexistent/xdg-data',
  XDG_CONFIG_HOME: '/nonexistent/xdg-config',
  COLUMNS: '33',
  NO_COLOR: '1',
  FORCE_COLOR: '1',
  TZ: 'Pacific/Kiritimati',
};

let saved: Record<string, string | undefined> = {};
beforeEach(() => {
  saved = Object.fromEntries(Object.keys(LEAKY).map((k) => [k, process.env[k]]));
  Object.assign(process.env, LEAKY);
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) Reflect.deleteProperty(process.env, k);
    else process.env[k] = v;
  }
});

describe('cleanEnv', () => {
  it('holds only PATH from this process, then the layers in turn; undefined leaves a variable out', () => {
    expect(cleanEnv()).toEqual({ PATH: process.env.PATH });
    expect(cleanEnv({ A: '1', B: '2' }, { B: '3', PATH: '/bin' }, { A: undefined })).toEqual({
      PATH: '/bin',
      B: '3',
    });
  });
});

describe('a sandbox', () => {
  const cli = useSandbox('tl-sandbox-', { dirs: ['claude/projects', 'proj'], cwd: 'proj' });

  it('points every variable the CLI reads at its own dirs, and passes on nothing else', () => {
    expect(cli.env()).toEqual({
      PATH: process.env.PATH,
      HOME: cli.home,
      CLAUDE_CONFIG_DIR: cli.claude,
      TOKENLEDGER_HOME: cli.tlHome,
      TZ: 'UTC',
    });
    expect(cli.vars({ TZ: undefined, NO_COLOR: '1' })).toEqual({
      HOME: cli.home,
      CLAUDE_CONFIG_DIR: cli.claude,
      TOKENLEDGER_HOME: cli.tlHome,
      NO_COLOR: '1',
    });
    for (const dir of [cli.home, cli.claude, cli.cwd]) expect(fs.statSync(dir).isDirectory()).toBe(true);
    expect(cli.cwd).toBe(path.join(cli.root, 'proj'));
  });

  it('runs the built CLI there: its ledger, config and Claude dir are the sandbox’s', () => {
    const status = cli.json<{
      dataDir: string;
      ledger: string;
      configFile: string | null;
      claudeDirs: { found: string[]; from: string };
    }>(['status', '--json']);
    expect(status).toMatchObject({
      dataDir: cli.tlHome,
      ledger: path.join(cli.tlHome, 'ledger.db'),
      configFile: null,
      claudeDirs: { found: [cli.claude], from: 'env' },
    });
    expect(fs.existsSync(path.join(cli.tlHome, 'ledger.db'))).toBe(true);
  });

  it('ok() asserts exit 0; run() gives the status, stdout and stderr of any exit', () => {
    const r = cli.run(['nonsense']);
    expect(r).toMatchObject({ status: 1, signal: null, stdout: '' });
    expect(r.stderr).toContain('unknown command');
    expect(() => cli.ok(['nonsense'])).toThrow(/nonsense: .*unknown command/);
  });
});

describe('Sandbox.open and remove', () => {
  it('makes a fresh temp dir and removes all of it', () => {
    const sandbox = new Sandbox({ prefix: 'tl-sandbox-open-', dirs: ['tl'] }).open();
    const root = sandbox.root;
    expect(path.basename(root)).toMatch(/^tl-sandbox-open-/);
    expect(fs.readdirSync(root).sort()).toEqual(['home', 'tl']);
    sandbox.remove();
    expect(fs.existsSync(root)).toBe(false);
    expect(() => sandbox.root).toThrow(/not open/);
  });
});
