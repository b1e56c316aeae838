/**
 * What ccusage users type, through the built CLI: `--offline`, `--instances`, `--last N`, `session
 * --id` (beside our `--session`), `help [command]`, and "did you mean" for a mistyped command.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assistantLine } from '../../src/synthetic/transcript-lines.js';
import { BIN } from '../helpers/built-cli.js';
import { useSandbox } from '../helpers/cli.js';

const DAY_MS = 86_400_000;

const cli = useSandbox('tl-compat-', { per: 'file' });
let n = 0;

/** One response of `input` tokens in `project`'s session, at `ts`. */
function write(project: string, session: string, ts: number, input: number): void {
  const file = path.join(cli.claude, 'projects', project.replaceAll('/', '-'), `${session}.jsonl`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  n++;
  const line = assistantLine({
    env: { sessionId: session, cwd: project, gitBranch: 'main', version: '2.1.100', isSidechain: false },
    uuid: `u-${n}`,
    parentUuid: null,
    timestamp: new Date(ts).toISOString(),
    messageId: `msg_${n}`,
    requestId: `req_${n}`,
    model: 'claude-sonnet-4-5-20250929',
    block: { type: 'text', text: 'ok' },
    blockIndex: 0,
    usage: { input, output: 0, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0 },
    output: 0,
    stopReason: 'end_turn',
  });
  fs.appendFileSync(file, `${line}\n`);
}

/** Noon UTC `daysAgo` days before today. */
const noon = (daysAgo: number) => Math.floor(Date.now() / DAY_MS) * DAY_MS - daysAgo * DAY_MS + DAY_MS / 2;
const date = (daysAgo: number) => new Date(noon(daysAgo)).toISOString().slice(0, 10);

beforeAll(() => {
  write('/src/app', 's-app', noon(0) - 3_600_000, 10); // today (11:00 UTC: not in the future)
  write('/src/app', 's-app', noon(2), 20);
  write('/src/lib', 's-lib', noon(2), 40);
  write('/src/lib', 's-lib', noon(40), 80);
});

interface Row {
  date: string;
  project?: string;
  inputTokens: number;
}

describe('ccusage flags', () => {
  it('--offline (-O) is accepted and changes nothing', () => {
    const plain = cli.run(['daily', '--json']).stdout;
    expect(cli.run(['daily', '--json', '--offline']).stdout).toBe(plain);
    expect(cli.run(['daily', '--json', '-O', '--no-import']).stdout).toBe(plain);
    expect(cli.run(['blocks', '--json', '-O']).status).toBe(0);
    expect(cli.run(['daily', '--help']).stdout).toMatch(/-O, --offline +accepted for ccusage compatibility/);
  });

  it('--instances gives a row per project and day, as {"projects": {name: [...]}, "totals"}', () => {
    const out = cli.json<{ projects: Record<string, Row[]>; totals: { inputTokens: number } }>([
      'daily',
      '-i',
      '--json',
    ]);
    expect(Object.keys(out.projects).sort()).toEqual(['/src/app', '/src/lib']);
    expect(out.projects['/src/app']?.map((r) => [r.date, r.project, r.inputTokens])).toEqual([
      [date(2), '/src/app', 20],
      [date(0), '/src/app', 10],
    ]);
    expect(out.projects['/src/lib']?.map((r) => [r.date, r.inputTokens])).toEqual([
      [date(40), 80],
      [date(2), 40],
    ]);
    expect(out.totals.inputTokens).toBe(150);
    const monthly = cli.json<{ projects: Record<string, { month: string }[]> }>([
      'monthly',
      '--instances',
      '--json',
    ]);
    expect(Object.keys(monthly.projects).sort()).toEqual(['/src/app', '/src/lib']);
    const table = cli.run(['daily', '--instances']);
    expect(table.stdout).toContain('Project');
    expect(table.stdout).toContain('/src/lib');
  });

  it('--last N keeps the last N periods, the current one included', () => {
    const days = (args: string[]) =>
      cli.json<{ daily: Row[] }>(['daily', '--json', ...args]).daily.map((r) => r.date);
    expect(days(['--last', '1'])).toEqual([date(0)]);
    expect(days(['--last', '2'])).toEqual([date(0)]);
    expect(days(['--last', '3'])).toEqual([date(2), date(0)]);
    const months = cli.json<{ monthly: { month: string }[] }>(['monthly', '--json', '--last', '3']).monthly;
    expect(months.map((m) => m.month)).toEqual([
      ...new Set([date(40), date(2), date(0)].map((d) => d.slice(0, 7))),
    ]);
    const both = cli.run(['daily', '--last', '2', '--since', '20260101']);
    expect(both.status).toBe(1);
    expect(both.stderr).toContain('--last cannot be combined with --since or --until');
    const zero = cli.run(['weekly', '--last', '0']);
    expect(zero.status).toBe(1);
    expect(zero.stderr).toContain('--last "0" is not a number of periods');
  });

  it('the session filter is --session everywhere; session --id (ccusage) still works', () => {
    const only = (args: string[]) =>
      cli.json<{ sessions: { sessionId: string }[] }>(args).sessions.map((s) => s.sessionId);
    expect(only(['session', '--json', '--session', 's-lib'])).toEqual(['s-lib']);
    expect(only(['session', '--json', '--id', 's-lib'])).toEqual(['s-lib']);
    expect(only(['session', '--json', '-i', 's-app'])).toEqual(['s-app']);
    const rows = cli.json<{ rows: { project: string }[] }>([
      'report',
      '--by',
      'project',
      '--session',
      's-app',
      '--json',
    ]).rows;
    expect(rows.map((r) => r.project)).toEqual(['/src/app']);
    const help = cli.run(['session', '--help']).stdout;
    expect(help).toContain('--session <id>');
    expect(help).not.toContain('--id');
    const clash = cli.run(['session', '--id', 's-app', '--session', 's-lib']);
    expect(clash.status).toBe(1);
    expect(clash.stderr).toContain('name different sessions');
  });
});

describe('help and mistyped commands', () => {
  it('help [command [subcommand]] prints that help', () => {
    const top = cli.run(['help']);
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/^Usage: tokenledger \[options\] \[command\]/);
    expect(top.stdout).toMatch(/help \[command\.\.\.\]/);
    expect(cli.run(['help', 'blocks']).stdout).toMatch(/^Usage: tokenledger blocks \[options\]/);
    expect(cli.run(['help', 'task', 'start']).stdout).toMatch(
      /^Usage: tokenledger task start \[options\] <id>/,
    );
    expect(cli.run(['help', 'blocks']).stdout).toBe(cli.run(['blocks', '--help']).stdout);
  });

  it('a mistyped command gets "did you mean", in help too', () => {
    const r = cli.run(['dialy']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('unknown command "dialy". Did you mean "daily"?');
    expect(cli.run(['help', 'blcoks']).stderr).toContain('Did you mean "blocks"?');
    const sub = cli.run(['help', 'task', 'strat']);
    expect(sub.status).toBe(1);
    expect(sub.stderr).toContain('unknown command "task strat". Did you mean "start"?');
    expect(cli.run(['frobnicate']).stderr).not.toContain('Did you mean');
  });

  it('help piped into a reader that stops early ends quietly', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" --help | true`], {
      encoding: 'utf8',
      env: cli.env(),
    });
    expect(r.stderr).toBe('');
  });
});
