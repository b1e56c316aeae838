/**
 * `tokenledger files sync` through the built CLI on a real ledger: Claude Code transcript fixtures
 * imported (`tokenledger import`), two sessions attributed to tasks, and usage-tracker telemetry
 * recorded (`tokenledger record`) for other tasks, one of which also has captured usage. The tree
 * must reflect the whole ledger with exact numbers: captured usage, declared usage while nothing was
 * captured for the task, and the usage of no task, never one token twice.
 *
 * Sonnet 4.5 is $3 / $15 / $3.75 / $0.30 per million input / output / cache write / cache read
 * tokens; Haiku 4.5 is $1 / $5 / $1.25 / $0.10. Declared short names (`opus`, `sonnet`) count at
 * their declared `estimated_cost`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import { useSandbox } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/ledger.js';

/** 2026-11-20 in the fixtures: session → task (none: unattributed). */
const FIXTURE_SESSIONS = {
  'main-final-subagent-snapshot': { session: '22222222-2222-4222-8222-222222222222', task: 'CAP-1' },
  resume: { session: '83838383-8383-4838-8838-838383838383', task: 'BOTH' },
  'per-block-placeholder': { session: '11111111-1111-4111-8111-111111111111', task: null },
  'cost-state': { session: '84848484-8484-4848-8848-848484848484', task: null },
} as const;

const cli = useSandbox('tl-files-sync-', {
  dirs: ['claude', 'tl', 'proj/.git'],
  cwd: 'proj',
  env: (box) => ({ TOKENLEDGER_CONFIG: box.path('config.json'), TZ: 'America/Los_Angeles' }),
});
let proj: string;
let ledger: string;

beforeEach(() => {
  proj = cli.path('proj');
  ledger = cli.path('ledger.db');
  for (const name of Object.keys(FIXTURE_SESSIONS)) {
    fs.cpSync(path.join(FIXTURES, name, 'projects'), path.join(cli.claude, 'projects'), { recursive: true });
  }
});

function ok(args: string[], input = ''): string {
  const r = cli.run(args, { input });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

const entry = (agent: string, model: string, input: number, output: number, cost: number | null) => ({
  agent,
  model,
  input_tokens: input,
  output_tokens: output,
  total_tokens: input + output,
  estimated_cost: cost,
});

function record(taskId: string, timestamp: string, entries: unknown[]): void {
  const request = {
    mode: 'log_only',
    task_id: taskId,
    timestamp,
    user_request_summary: `Declared ${taskId}.`,
    entries,
  };
  expect(JSON.parse(ok(['record', '--db', ledger], JSON.stringify(request)))).toEqual({
    status: 'recorded',
    task_id: taskId,
  });
}

/**
 * The ledger of the module doc: CAP-1 (a task from `task start`, with a title and an estimate of
 * 8,000 tokens) and BOTH captured from two fixture sessions, two more sessions of no task, DECL-1
 * and DECL-2 declared only, BOTH declared too (its declaration must not count).
 */
async function buildLedger(): Promise<void> {
  const store = SqliteStore.open(ledger);
  try {
    await store.saveTask({ id: 'CAP-1', title: 'Fix the checkout flow.', estimateTokens: 8_000 });
    for (const { session, task } of Object.values(FIXTURE_SESSIONS)) {
      if (task === null) continue;
      await store.openSpan({
        scope: 'session',
        sessionId: session,
        fromTs: Date.parse('2026-11-20T00:00:00Z'),
        taskId: task,
        source: 'task',
      });
    }
  } finally {
    await store.close();
  }
  ok(['import', '--db', ledger]);
  record('DECL-1', '2026-11-20T14:30:00Z', [
    entry('build-lead', 'opus', 25_000, 8_000, 1.05),
    entry('ui-impl', 'sonnet', 30_000, 10_000, 0.6),
  ]);
  record('BOTH', '2026-11-20T18:00:00Z', [entry('build-lead', 'opus', 1_000, 100, 0.5)]);
  record('DECL-2', '2026-11-21T09:00:00Z', [entry('scout', 'haiku', 1_000, 200, 0.002)]);
}

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const f of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isFile()) out[f.split(path.sep).join('/')] = fs.readFileSync(p, 'utf8');
  }
  return out;
}

