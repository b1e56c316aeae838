/**
 * Install and run from anywhere, as the README's install section tells a newcomer:
 *
 * - `npm pack`, then `npm install -g` of the tarball into a temporary prefix (its dependencies come
 *   from npm's cache or the registry; better-sqlite3 may compile from source, about a minute);
 * - `npm install -g .` from the clone (a link to it).
 *
 * Then, from a project directory outside the clone, with HOME and the XDG dirs in temp dirs and the
 * prefix's bin on PATH: `tokenledger --version`, `tokenledger demo`, `tokenledger mcp` through a real
 * MCP client (connect, list the tools, call one), and the hook and status line commands that
 * `hooks install` and `hooks status` give, run by sh as Claude Code runs them, without PATH.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantLine } from '../../src/synthetic/transcript-lines.js';
import { cleanEnv } from '../helpers/cli.js';
import { npm, REPO, VERSION } from './harness/npm.js';

const SONNET = 'claude-sonnet-4-5-20250929';
const SESSION = '1257a11e-0000-4000-8000-000000000001';
const BUNDLES = ['main.cjs', 'hook-main.cjs', 'statusline-main.cjs', 'mcp-main.cjs', 'import-worker.cjs'];

let tmp: string;
beforeAll(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-install-')));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface User {
  /** The project directory commands run in (outside the clone). */
  cwd: string;
  home: string;
  /** XDG_DATA_HOME: tokenledger's data dir is `<it>/tokenledger`. */
  dataHome: string;
  env: Record<string, string>;
  /** `tokenledger ARGS`, found on PATH. */
  run(args: string[], input?: string): SpawnSyncReturns<string>;
}

/** A user of the install in `prefix`: HOME and XDG dirs of their own, `<prefix>/bin` first on PATH. */
function userOf(prefix: string, name: string): User {
  const dir = path.join(tmp, name);
  const home = path.join(dir, 'home');
  const cwd = path.join(dir, 'work', 'my-project');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(cwd, { recursive: true });
  const dataHome = path.join(dir, 'xdg-data');
  const env = cleanEnv({
    PATH: [path.join(prefix, 'bin'), path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter),
    HOME: home,
    XDG_DATA_HOME: dataHome,
    XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
    XDG_CACHE_HOME: path.join(dir, 'xdg-cache'),
    XDG_STATE_HOME: path.join(dir, 'xdg-state'),
    TMPDIR: os.tmpdir(),
    TZ: 'UTC',
    NO_COLOR: '1',
  });
  const run = (args: string[], input?: string) =>
    spawnSync('tokenledger', args, { cwd, env, input, encoding: 'utf8', timeout: 120_000 });
  return { cwd, home, dataHome, env, run };
}

function ok(r: SpawnSyncReturns<string>): string {
  expect(r.status, `${r.error?.message ?? ''}${r.stderr}`).toBe(0);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  return r.stdout;
}

