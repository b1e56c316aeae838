/**
 * The built CLI at 60, 80 and 120 columns on history that is hard to fit (eight ~76-character project
 * paths that differ only near the end, long branch names, four models), through `COLUMNS` when piped
 * and through a pseudo-terminal (`script`): no line wider than the terminal, so no number is ever
 * broken across lines, and the token columns are there. JSON and CSV keep the full names.
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { displayWidth, stripAnsi } from '../../src/cli/render/display-width.js';
import { formatInt } from '../../src/util/format.js';
import { BIN } from '../helpers/built-cli.js';
import { useSandbox } from '../helpers/cli.js';
import { WIDE_MODELS, WIDE_PROJECTS, writeWideHistory } from '../helpers/wide-fixtures.js';

const WIDTHS = [60, 80, 120] as const;
const PLAN = 'PLAN-2026-Q1-settlement-and-payout-platform-rework';
const TASK = 'SETTLE-1234-rework-the-settlement-batch-scheduler';

const cli = useSandbox('tl-widths-', { per: 'file', dirs: ['claude', 'tl'] });

beforeAll(() => {
  cli.ok(['task', 'start', PLAN, '--estimate', '40k', '--project', cli.home]);
  cli.ok([
    'task',
    'start',
    TASK,
    '--parent',
    PLAN,
    '--estimate',
    '2M',
    '$5',
    '--project',
    WIDE_PROJECTS[0] ?? '',
  ]);
  // Today's usage comes after the task start, so the task gets it.
  writeWideHistory(cli.claude, new Date(Date.now() + 1000));
  cli.ok(['import']);
});

/** Commands that print a table with token counts. */
const TABLES: string[][] = [
  ['daily'],
  ['daily', '-b'],
  ['weekly'],
  ['monthly', '-b'],
  ['session'],
  ['report', '--by', 'project,branch'],
  ['report', '--by', 'project,branch', '-b'],
  ['report', '--by', 'project,branch,model'],
  ['report', '--by', 'model,agent'],
  ['task', 'list'],
  ['task', 'show', PLAN],
  ['variance'],
];

function checkLines(out: string, width: number, what: string): void {
  for (const line of stripAnsi(out).replaceAll('\r', '').split('\n'))
    expect(displayWidth(line), `${what}: ${line}`).toBeLessThanOrEqual(width);
}

/** The (first) table's column headers, each joined onto one line, joined with ` | `. */
function headerWords(out: string): string {
  const lines = stripAnsi(out).split('\n');
  const top = lines.findIndex((l) => l.startsWith('┌'));
  const rule = lines.findIndex((l, i) => i > top && l.startsWith('├'));
  const rows = lines.slice(top + 1, rule).map((l) => l.split('│').slice(1, -1));
  return (rows[0] ?? [])
    .map((_, i) =>
      rows
        .map((r) => r[i]?.trim() ?? '')
        .filter((t) => t !== '')
        .join(' '),
    )
    .join(' | ');
}

describe.each(WIDTHS)('at %i columns (COLUMNS, piped)', (width) => {
  it.each(TABLES.map((args) => [args.join(' '), args]))('%s', (_, args) => {
    const out = cli.ok([...args, '--no-import'], { env: { COLUMNS: String(width) } });
    checkLines(out, width, args.join(' '));
    expect(headerWords(out)).toMatch(/Tokens/);
    // Input and Output stay on every usage report at 80 columns and more, and on the period reports always.
    const usage = args[0] !== 'task' && args[0] !== 'variance';
    const period = ['daily', 'weekly', 'monthly'].includes(args[0] ?? '');
    if (period || (usage && width >= 80)) expect(headerWords(out)).toMatch(/Input \| Output/);
  });

  it('the bare summary', () => {
    const json = JSON.parse(cli.ok(['--json', '--no-import'])) as {
      today: { totalTokens: number; totalCost: number };
    };
    const out = cli.ok(['--no-import'], { env: { COLUMNS: String(width) } });
    checkLines(out, width, 'summary');
    expect(out).toContain(`${formatInt(json.today.totalTokens)} tokens`);
    expect(out).toMatch(/\$[\d,]+\.\d\d/);
    // Each model's figures, whole, on its line.
    for (const line of out.split('\n').filter((l) => l.startsWith('    ')))
      expect(line).toMatch(/^ {4}\S+ +[\d,.]+[KMBT]? tokens +\$[\d,.]+$/);
  });

  it('status', () => {
    checkLines(cli.ok(['status'], { env: { COLUMNS: String(width) } }), width, 'status');
  });
});

