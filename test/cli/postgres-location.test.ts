/**
 * A `postgres://` ledger location never becomes a file path. Through every way a location comes in
 * (`--db`, `TOKENLEDGER_DB`, `TOKENLEDGER_HOME`, the hook's `--db` written by `hooks install`, `mcp
 * --db`, the status line, `record`, and the library's `recordUsage` and `runClaude`), a URL whose
 * server cannot be reached fails with the ledger's exit code (3) and a message that names the host
 * and database, never the password, and says what to check; nothing creates a file or directory for
 * it: the working directory and HOME stay empty, and no path anywhere is named after the URL.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIST_DIR } from '../helpers/built-cli.js';
import { cleanEnv, runCli } from '../helpers/cli.js';

const URL_ = 'postgres://ann:hunter2@db.example.com:5433/ledger?sslmode=require';
const SHOWN = 'postgres://ann:***@db.example.com:5433/ledger?sslmode=require';
const NAMED = /database "ledger" on host db\.example\.com:5433/;
/** The host does not resolve: the connection fails, and the message says what to check. */
const REFUSED = /cannot be used: .*(server running|server is running)/;

let root = '';
/** The working directory, HOME and the data dir of every call. */
let cwd = '';
let home = '';
let tlHome = '';
let claude = '';

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-pg-location-')));
  cwd = path.join(root, 'cwd');
  home = path.join(root, 'home');
  tlHome = path.join(root, 'tl');
  claude = path.join(root, 'claude');
  for (const d of [cwd, home, tlHome, claude]) fs.mkdirSync(d);
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** This test's environment: its own HOME, which must stay empty. */
function env(extra: Record<string, string> = {}): Record<string, string> {
  return cleanEnv(
    {
      HOME: home,
      CLAUDE_CONFIG_DIR: claude,
      TOKENLEDGER_HOME: tlHome,
      XDG_CACHE_HOME: path.join(root, 'cache'),
      TZ: 'UTC',
    },
    extra,
  );
}

/** The CLI in this test's working directory, which must stay empty too. */
function tl(args: string[], extra: Record<string, string> = {}, input = '') {
  return runCli(args, { cwd, env: env(extra), input });
}

