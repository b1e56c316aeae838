/**
 * `export --jsonl` and `import-jsonl` through the built CLI: a CI-style round trip (export, commit,
 * rebuild elsewhere) gives identical reports; exporting again appends nothing; importing again
 * changes nothing; bad lines and missing arguments are explained.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assistantLine } from '../../src/synthetic/transcript-lines.js';
import { BIN } from '../helpers/built-cli.js';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);

let root: string;
let claude: string;
let exportDir: string;
let n = 0;

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-jsonl-')));
  claude = path.join(root, 'claude');
  exportDir = path.join(root, 'repo', '.tokenledger', 'ledger');
  for (const d of [claude, path.join(root, 'tl'), path.join(root, 'home')])
    fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(root, 'config.json'), JSON.stringify({ machine: 'ci-runner', user: 'ci' }));
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function tl(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: path.join(root, 'home'),
      CLAUDE_CONFIG_DIR: claude,
      TOKENLEDGER_HOME: path.join(root, 'tl'),
      TOKENLEDGER_CONFIG: path.join(root, 'config.json'),
      TZ: 'UTC',
      NO_COLOR: '1',
    },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(args: string[]) {
  const r = tl(args);
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

function call(session: string, at: number, input: number): void {
  n += 1;
  const file = path.join(claude, 'projects', '-work-app', `${session}.jsonl`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const line = assistantLine({
    env: { sessionId: session, cwd: '/work/app', gitBranch: 'main', version: '2.1.330', isSidechain: false },
    uuid: `u-${n}`,
    parentUuid: null,
    timestamp: new Date(at).toISOString(),
    messageId: `msg_${n}`,
    requestId: `req_${n}`,
    model: 'claude-sonnet-4-5-20250929',
    block: { type: 'text', text: 'ok' },
    blockIndex: 0,
    usage: { input, output: 7, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 100, webSearch: 0 },
    output: 7,
    stopReason: 'end_turn',
  });
  fs.appendFileSync(file, `${line}\n`);
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile())
      out[path.relative(dir, path.join(e.parentPath, e.name))] = fs.readFileSync(
        path.join(e.parentPath, e.name),
        'utf8',
      );
  return out;
}

describe('export --jsonl / import-jsonl', () => {
  it('round-trips a ledger into a fresh one with identical reports', () => {
    call('s-1', T0, 1000);
    call('s-1', T0 + 60_000, 2000);
    call('s-2', T0 + 86_400_000, 3000);
    const first = JSON.parse(ok(['export', '--jsonl', exportDir, '--json']).stdout) as Record<
      string,
      unknown
    >;
    expect(first).toMatchObject({ records: 3, linesAppended: 3, filesWritten: 2, filesCreated: 2 });
    expect(Object.keys(snapshot(exportDir)).sort()).toEqual([
      '.gitattributes',
      '2026-11-20/ci-runner.jsonl',
      '2026-11-21/ci-runner.jsonl',
    ]);
    const files = snapshot(exportDir);
    expect(ok(['export', '--jsonl', exportDir]).stdout).toMatch(/^Nothing new to export/);
    expect(snapshot(exportDir)).toEqual(files);

    const other = path.join(root, 'other.db');
    const imported = JSON.parse(ok(['import-jsonl', exportDir, '--db', other, '--json']).stdout) as Record<
      string,
      unknown
    >;
    expect(imported).toMatchObject({ files: 2, lines: 3, records: 3, merged: 3, unchanged: 0, problems: [] });
    for (const report of [['daily'], ['session'], ['report', '--by', 'project,branch,machine,user']]) {
      expect(ok([...report, '--json', '--no-import', '--db', other]).stdout).toBe(
        ok([...report, '--json', '--no-import']).stdout,
      );
    }
    const again = ok(['import-jsonl', exportDir, '--db', other]);
    expect(again.stdout).toMatch(
      /^Read 3 line\(s\) from 2 file\(s\) under .*: 0 record\(s\) merged into the ledger, 3 already there, no problems\./,
    );
  });

  it('lists bad lines as file:line: reason and imports the rest', () => {
    call('s-1', T0, 1000);
    ok(['export', '--jsonl', exportDir]);
    const file = path.join(exportDir, '2026-11-20', 'ci-runner.jsonl');
    fs.appendFileSync(file, '{"type":"usage","dedup_key":1}\n');
    const r = ok(['import-jsonl', exportDir, '--db', path.join(root, 'other.db')]);
    expect(r.stderr).toContain(`${file}:2: usage dedup_key: expected a string, got 1`);
    expect(r.stdout).toContain('1 record(s) merged into the ledger, 0 already there, 1 bad line(s) skipped');
  });

  it('says what to pass when --jsonl or the folder is missing', () => {
    const noFlag = tl(['export']);
    expect(noFlag.status).toBe(1);
    expect(noFlag.stderr).toContain('pass --jsonl DIR');
    const missing = tl(['import-jsonl', path.join(root, 'nowhere')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(
      'nowhere does not exist. Pass the folder `tokenledger export --jsonl DIR` wrote',
    );
    const badDay = tl(['export', '--jsonl', exportDir, '--since', '2026-13-01']);
    expect(badDay.status).toBe(1);
    expect(badDay.stderr).toContain('--since "2026-13-01" is not a date');
  });
});