describe('tables in a pseudo-terminal', () => {
  const hasScript = spawnSync('script', ['--version']).status === 0;

  it.skipIf(!hasScript).each(WIDTHS)('%i columns', (width) => {
    for (const args of [['daily'], ['session'], ['report', '--by', 'project,branch'], []]) {
      const cmd = [process.execPath, BIN, ...args, '--no-import'].map((a) => `'${a}'`).join(' ');
      const r = spawnSync('script', ['-qec', `stty cols ${width} rows 50; ${cmd}`, '/dev/null'], {
        encoding: 'utf8',
        env: cli.env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(r.status, r.stderr).toBe(0);
      checkLines(r.stdout, width, args.join(' '));
      // A terminal gets colour, and the advice to widen it rather than to set COLUMNS.
      expect(r.stdout).toContain('\u001b[');
      if (args.length > 0 && width < 120)
        expect(stripAnsi(r.stdout).replace(/\s+/g, ' ')).toMatch(/Widen the terminal to \d+ columns/);
    }
  });
});

describe('names', () => {
  it('session and report --by project show each of the eight projects apart', () => {
    for (const args of [['session'], ['report', '--by', 'project']]) {
      for (const width of WIDTHS) {
        const lines = cli.ok([...args, '--no-import'], { env: { COLUMNS: String(width) } }).split('\n');
        const body = lines.slice(
          lines.findIndex((l) => l.startsWith('├')) + 1,
          lines.findLastIndex((l) => l.startsWith('├')),
        );
        const projects = new Set(body.map((l) => l.split('│')[args[0] === 'session' ? 2 : 1]?.trim()));
        expect(projects.size, `${args.join(' ')} at ${width}`).toBe(8);
      }
    }
  });

  it('session shows first and last activity when there is room', () => {
    const out = cli.ok(['session', '--no-import'], { env: { COLUMNS: '200' } });
    expect(headerWords(out)).toMatch(/First Activity.*Last Activity/);
  });

  it('JSON and CSV keep the full project paths and model names', () => {
    const csv = cli.ok(['report', '--by', 'project,model', '--csv', '--no-import'], {
      env: { COLUMNS: '60' },
    });
    for (const p of WIDE_PROJECTS) expect(csv).toContain(p);
    for (const m of WIDE_MODELS) expect(csv).toContain(m);
    const json = cli.ok(['session', '--json', '--no-import'], { env: { COLUMNS: '60' } });
    for (const p of WIDE_PROJECTS) expect(json).toContain(p);
  });

  it('--compact abbreviates numbers and shortens names even on a wide terminal, and says what it hid', () => {
    const out = cli.ok(['daily', '--compact', '--no-import'], { env: { COLUMNS: '200' } });
    const header = headerWords(out);
    expect(header).toMatch(/Input.*Output.*Total Tokens/);
    expect(header).not.toMatch(/Cache/);
    expect(out).toMatch(/│ +[\d.]+[KMB] │/);
    expect(out).not.toContain('claude-');
    expect(out).toMatch(/Hidden by --compact: Cache Create, Cache Read, Cache Hit\./);
    const plain = cli.ok(['daily', '--no-import'], { env: { COLUMNS: '300' } });
    expect(plain).toContain('claude-opus-4-5-20251101');
    expect(plain).not.toContain('Hidden');
  });

  it.each([
    ['weekly'],
    ['session'],
    ['report', '--by', 'model'],
    ['task', 'list'],
    ['variance'],
    [],
  ])('%s accepts --compact', (...args) => {
    cli.ok([...args, '--compact', '--no-import'], { env: { COLUMNS: '80' } });
  });
});