/** Every path under `dir`, relative to it. */
function tree(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/** Nothing was made for the URL: cwd and HOME are empty, and no path under the test's root names it. */
function expectNothingMade(): void {
  expect(tree(cwd)).toEqual([]);
  expect(tree(home)).toEqual([]);
  expect(tree(root).filter((p) => /postgres|example\.com|ledger\?/.test(p))).toEqual([]);
}

function expectRefusal(text: string): void {
  expect(text).toMatch(NAMED);
  expect(text).toMatch(REFUSED);
  expect(text).toContain(SHOWN);
  expect(text).not.toContain('hunter2');
}

describe('a postgres:// ledger location', () => {
  it.each([
    ['--db', ['status', '--db', URL_], {}],
    ['--db on a report', ['daily', '--json', '--db', URL_], {}],
    ['--db on files sync', ['files', 'sync', '--db', URL_], {}],
    ['TOKENLEDGER_DB', ['status'], { TOKENLEDGER_DB: URL_ }],
    ['TOKENLEDGER_DB with --json', ['status', '--json'], { TOKENLEDGER_DB: URL_ }],
    ['mcp --db', ['mcp', '--db', URL_], {}],
  ])('%s: exit 3, the host and database named, nothing created', (_, args, extra) => {
    const r = tl(args, extra);
    expect(r.status, r.stderr).toBe(3);
    expect(r.stdout).toBe('');
    expectRefusal(r.stderr);
    expectNothingMade();
    expect(tree(tlHome)).toEqual([]);
  });

  it('a server that refuses the connection: exit 3 at once, naming 127.0.0.1:1 and what to check', () => {
    const started = Date.now();
    const r = tl(['daily', '--db', 'postgres://postgres@127.0.0.1:1/x']);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.status, r.stderr).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/database "x" on host 127\.0\.0\.1:1\b/);
    expect(r.stderr).toMatch(REFUSED);
    expectNothingMade();
  });

  it('TOKENLEDGER_HOME: exit 3, it must be a directory; nothing created', () => {
    for (const args of [['status'], ['daily', '--json'], ['hooks', 'install', '--dry-run']]) {
      const r = tl(args, { TOKENLEDGER_HOME: URL_ });
      expect(r.status, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/TOKENLEDGER_HOME is .*, a URL, but it must be a directory/);
      expect(r.stderr).toMatch(NAMED);
      expect(r.stderr).not.toContain('hunter2');
    }
    const hook = tl(
      ['hook'],
      { TOKENLEDGER_HOME: URL_ },
      JSON.stringify({ session_id: 's', hook_event_name: 'Stop' }),
    );
    expect(hook.status).toBe(0);
    expect(hook.stdout).toBe('');
    expect(hook.stderr).toMatch(
      /^tokenledger hook: TOKENLEDGER_HOME is .*, a URL, but it must be a directory/,
    );
    expect(hook.stderr).not.toContain('hunter2');
    expectNothingMade();
    expect(tree(tlHome)).toEqual([]);
  });

  it('record: answers the contract error with exit 3, and spools nothing', () => {
    const request = {
      task_id: 'T-1',
      mode: 'log_only',
      entries: [{ agent: 'a', model: 'opus', input_tokens: 1, output_tokens: 1 }],
    };
    for (const [args, extra] of [
      [['record', '--db', URL_], {}],
      [['record'], { TOKENLEDGER_DB: URL_ }],
    ] as const) {
      const r = tl([...args], extra, JSON.stringify(request));
      expect(r.status, r.stderr).toBe(3);
      const answer = JSON.parse(r.stdout) as { status: string; reason: string };
      expect(answer.status).toBe('error');
      expectRefusal(answer.reason);
      expect(r.stderr).not.toContain('hunter2');
    }
    expectNothingMade();
    expect(tree(tlHome)).toEqual([]);
  });

  it('hooks install --db writes the URL unchanged; the hook then logs that it cannot reach it', () => {
    const installs: [string[], Record<string, string>][] = [
      [['hooks', 'install', '--db', URL_], {}],
      [['hooks', 'install'], { TOKENLEDGER_DB: URL_ }],
    ];
    for (const [args, extra] of installs) {
      const r = tl(args, extra);
      expect(r.status, r.stderr).toBe(0);
      const settings = JSON.parse(fs.readFileSync(path.join(claude, 'settings.json'), 'utf8')) as {
        hooks: Record<string, { hooks: { command: string }[] }[]>;
      };
      const commands = Object.values(settings.hooks).flatMap((groups) =>
        groups.flatMap((g) => g.hooks.map((h) => h.command)),
      );
      expect(commands.length).toBeGreaterThan(0);
      for (const command of commands) expect(command).toContain(` hook --db '${URL_}'`);
      fs.rmSync(path.join(claude, 'settings.json'));
      for (const f of fs.readdirSync(claude)) fs.rmSync(path.join(claude, f), { recursive: true });
    }

    const hook = tl(
      ['hook', '--db', URL_],
      {},
      JSON.stringify({
        session_id: 's1',
        hook_event_name: 'Stop',
        transcript_path: path.join(claude, 't.jsonl'),
        cwd,
      }),
    );
    expect(hook.status).toBe(0);
    expect(hook.stdout).toBe('');
    const logs = path.join(tlHome, 'logs');
    const log = fs
      .readdirSync(logs)
      .map((f) => fs.readFileSync(path.join(logs, f), 'utf8'))
      .join('');
    expectRefusal(log);
    expectNothingMade();
  });

  it('the status line shows the failure in its one line, and exits 0', () => {
    const r = tl(
      ['statusline', '--db', URL_],
      {},
      JSON.stringify({ session_id: 's1', cwd, model: { id: 'x' } }),
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^tokenledger: the ledger postgres:\/\/ann:\*\*\*@db\.example\.com:5433\/ledger/,
    );
    expect(r.stdout.split('\n')).toHaveLength(2);
    expect(r.stdout).not.toContain('hunter2');
    expectNothingMade();
  });

  it("the library's recordUsage and runClaude fail on it without creating anything", () => {
    const script = `
      const { recordUsage, runClaude } = await import(${JSON.stringify(pathToFileURL(path.join(DIST_DIR, 'index.js')).href)});
      const request = { task_id: 'T-1', mode: 'log_only', entries: [{ agent: 'a', model: 'opus', input_tokens: 1, output_tokens: 1 }] };
      const recorded = await recordUsage(request, { ledger: ${JSON.stringify(URL_)} });
      const run = await runClaude({ command: process.execPath, args: ['-e', ''], record: { ledger: ${JSON.stringify(URL_)} } });
      const fromEnv = await recordUsage(request);
      process.stdout.write(JSON.stringify({
        recorded: [recorded.exitCode, recorded.response],
        fromEnv: [fromEnv.exitCode, fromEnv.response],
        run: [run.exitCode, run.recorded, run.recordError && run.recordError.message],
      }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd,
      env: env({ TOKENLEDGER_DB: URL_ }),
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      recorded: [number, { status: string; reason: string }];
      fromEnv: [number, { status: string; reason: string }];
      run: [number, unknown, string];
    };
    for (const [code, response] of [out.recorded, out.fromEnv]) {
      expect(code).toBe(3);
      expect(response.status).toBe('error');
      expectRefusal(response.reason);
    }
    expect(out.run[0]).toBe(0);
    expect(out.run[1]).toBeNull();
    expectRefusal(out.run[2]);
    expectNothingMade();
    expect(tree(tlHome)).toEqual([]);
  });
});
