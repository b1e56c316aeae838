/**
 * `tokenledger anomalies` and the MCP tool `anomalies` on a SQLite ledger with planted problems:
 * `--json` prints exactly what the app function returns (and the MCP tool answers the same), the
 * text keeps its numbers and evidence within a narrow terminal, a clean ledger says so, and bad
 * thresholds are refused with the flag's name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { anomaliesReport } from '../../src/app/anomalies.js';
import { openLedgerSession } from '../../src/app/ledger-session.js';
import { displayWidth } from '../../src/cli/render/display-width.js';
import { formatInt } from '../../src/util/format.js';
import { BIN } from '../helpers/built-cli.js';
import { useSandbox } from '../helpers/cli.js';
import { PROBLEMS, plantedLedger } from '../helpers/planted-problems.js';

const cli = useSandbox('tl-anomalies-', { per: 'file', dirs: ['claude', 'tl'] });
const planted = plantedLedger({ plant: PROBLEMS });
const RANGE = ['--until', '2026-11-21', '--days', '7', '-z', 'UTC', '--no-import'];
let db = '';
let cleanDb = '';

async function write(file: string, records: typeof planted.records): Promise<void> {
  const session = await openLedgerSession({ db: file, env: cli.env() });
  try {
    await session.store.importRecords(records);
  } finally {
    await session.store.close();
  }
}

beforeAll(async () => {
  db = cli.path('planted.db');
  cleanDb = cli.path('clean.db');
  await write(db, planted.records);
  await write(cleanDb, plantedLedger({ seed: 5 }).records);
});

describe('tokenledger anomalies', () => {
  it('--json prints exactly the app function result', async () => {
    const printed = cli.json<Record<string, unknown>>(['anomalies', '--json', ...RANGE, '--db', db]);
    const session = await openLedgerSession({ db, env: cli.env() });
    try {
      const report = await anomaliesReport(session, { until: '2026-11-21', days: 7, timezone: 'UTC' });
      expect(printed).toEqual(JSON.parse(JSON.stringify(report)));
      expect(report.anomalies.map((a) => a.kind)).toEqual(
        expect.arrayContaining(['task-over-baseline', 'runaway-turns', 'context-leak', 'cache-expiring']),
      );
    } finally {
      await session.store.close();
    }
  });

  it('shows every flag with its numbers and evidence on a narrow terminal', () => {
    const report = cli.json<{
      anomalies: { summary: string; evidence: { records: { dedupKey: string }[] } }[];
    }>(['anomalies', '--json', ...RANGE, '--db', db]);
    const out = cli.ok(['anomalies', ...RANGE, '--db', db], { env: { COLUMNS: '60' } });
    for (const line of out.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(60);
    const flat = out.replace(/\s+/g, ' ');
    expect(flat).toContain('Evidence:');
    // Every summary, word for word (wrapping only changes the spaces).
    for (const a of report.anomalies) expect(flat).toContain(a.summary.replace(/\s+/g, ' '));
    const leak = report.anomalies.find((a) => a.summary.includes('context grew'));
    for (const r of leak?.evidence.records ?? []) expect(flat).toContain(r.dedupKey);
    expect(flat).toContain(`session ${planted.truth.runawayTask?.session} made 140 API calls`);
    expect(flat).toContain(formatInt(140));
  });

  it('says when usage is within its baselines', () => {
    const out = cli.ok(['anomalies', ...RANGE, '--db', cleanDb]);
    expect(out).toContain('No anomalies: usage is within its baselines and shows no leak pattern.');
    expect(out.replace(/\s+/g, ' ')).toContain('Checked 42 tasks, 42 sessions and 21 days');
    expect(
      cli.json<{ anomalies: unknown[] }>(['anomalies', '--json', ...RANGE, '--db', cleanDb]).anomalies,
    ).toEqual([]);
  });

  it('takes thresholds, and refuses bad ones by name', () => {
    const strict = cli.json<{
      thresholds: { minRatio: number };
      anomalies: { ratio: number | null; overrun: unknown }[];
    }>(['anomalies', '--json', ...RANGE, '--db', db, '--min-ratio', '20', '--min-score', '3']);
    expect(strict.thresholds.minRatio).toBe(20);
    expect(strict.anomalies.length).toBeGreaterThan(0);
    // The ratio rule is that of the baseline flags (those with an overrun); leak patterns have their own.
    for (const a of strict.anomalies.filter((x) => x.overrun !== null))
      expect(a.ratio).toBeGreaterThanOrEqual(20);
    const bad = cli.run(['anomalies', ...RANGE, '--db', db, '--min-score', 'lots']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--min-score "lots" is not a number');
    const zero = cli.run(['anomalies', ...RANGE, '--db', db, '--min-baseline', '1']);
    expect(zero.status).toBe(1);
    expect(zero.stderr).toContain('the minimum baseline size must be a whole number ≥ 2, got 1');
  });

  it('documents its thresholds and their defaults in the help', () => {
    const help = cli.ok(['anomalies', '--help']);
    for (const flag of [
      '--min-score',
      '--min-ratio',
      '--min-baseline',
      '--min-requests',
      '--leak-growth',
      '--leak-read-share',
      '--min-rewrites',
      '--task',
      '--project',
      '--days',
      '--since',
      '--until',
    ])
      expect(help).toContain(flag);
    expect(help).toContain('(default 3.5)');
  });
});

describe('the daily file of the .token-usage/ tree', () => {
  it('lists the anomalies of its day, from the same detectors', () => {
    const root = cli.path('tree');
    cli.ok(['files', 'sync', '--db', db, '--all-projects', '--root', root]);
    const day = planted.truth.runawayTask?.date ?? '';
    const flags = cli.json<{ anomalies: { summary: string }[] }>([
      'anomalies',
      '--json',
      '--since',
      day,
      '--until',
      day,
      '--baseline-days',
      '28',
      '-z',
      'UTC',
      '--no-import',
      '--db',
      db,
    ]).anomalies;
    expect(flags.length).toBeGreaterThan(0);
    const file = fs.readFileSync(path.join(root, `usage-${day}.md`), 'utf8');
    const section = file.slice(file.indexOf('## Anomalies'), file.indexOf('## Optimization Candidates'));
    // The same lines (the daily summary orders its entries itself).
    expect(section.trim().split('\n').slice(2).sort()).toEqual(flags.map((f) => `- ${f.summary}`).sort());
    const quiet = fs.readFileSync(path.join(root, 'usage-2026-11-02.md'), 'utf8');
    expect(quiet).toContain('## Anomalies\n\n- None detected.\n');
  });
});

describe('MCP tool anomalies', () => {
  it('answers what `anomalies --json` prints', async () => {
    const printed = cli.json<Record<string, unknown>>(['anomalies', '--json', ...RANGE, '--db', db]);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp', '--db', db, '--no-import'],
      env: cli.env(),
      cwd: path.dirname(db),
      stderr: 'pipe',
    });
    const client = new Client({ name: 'tokenledger-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const r = await client.callTool({
        name: 'anomalies',
        arguments: { until: '2026-11-21', days: 7, timezone: 'UTC' },
      });
      expect(r.isError).toBeFalsy();
      expect(r.structuredContent).toEqual(printed);
      const bad = await client.callTool({
        name: 'anomalies',
        arguments: { since: '2026-11-22', until: '2026-11-21' },
      });
      expect(bad.isError).toBe(true);
    } finally {
      await client.close();
    }
  }, 30_000);
});