describe('npm pack, then npm install -g of the tarball', () => {
  let tgz: string;
  let prefix: string;
  let u: User;

  beforeAll(() => {
    npm(['pack', '--pack-destination', tmp], { cwd: REPO });
    tgz = path.join(tmp, `tokenledger-${VERSION}.tgz`);
    prefix = path.join(tmp, 'prefix');
    npm(['install', '--global', '--prefix', prefix, '--prefer-offline', tgz], { cwd: tmp });
    u = userOf(prefix, 'tarball-user');
  }, 900_000);

  it('the tarball holds the CLI, its bundles, the checked price table, the data and docs; no sources or tests', () => {
    const files = spawnSync('tar', ['-tzf', tgz], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((f) => f !== '' && !f.endsWith('/'))
      .map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'bin/tokenledger.js',
        'bin/package.json',
        ...BUNDLES.map((b) => `dist/bin/${b}`),
        'dist/prices.checked.json',
        'dist/index.js',
        'dist/index.d.ts',
        'data/prices.json',
        'docs/MCP.md',
      ]),
    );
    expect(
      files.filter(
        (f) => /^(src|test|scripts|bench|examples|node_modules|\.)/.test(f) || f.includes('.test.'),
      ),
    ).toEqual([]);
  });

  it('installs the dependencies with the SQLite addon, and no devDependency', () => {
    const installed = path.join(prefix, 'lib', 'node_modules', 'tokenledger');
    expect(fs.lstatSync(installed).isDirectory()).toBe(true); // a copy, not a link to the clone
    const modules = path.join(installed, 'node_modules');
    expect(
      fs.existsSync(path.join(modules, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')),
    ).toBe(true);
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.devDependencies).filter((d) => fs.existsSync(path.join(modules, d)))).toEqual([]);
  });

  it('tokenledger --version runs from a project outside the clone, found on PATH', () => {
    expect(ok(u.run(['--version'])).trim()).toBe(VERSION);
    const which = spawnSync('sh', ['-c', 'command -v tokenledger'], { env: u.env, encoding: 'utf8' });
    expect(which.stdout.trim()).toBe(path.join(prefix, 'bin', 'tokenledger'));
  });

  it('tokenledger demo fills its ledger in the data dir and shows the reports', () => {
    const out = ok(u.run(['demo']));
    expect(out).toContain('$');
    expect(fs.existsSync(path.join(u.dataHome, 'tokenledger', 'demo', 'ledger.db'))).toBe(true);
  });

  it('tokenledger mcp answers a real MCP client: handshake, the tool list and a call', async () => {
    const demoDb = path.join(u.dataHome, 'tokenledger', 'demo', 'ledger.db');
    if (!fs.existsSync(demoDb)) ok(u.run(['demo']));
    const transport = new StdioClientTransport({
      command: 'tokenledger',
      args: ['mcp', '--db', demoDb, '--no-import'],
      cwd: u.cwd,
      env: u.env,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'tokenledger-install-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: 'tokenledger', version: VERSION });
      const tools = (await client.listTools()).tools.map((t) => t.name).sort();
      expect(tools).toEqual([
        'anomalies',
        'budget_status',
        'compare',
        'estimate',
        'log_task_tokens',
        'query_usage',
        'record_usage',
        'review',
        'tasks',
        'usage_report',
      ]);
      const r = await client.callTool({ name: 'usage_report', arguments: { period: 'all' } });
      expect(r.isError).toBeFalsy();
      const answer = r.structuredContent as { totals: { totalTokens: number } };
      const daily = JSON.parse(ok(u.run(['daily', '--json', '--db', demoDb, '--no-import']))) as {
        totals: unknown;
      };
      expect(answer.totals).toEqual(daily.totals);
      expect(answer.totals.totalTokens).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });

  it('the hook and status line commands run from any directory, without PATH, on this install', () => {
    ok(u.run(['hooks', 'install']));
    const settings = JSON.parse(fs.readFileSync(path.join(u.home, '.claude', 'settings.json'), 'utf8')) as {
      hooks: Record<string, { hooks: { command: string }[] }[]>;
    };
    const hook = settings.hooks.Stop?.[0]?.hooks[0]?.command ?? '';
    const script = path.join(prefix, 'lib', 'node_modules', 'tokenledger', 'bin', 'tokenledger.js');
    expect(hook).toContain(`'${script}' hook`);
    const status = JSON.parse(ok(u.run(['hooks', 'status', '--json']))) as { statuslineCommand: string };
    expect(status.statuslineCommand).toContain(`'${script}' statusline`);

    // One response in a transcript, as Claude Code writes it: 100k in + 20k out on Sonnet 4.5 = $0.60.
    const project = u.cwd;
    const transcript = path.join(
      u.home,
      '.claude',
      'projects',
      project.replace(/[^a-zA-Z0-9]/g, '-'),
      `${SESSION}.jsonl`,
    );
    fs.mkdirSync(path.dirname(transcript), { recursive: true });
    const at = new Date().toISOString();
    fs.writeFileSync(
      transcript,
      `${assistantLine({
        env: { sessionId: SESSION, cwd: project, gitBranch: 'main', version: '2.1.330', isSidechain: false },
        uuid: 'u-install-1',
        parentUuid: null,
        timestamp: at,
        messageId: 'msg_install_1',
        requestId: 'req_install_1',
        model: SONNET,
        block: { type: 'text', text: 'ok' },
        blockIndex: 0,
        usage: { input: 100_000, output: 20_000, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0 },
        output: 20_000,
        stopReason: 'end_turn',
      })}\n`,
    );

    // Claude Code runs the command with sh, in the project, with its own environment.
    const bare = { ...u.env, PATH: '/usr/bin:/bin' };
    const stop = { session_id: SESSION, transcript_path: transcript, cwd: project, hook_event_name: 'Stop' };
    const ran = spawnSync('sh', ['-c', hook], {
      cwd: project,
      env: bare,
      input: JSON.stringify(stop),
      encoding: 'utf8',
    });
    expect([ran.status, ran.stderr]).toEqual([0, '']);
    const daily = JSON.parse(ok(u.run(['daily', '--json', '--no-import']))) as {
      totals: { totalTokens: number; totalCost: number };
    };
    expect(daily.totals).toMatchObject({ totalTokens: 120_000, totalCost: 0.6 });

    const statusInput = {
      session_id: SESSION,
      transcript_path: transcript,
      cwd: project,
      model: { id: SONNET, display_name: 'Sonnet 4.5' },
      workspace: { current_dir: project, project_dir: project },
    };
    const line = spawnSync('sh', ['-c', status.statuslineCommand], {
      cwd: project,
      env: bare,
      input: JSON.stringify(statusInput),
      encoding: 'utf8',
    });
    expect(line.status).toBe(0);
    expect(line.stdout).not.toMatch(/^tokenledger:/);
    expect(line.stdout).toContain('$0.60');
  });
});

describe('npm install -g . from the clone', () => {
  let prefix: string;
  let u: User;

  beforeAll(() => {
    prefix = path.join(tmp, 'prefix-link');
    npm(['install', '--global', '--prefix', prefix, REPO], { cwd: tmp });
    u = userOf(prefix, 'link-user');
  }, 900_000);

  it('links the clone, and its tokenledger runs from a project outside it', () => {
    expect(fs.realpathSync(path.join(prefix, 'lib', 'node_modules', 'tokenledger'))).toBe(
      fs.realpathSync(REPO),
    );
    expect(ok(u.run(['--version'])).trim()).toBe(VERSION);
    const status = JSON.parse(ok(u.run(['hooks', 'status', '--json']))) as { statuslineCommand: string };
    expect(status.statuslineCommand).toContain(
      `'${path.join(fs.realpathSync(REPO), 'bin', 'tokenledger.js')}' statusline`,
    );
  });
});
