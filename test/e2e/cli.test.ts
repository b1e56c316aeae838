/**
 * Black-box tests of the built CLI (bin/tokenledger.js → dist/bin): output contracts, exit codes
 * and messages, run as a user would, against generated history with known ground truth.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GroundTruth } from '../../src/synthetic/ground-truth.js';
import { generateHistory } from '../../src/synthetic/history-generator.js';
import { useSandbox } from '../helpers/cli.js';

/** The start of an ANSI escape sequence. */
const ESC = '\u001b[';

const cli = useSandbox('tl-e2e-', { per: 'file' });
let truth: GroundTruth;

beforeAll(() => {
  truth = generateHistory({
    configDir: cli.claude,
    seed: 7,
    targetBytes: 3 << 20,
    fileCount: 40,
    endDate: new Date('2026-11-20T00:00:00Z'),
    days: 20,
    progressCopies: true,
    forkCopies: true,
  });
});

describe('reports', () => {
  it('daily --json prints only JSON with ccusage field names, totals equal to the ground truth', () => {
    const r = cli.run(['daily', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      daily: {
        date: string;
        inputTokens: number;
        modelBreakdowns: { modelName: string; cost: number | null }[];
      }[];
      totals: Record<string, number>;
    };
    expect(out.totals).toMatchObject({
      inputTokens: truth.totals.inputTokens,
      outputTokens: truth.totals.outputTokens,
      cacheCreationTokens: truth.totals.cacheCreationTokens,
      cacheReadTokens: truth.totals.cacheReadTokens,
      totalTokens: truth.totals.totalTokens,
      responses: truth.totals.responses,
    });
    expect(out.daily.map((d) => d.date)).toEqual(Object.keys(truth.byDay).sort());
    for (const d of out.daily) expect(d.inputTokens).toBe(truth.byDay[d.date]?.inputTokens);
    expect(Object.keys(out.daily[0] ?? {})).toEqual(
      expect.arrayContaining([
        'date',
        'inputTokens',
        'outputTokens',
        'cacheCreationTokens',
        'cacheReadTokens',
        'totalTokens',
        'totalCost',
        'modelsUsed',
        'modelBreakdowns',
        'cacheHitRate',
        'unpricedModels',
      ]),
    );
  });

  it.each([
    ['weekly', 'weekly', 'week'],
    ['monthly', 'monthly', 'month'],
    ['session', 'sessions', 'sessionId'],
  ])('%s --json has its ccusage key and label field', (cmd, key, field) => {
    const r = cli.run([cmd, '--json', '--no-import']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, Record<string, unknown>[]> & {
      totals: { inputTokens: number };
    };
    expect(out[key]?.length).toBeGreaterThan(0);
    expect(out[key]?.[0]).toHaveProperty(field);
    expect(out.totals.inputTokens).toBe(truth.totals.inputTokens);
  });

  it('session --json attributes usage to sessions as the ground truth does (forks count once, for the original)', () => {
    const out = JSON.parse(cli.run(['session', '--json', '--no-import']).stdout) as {
      sessions: { sessionId: string; inputTokens: number; projectPath: string }[];
    };
    const got = Object.fromEntries(out.sessions.map((s) => [s.sessionId, s.inputTokens]));
    const want = Object.fromEntries(Object.entries(truth.bySession).map(([k, v]) => [k, v.inputTokens]));
    expect(got).toEqual(want);
    expect(out.sessions.every((s) => s.projectPath.startsWith('/home/dev/src/'))).toBe(true);
  });

  it('report --by agent --json groups by agent type, with rows as plain fields', () => {
    const out = JSON.parse(cli.run(['report', '--by', 'agent', '--json', '--no-import']).stdout) as {
      rows: { agent: string; inputTokens: number }[];
    };
    const got = Object.fromEntries(out.rows.map((r) => [r.agent, r.inputTokens]));
    const want = Object.fromEntries(Object.entries(truth.byAgentType).map(([k, v]) => [k, v.inputTokens]));
    expect(got).toEqual(want);
  });

  it('report --by project,branch --csv and --md render the same rows', () => {
    const csv = cli.run(['report', '--by', 'project,branch', '--csv', '--no-import']);
    expect(csv.status).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^project,branch,models,inputTokens,/);
    const md = cli.run(['report', '--by', 'project,branch', '--md', '--no-import']);
    expect(md.stdout).toMatch(/^\| Project +\| Branch +\|/);
    expect(md.stdout.trim().split('\n').length).toBe(lines.length + 2); // header rule + totals
  });

  it('tables fit the width and carry no colour when piped or with NO_COLOR', () => {
    const piped = cli.run(['daily', '--no-import'], { env: { COLUMNS: '80' } });
    expect(piped.status).toBe(0);
    expect(piped.stdout.includes(ESC)).toBe(false);
    for (const line of piped.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    const forced = cli.run(['daily', '--no-import', '--color']);
    expect(forced.stdout.includes(ESC)).toBe(true);
    expect(
      cli.run(['daily', '--no-import'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout.includes(ESC),
    ).toBe(false);
  });

  it('the bare command imports and summarises today and this month', () => {
    const r = cli.run(['--json', '--no-import']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { today: unknown; month: { month: string } };
    expect(out.month.month).toMatch(/^\d{4}-\d{2}$/);
  });
});

describe('errors and exit codes', () => {
  it.each([
    [['daily', '--since', '2026-13-45'], 1, /--since "2026-13-45" is not a date/],
    [['daily', '--mode', 'cheap'], 1, /--mode/],
    [['report', '--by', 'planet'], 1, /unknown dimension "planet"/],
    [['daily', '--json', '--csv'], 1, /choose one of --json, --csv and --md/],
    [['daily', '-z', 'Mars/Olympus'], 1, /not a known time zone/],
    [['nonsense'], 1, /unknown command/],
  ])('%j exits %i with a message naming the problem', (args, code, message) => {
    const r = cli.run([...args, '--no-import']);
    expect(r.status).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('a configured Claude dir that is missing is a one-line error naming it and what to set (exit 2)', () => {
    const r = cli.run(['daily'], { env: { CLAUDE_CONFIG_DIR: '/no/such/claude' } });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/\/no\/such\/claude .*does not exist.*CLAUDE_CONFIG_DIR/);
  });

  it('an unusable ledger path is a ledger error (exit 3)', () => {
    const file = path.join(cli.root, 'not-a-db');
    fs.writeFileSync(file, 'this is not sqlite');
    const r = cli.run(['daily', '--db', file]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/not-a-db/);
  });

  it('an invalid config file names the file and the setting (exit 2)', () => {
    const cfg = path.join(cli.root, 'bad-config.json');
    fs.writeFileSync(cfg, JSON.stringify({ pricing: { overrides: { m: { input: 'cheap', output: 1 } } } }));
    const r = cli.run(['daily', '--config', cfg, '--no-import']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad-config\.json.*pricing\.overrides\.m\.input/);
  });
});

describe('first run and demo', () => {
  it('with no agent history it says where it looked and how to start, and exits 0', () => {
    const fresh = fs.mkdtempSync(path.join(cli.root, 'fresh-'));
    const r = cli.run([], {
      env: {
        HOME: fresh,
        CLAUDE_CONFIG_DIR: undefined,
        TOKENLEDGER_HOME: path.join(fresh, 'tl'),
        XDG_CONFIG_HOME: undefined,
      },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('No Claude Code history found yet');
    expect(r.stdout).toContain(path.join(fresh, '.claude', 'projects'));
    expect(r.stdout).toContain('tokenledger demo');
  });

  it('demo fills a separate ledger and shows every report', () => {
    const home = fs.mkdtempSync(path.join(cli.root, 'demo-'));
    const r = cli.run(['demo'], { env: { TOKENLEDGER_HOME: home } });
    expect(r.status).toBe(0);
    for (const section of [
      'tokenledger daily',
      'tokenledger monthly',
      'tokenledger session',
      'report --by agent',
      'report --by project,branch',
    ]) {
      expect(r.stdout).toContain(section);
    }
    expect(fs.existsSync(path.join(home, 'demo', 'ledger.db'))).toBe(true);
    expect(fs.existsSync(path.join(home, 'ledger.db'))).toBe(false);
  });

  it('--help lists every command', () => {
    const r = cli.run(['--help']);
    expect(r.status).toBe(0);
    for (const cmd of [
      'daily',
      'weekly',
      'monthly',
      'session',
      'report',
      'import',
      'problems',
      'status',
      'demo',
    ])
      expect(r.stdout).toContain(cmd);
  });
});