const SUMMARY_2026_11_20 = `# Token Usage: 2026-11-20

## Totals

| Agent | Model | Input | Output | Total | Cost |
|-------|-------|-------|--------|-------|------|
| Explore | claude-haiku-4-5-20251001 | 6,348 | 2 | 6,350 | $0.0044 |
| build-lead | opus | 25,000 | 8,000 | 33,000 | $1.05 |
| main | claude-sonnet-4-5-20250929 | 41,737 | 400 | 42,137 | $0.09 |
| ui-impl | sonnet | 30,000 | 10,000 | 40,000 | $0.60 |

Unattributed (no task): 29,222 tokens, $0.06.

## Top Expensive Tasks

1. **DECL-1**: Largest share: ui-impl on sonnet (55% of tokens). 73,000 tokens, $1.65.
2. **CAP-1**: Largest share: main on claude-sonnet-4-5-20250929 (58% of tokens). 15,130 tokens, $0.03.
3. **BOTH**: Largest share: main on claude-sonnet-4-5-20250929 (100% of tokens). 4,135 tokens, $0.0093.

## Anomalies

- None detected.

## Optimization Candidates

- None.
`;

describe('files sync reflects the whole ledger', () => {
  it('writes captured tasks, declared tasks and the unattributed usage with exact numbers', async () => {
    await buildLedger();
    const tree = path.join(proj, '.token-usage');
    fs.rmSync(tree, { recursive: true, force: true });
    const sync = JSON.parse(ok(['files', 'sync', '--db', ledger, '--all-projects', '--json']));
    expect(sync).toMatchObject({ root: tree, tasks: 4, unchanged: 0, removed: [] });
    const files = readTree(tree);
    // One day of BOTH's mismatch (declared 1,100 vs captured 4,135) is dated when it was recorded.
    const today = Object.keys(files).filter((f) => !/2026-11-2[01]/.test(f));
    expect(today).toEqual([
      expect.stringMatching(/^errors-\d{4}-\d\d-\d\d\.md$/),
      expect.stringMatching(/^usage-/),
    ]);
    expect(files[today[0] ?? '']).toContain('declared 1100 tokens, captured 4135 tokens (+276%');
    expect(Object.keys(files).filter((f) => /2026-11-2[01]/.test(f))).toEqual([
      'tasks/usage-2026-11-20-1100-CAP-1.json',
      'tasks/usage-2026-11-20-1430-DECL-1.json',
      'tasks/usage-2026-11-20-1800-BOTH.json',
      'tasks/usage-2026-11-21-0900-DECL-2.json',
      'usage-2026-11-20.md',
      'usage-2026-11-21.md',
    ]);

    // A task from `task start` with captured usage only: its title is the summary, its first usage the time.
    expect(JSON.parse(files['tasks/usage-2026-11-20-1100-CAP-1.json'] ?? '')).toEqual({
      task_id: 'CAP-1',
      timestamp: '2026-11-20T11:00:02Z',
      user_request_summary: 'Fix the checkout flow.',
      entries: [
        entry('Explore', 'claude-haiku-4-5-20251001', 308 + 3_040 + 3_000, 2, 0.004418),
        entry('main', 'claude-sonnet-4-5-20250929', 50 + 4_500 + 4_000, 230, 0.021675),
      ],
      totals: {
        total_tokens: 15_130,
        by_model: { 'claude-haiku-4-5-20251001': 6_350, 'claude-sonnet-4-5-20250929': 8_780 },
        by_agent: { Explore: 6_350, main: 8_780 },
        estimated_cost: 0.026093,
      },
      source: 'captured',
    });
    // Declared and captured: captured wins, the declaration (1,100 tokens, $0.50) counts nowhere.
    expect(JSON.parse(files['tasks/usage-2026-11-20-1800-BOTH.json'] ?? '')).toEqual({
      task_id: 'BOTH',
      timestamp: '2026-11-20T18:00:00Z',
      user_request_summary: 'Declared BOTH.',
      entries: [entry('main', 'claude-sonnet-4-5-20250929', 20 + 2_050 + 2_000, 65, 0.009323)],
      totals: {
        total_tokens: 4_135,
        by_model: { 'claude-sonnet-4-5-20250929': 4_135 },
        by_agent: { main: 4_135 },
        estimated_cost: 0.009323,
      },
      source: 'captured',
    });
    // Declared only: the declaration counts.
    expect(JSON.parse(files['tasks/usage-2026-11-20-1430-DECL-1.json'] ?? '')).toMatchObject({
      entries: [
        entry('build-lead', 'opus', 25_000, 8_000, 1.05),
        entry('ui-impl', 'sonnet', 30_000, 10_000, 0.6),
      ],
      totals: { total_tokens: 73_000, estimated_cost: 1.65 },
      source: 'declared',
    });

    // The day: every agent × model of the ledger, the tasks, and the 29,222 tokens of no task
    // (per-block-placeholder 4,727 + cost-state 24,495), none of them twice.
    expect(files['usage-2026-11-20.md']).toBe(SUMMARY_2026_11_20);
    expect(files['usage-2026-11-21.md']).toContain(
      '| scout | haiku | 1,000 | 200 | 1,200 | $0.0020 |\n\n## Top Expensive Tasks\n\n1. **DECL-2**:',
    );

    // The ledger agrees: `daily` counts the same tokens on 2026-11-20 (UTC).
    const daily = JSON.parse(
      ok([
        'daily',
        '--db',
        ledger,
        '--no-import',
        '--json',
        '--timezone',
        'UTC',
        '--since',
        '20261120',
        '--until',
        '20261120',
      ]),
    );
    expect(daily.totals.totalTokens).toBe(6_350 + 33_000 + 42_137 + 40_000);
    expect(73_000 + 15_130 + 4_135 + 29_222).toBe(daily.totals.totalTokens);

    // Deterministic: the same ledger gives the same bytes, and nothing is rewritten.
    const again = JSON.parse(ok(['files', 'sync', '--db', ledger, '--all-projects', '--json']));
    expect(again.written).toEqual([]);
    expect(readTree(tree)).toEqual(files);
  });

  it("a project's tree holds only that project's usage and declarations", async () => {
    await buildLedger();
    const tree = path.join(proj, '.token-usage');
    fs.rmSync(tree, { recursive: true, force: true });
    ok(['files', 'sync', '--db', ledger]);
    const files = readTree(tree);
    // The fixtures ran in /srv/app, /home/dev/...: not in this project. The declarations were made here.
    expect(Object.keys(files).filter((f) => f.startsWith('tasks/'))).toEqual([
      'tasks/usage-2026-11-20-1430-DECL-1.json',
      'tasks/usage-2026-11-20-1800-BOTH.json',
      'tasks/usage-2026-11-21-0900-DECL-2.json',
    ]);
    // BOTH's captured usage is elsewhere, and its declaration does not count: nothing of it here.
    expect(JSON.parse(files['tasks/usage-2026-11-20-1800-BOTH.json'] ?? '').totals.total_tokens).toBe(0);
    const day = files['usage-2026-11-20.md'] ?? '';
    expect(day).toContain('| build-lead | opus | 25,000 | 8,000 | 33,000 | $1.05 |\n| ui-impl | sonnet |');
    expect(day).not.toContain('claude-sonnet');
    expect(day).not.toContain('Unattributed');
  });

  it('flags an overrun in the daily summary at the configured overrunMultiple, not before', async () => {
    await buildLedger();
    const tree = path.join(proj, '.token-usage');
    // CAP-1 used 15,130 tokens against 8,000 estimated: 1.9×, below the default multiple (4×).
    ok(['files', 'sync', '--db', ledger, '--all-projects']);
    expect(readTree(tree)['usage-2026-11-20.md']).toContain('## Anomalies\n\n- None detected.\n');
    fs.writeFileSync(path.join(cli.root, 'config.json'), JSON.stringify({ overrunMultiple: 1.5 }));
    ok(['files', 'sync', '--db', ledger, '--all-projects']);
    expect(readTree(tree)['usage-2026-11-20.md']).toContain(
      '## Anomalies\n\n- CAP-1 passed its estimate: 15,130 tokens used against 8,000 tokens estimated (1.9×).\n',
    );
    fs.writeFileSync(path.join(cli.root, 'config.json'), JSON.stringify({ overrunMultiple: 2 }));
    ok(['files', 'sync', '--db', ledger, '--all-projects']);
    expect(readTree(tree)['usage-2026-11-20.md']).toContain('## Anomalies\n\n- None detected.\n');
  });

  it('says what to do when the ledger holds nothing for the project', () => {
    const r = cli.run(['files', 'sync', '--db', ledger]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      `No usage in the ledger for ${proj} yet: import Claude Code history (\`tokenledger import\`) or record usage-tracker telemetry (\`tokenledger record\`) first, or add --all-projects for every project.\n`,
    );
  });
});
