/**
 * `export --jsonl` and `import-jsonl` through the built CLI: a CI-style round trip (export, commit,
 * rebuild elsewhere) gives identical reports; exporting again appends nothing; importing again
 * changes nothing; bad lines and missing arguments are explained.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { assistantLine } from '../../src/synthetic/transcript-lines.js';
import { useSandbox } from '../helpers/cli.js';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);

const cli = useSandbox('tl-jsonl-', {
  dirs: ['claude', 'tl'],
  env: (box) => ({ TOKENLEDGER_CONFIG: box.path('config.json'), NO_COLOR: '1' }),
});
let exportDir: string;
let n = 0;

beforeEach(() => {
  exportDir = cli.path('repo', '.tokenledger', 'ledger');
  fs.writeFileSync(cli.path('config.json'), JSON.stringify({ machine: 'ci-runner', user: 'ci' }));
});

function call(session: string, at: number, input: number): void {
  n += 1;
  const file = path.join(cli.claude, 'projects', '-work-app', `${session}.jsonl`);
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
    const first = JSON.parse(cli.ok(['export', '--jsonl', exportDir, '--json'])) as Record<string, unknown>;
    // Each call's usage, and its activity (a call that asked for no tool says so).
    expect(first).toMatchObject({ records: 6, linesAppended: 6, filesWritten: 2, filesCreated: 2 });
    expect(Object.keys(snapshot(exportDir)).sort()).toEqual([
      '.gitattributes',
      '2026-11-20/ci-runner.jsonl',
      '2026-11-21/ci-runner.jsonl',
    ]);
    const files = snapshot(exportDir);
    expect(cli.ok(['export', '--jsonl', exportDir])).toMatch(/^Nothing new to export/);
    expect(snapshot(exportDir)).toEqual(files);

    const other = path.join(cli.root, 'other.db');
    const imported = JSON.parse(cli.ok(['import-jsonl', exportDir, '--db', other, '--json'])) as Record<
      string,
      unknown
    >;
    expect(imported).toMatchObject({ files: 2, lines: 6, records: 6, merged: 6, unchanged: 0, problems: [] });
    for (const report of [['daily'], ['session'], ['report', '--by', 'project,branch,machine,user']]) {
      expect(cli.ok([...report, '--json', '--no-import', '--db', other])).toBe(
        cli.ok([...report, '--json', '--no-import']),
      );
    }
    const again = cli.ok(['import-jsonl', exportDir, '--db', other]);
    expect(again).toMatch(
      /^Read 6 line\(s\) from 2 file\(s\) under .*: 0 record\(s\) merged into the ledger, 6 already there, no problems\./,
    );
  });

  it('lists bad lines as file:line: reason and imports the rest', () => {
    call('s-1', T0, 1000);
    cli.ok(['export', '--jsonl', exportDir]);
    const file = path.join(exportDir, '2026-11-20', 'ci-runner.jsonl');
    fs.appendFileSync(file, '{"type":"usage","dedup_key":1}\n');
    const r = cli.run(['import-jsonl', exportDir, '--db', path.join(cli.root, 'other.db')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${file}:3: usage dedup_key: expected a string, got 1`);
    expect(r.stdout).toContain('2 record(s) merged into the ledger, 0 already there, 1 bad line(s) skipped');
  });

  it('says what to pass when --jsonl or the folder is missing', () => {
    const noFlag = cli.run(['export']);
    expect(noFlag.status).toBe(1);
    expect(noFlag.stderr).toContain('pass --jsonl DIR');
    const missing = cli.run(['import-jsonl', path.join(cli.root, 'nowhere')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(
      'nowhere does not exist. Pass the folder `tokenledger export --jsonl DIR` wrote',
    );
    const badDay = cli.run(['export', '--jsonl', exportDir, '--since', '2026-13-01']);
    expect(badDay.status).toBe(1);
    expect(badDay.stderr).toContain('--since "2026-13-01" is not a date');
  });
});
