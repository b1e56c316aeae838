/**
 * `tokenledger forget` through the built CLI, with real transcripts under a temp Claude dir and a real
 * SQLite ledger: a task and what was added for it, declared telemetry, hook and run attribution, and
 * a time range of API calls from transcripts. A dry run (the default) changes nothing and says exactly
 * what `--yes` does; forgotten API calls stay forgotten through a re-import of a rewritten transcript
 * and through import-jsonl, and a task declared again by hand comes back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assistantLine } from '../../src/synthetic/transcript-lines.js';
import { useSandbox } from '../helpers/cli.js';

const SONNET = 'claude-sonnet-4-5-20250929';

const cli = useSandbox('tl-forget-', { dirs: ['claude', 'tl'] });
let n = 0;

function project(name: string): string {
  const dir = path.join(cli.root, 'projects', name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function sessionOf(dir: string): string {
  const hex = Buffer.from(path.basename(dir)).toString('hex').padEnd(12, '0').slice(0, 12);
  return `f0f00000-0000-4000-8000-${hex}`;
}

function transcript(dir: string, session = sessionOf(dir)): string {
  return path.join(cli.claude, 'projects', dir.replace(/[^a-zA-Z0-9]/g, '-'), `${session}.jsonl`);
}

/** One response line in `dir`'s session. */
function line(dir: string, o: { input: number; output?: number; at?: number; session?: string }): string {
  n++;
  const output = o.output ?? 0;
  return `${assistantLine({
    env: {
      sessionId: o.session ?? sessionOf(dir),
      cwd: dir,
      gitBranch: 'main',
      version: '2.1.330',
      isSidechain: false,
    },
    uuid: `u-forget-${n}`,
    parentUuid: null,
    timestamp: new Date(o.at ?? Date.now()).toISOString(),
    messageId: `msg_forget_${n}`,
    requestId: `req_forget_${n}`,
    model: SONNET,
    block: { type: 'text', text: 'ok' },
    blockIndex: 0,
    usage: { input: o.input, output, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0 },
    output,
    stopReason: 'end_turn',
  })}\n`;
}

function respond(dir: string, o: { input: number; output?: number; at?: number; session?: string }): void {
  const file = transcript(dir, o.session);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, line(dir, o));
}

interface Totals {
  totalTokens: number;
  responses: number;
  totalCost: number;
}

function totals(): Totals {
  const t = cli.json<{ totals: Totals }>(['daily', '--json']).totals;
  return { totalTokens: t.totalTokens, responses: t.responses, totalCost: t.totalCost };
}

function byTask(): Record<string, number> {
  const rows = cli.json<{ rows: { task: string; totalTokens: number }[] }>([
    'report',
    '--by',
    'task',
    '--json',
  ]).rows;
  return Object.fromEntries(rows.map((r) => [r.task, r.totalTokens]));
}

function taskIds(): string[] {
  return cli.json<{ tasks: { id: string }[] }>(['task', 'list', '--json']).tasks.map((t) => t.id);
}

interface ForgetJson {
  dryRun: boolean;
  tasks: { id: string; estimate: { tokens: number | null } }[];
  children: { id: string; parent: string | null }[];
  spans: Record<string, number>;
  runs: { count: number };
  declared: { taskIds: string[]; entries: number; counted: { totalTokens: number } };
  errorLogEntries: number;
  apiCalls: { responses: number; totalTokens: number; totalCost: number };
  remembered: number;
  reattributed: { from: string | null; to: string | null; responses: number; totalTokens: number }[];
  ledgerChange: { responses: number; totalTokens: number; totalCost: number };
}

const TELEMETRY = (task: string, tokens: number) =>
  JSON.stringify({
    mode: 'log_only',
    task_id: task,
    timestamp: '2026-11-20T12:00:00Z',
    user_request_summary: 'Declared by hand.',
    entries: [
      {
        agent: 'build-lead',
        model: 'opus',
        input_tokens: tokens,
        output_tokens: 0,
        total_tokens: tokens,
        estimated_cost: 0.5,
      },
    ],
  });

describe('forget a task', () => {
  it('a dry run by default changes nothing; --yes removes the task, its spans and estimate; its usage stays, unattributed', () => {
    const app = project('app');
    cli.ok(['task', 'start', 'PLAN-1', '--project', app]);
    cli.ok(['task', 'start', 'T-1', '--parent', 'PLAN-1', '--estimate', '40k', '--project', app]);
    respond(app, { input: 1000, output: 200 });
    cli.ok(['task', 'stop', '--project', app]);
    cli.ok(['task', 'start', 'T-2', '--parent', 'T-1', '--project', app]);
    cli.ok(['task', 'stop', '--project', app]);
    respond(app, { input: 7, at: Date.now() + 60_000 }); // after every span: no task
    const before = totals();
    expect(byTask()).toMatchObject({ 'T-1': 1200 });

    const dry = cli.json<ForgetJson>(['forget', '--task', 'T-1', '--json']);
    expect(dry).toMatchObject({
      dryRun: true,
      tasks: [{ id: 'T-1', estimate: { tokens: 40000 } }],
      children: [{ id: 'T-2', parent: 'PLAN-1' }],
      spans: { task: 1 },
      runs: { count: 0 },
      apiCalls: { responses: 0, totalTokens: 0 },
      remembered: 0,
      reattributed: [{ from: 'T-1', to: null, responses: 1, totalTokens: 1200 }],
      ledgerChange: { responses: 0, totalTokens: 0, totalCost: 0 },
    });
    expect(byTask()).toMatchObject({ 'T-1': 1200 });
    expect(taskIds()).toContain('T-1');

    const text = cli.ok(['forget', '--task', 'T-1']);
    expect(text).toContain('Would forget (a dry run: nothing was changed; run it again with --yes');
    expect(text).toContain('task T-1 (estimate 40,000 tokens)');
    expect(text).toContain('Stays in the ledger, leaves T-1 to no task: 1 API call, 1,200 tokens');
    expect(text).toContain('Child task T-2 moves up to PLAN-1.');
    expect(text).toContain("The ledger's totals stay the same");

    const done = cli.json<ForgetJson>(['forget', '--task', 'T-1', '--yes', '--json']);
    expect({ ...done, dryRun: true }).toEqual(dry);
    expect(totals()).toEqual(before);
    expect(byTask()['T-1']).toBeUndefined();
    const list = cli.json<{ tasks: { id: string; parent: string | null }[] }>([
      'task',
      'list',
      '--json',
    ]).tasks;
    expect(list.map((t) => t.id).sort()).toEqual(['PLAN-1', 'T-2']);
    expect(list.find((t) => t.id === 'T-2')?.parent).toBe('PLAN-1');
    // Gone means gone: forgetting it again finds nothing.
    expect(cli.ok(['forget', '--task', 'T-1'])).toBe(
      'Nothing to forget: the ledger has no task T-1 (`tokenledger task list` shows them).\n',
    );
  });

  it('a task with declared telemetry: the declaration goes, and the totals say so', () => {
    cli.ok(['record'], { input: TELEMETRY('D-1', 5000) });
    expect(totals().totalTokens).toBe(5000);
    const done = cli.json<ForgetJson>(['forget', '--task', 'D-1', '--yes', '--json']);
    expect(done).toMatchObject({
      dryRun: false,
      tasks: [],
      declared: { taskIds: ['D-1'], entries: 1, counted: { totalTokens: 5000 } },
      ledgerChange: { responses: -1, totalTokens: -5000, totalCost: -0.5 },
    });
    expect(totals()).toEqual({ totalTokens: 0, responses: 0, totalCost: 0 });
  });
});

describe('forget declared telemetry', () => {
  it('of one task, or all; import-jsonl of an older export does not bring it back; recording it again does', () => {
    cli.ok(['record'], { input: TELEMETRY('D-1', 5000) });
    cli.ok(['record'], { input: TELEMETRY('D-2', 300) });
    const dir = path.join(cli.root, 'jsonl');
    cli.ok(['export', '--jsonl', dir]);

    const one = cli.json<ForgetJson>(['forget', '--source', 'telemetry', '--task', 'D-2', '--yes', '--json']);
    expect(one.declared).toMatchObject({ taskIds: ['D-2'], entries: 1 });
    expect(totals().totalTokens).toBe(5000);
    const all = cli.json<ForgetJson>(['forget', '--source', 'telemetry', '--yes', '--json']);
    expect(all.declared.taskIds).toEqual(['D-1']);
    expect(totals().totalTokens).toBe(0);

    const back = cli.json<{ forgotten: number; merged: number }>(['import-jsonl', dir, '--json']);
    expect(back.forgotten).toBe(2);
    expect(totals().totalTokens).toBe(0);

    cli.ok(['record'], { input: TELEMETRY('D-2', 300) });
    expect(totals().totalTokens).toBe(300);
  });
});

describe('forget a time range of API calls from transcripts', () => {
  it('removes exactly that range; a rewritten transcript and import-jsonl do not bring it back', () => {
    const app = project('app');
    respond(app, { input: 100, at: Date.parse('2026-11-19T12:00:00Z') });
    respond(app, { input: 2000, output: 30, at: Date.parse('2026-11-20T09:00:00Z') });
    respond(app, { input: 400, at: Date.parse('2026-11-20T23:59:00Z') });
    respond(app, { input: 50000, at: Date.parse('2026-11-21T00:00:00Z') });
    const dir = path.join(cli.root, 'jsonl');
    cli.ok(['export', '--jsonl', dir]);
    const range = ['--source', 'claude', '--since', '2026-11-20', '--until', '2026-11-20'];

    const dry = cli.json<ForgetJson>(['forget', ...range, '--json']);
    expect(dry.apiCalls).toMatchObject({ responses: 2, totalTokens: 2430 });
    expect(dry.ledgerChange).toMatchObject({ responses: -2, totalTokens: -2430 });
    expect(dry.remembered).toBe(2);
    expect(totals().totalTokens).toBe(52530);

    expect(cli.ok(['forget', ...range, '--yes'])).toContain(
      '2 API calls, 2,430 tokens, $0.0077 read from transcripts (remembered as forgotten, so no import brings them back)',
    );
    const after = { totalTokens: 50100, responses: 2 };
    expect(totals()).toMatchObject(after);
    expect(cli.ok(['status'])).toContain('Holds:        2 API calls in 1 sessions');
    expect(cli.ok(['status'])).toContain('(2 forgotten, which imports skip)');

    // The transcript is rewritten (compaction): read again from the start, the forgotten calls are skipped.
    const file = transcript(app);
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, `${text.trim().split('\n').reverse().join('\n')}\n`);
    const imported = cli.json<{ records: number; added: number; forgotten: number }>(['import', '--json']);
    expect(imported).toMatchObject({ records: 4, added: 0, forgotten: 2 });
    expect(cli.ok(['import'])).toMatch(/Nothing new/);
    expect(totals()).toMatchObject(after);

    const back = cli.json<{ forgotten: number }>(['import-jsonl', dir, '--json']);
    // The two calls' usage lines and their activity lines.
    expect(back.forgotten).toBe(4);
    expect(totals()).toMatchObject(after);

    // New usage in the same range still counts: only what was there is forgotten.
    respond(app, { input: 9, at: Date.parse('2026-11-20T10:00:00Z') });
    expect(totals()).toMatchObject({ totalTokens: 50109, responses: 3 });
  });

  it('with --task: only the task’s own calls', () => {
    const app = project('app');
    cli.ok(['task', 'start', 'T-1', '--project', app]);
    respond(app, { input: 300 });
    cli.ok(['task', 'stop', '--project', app]);
    respond(app, { input: 5, at: Date.now() + 60_000 });
    const done = cli.json<ForgetJson>(['forget', '--source', 'claude', '--task', 'T-1', '--yes', '--json']);
    expect(done.apiCalls).toMatchObject({ responses: 1, totalTokens: 300 });
    expect(totals()).toMatchObject({ totalTokens: 5, responses: 1 });
    expect(taskIds()).toEqual(['T-1']);
  });
});

describe('forget hook and run attribution', () => {
  it('--source hook: the task hooks gave a session goes; the usage stays, on no task', () => {
    const app = project('app');
    const session = sessionOf(app);
    const hook = (event: Record<string, unknown>) =>
      cli.ok(['hook'], {
        input: JSON.stringify({ session_id: session, transcript_path: transcript(app), cwd: app, ...event }),
        env: { TOKENLEDGER_TASK: 'H-1' },
      });
    hook({ hook_event_name: 'SessionStart', source: 'startup' });
    respond(app, { input: 700 });
    hook({ hook_event_name: 'Stop' });
    expect(byTask()).toMatchObject({ 'H-1': 700 });
    const done = cli.json<ForgetJson>(['forget', '--source', 'hook', '--yes', '--json']);
    expect(done).toMatchObject({
      spans: { hook: 1 },
      reattributed: [{ from: 'H-1', to: null, responses: 1, totalTokens: 700 }],
      ledgerChange: { responses: 0, totalTokens: 0 },
    });
    expect(byTask()['H-1']).toBeUndefined();
    expect(totals().totalTokens).toBe(700);
  });

  it('--source run: the results `run` recorded', () => {
    cli.ok(['run', '--task', 'R-1', '-q', '--', process.execPath, '-e', '']);
    const dry = cli.json<ForgetJson>(['forget', '--source', 'run', '--json']);
    expect(dry.runs.count).toBe(1);
    cli.ok(['forget', '--source', 'run', '--yes']);
    expect(cli.json<ForgetJson>(['forget', '--source', 'run', '--json']).runs.count).toBe(0);
    expect(cli.ok(['forget', '--source', 'run'])).toBe(
      'Nothing to forget: no `run` results or run attribution.\n',
    );
  });
});

describe('forget: bad usage', () => {
  it.each([
    [[], 'say what to forget: --task ID'],
    [['--since', '2026-11-01'], '--since and --until choose a time range of a source'],
    [['--task', 'T', '--dry-run', '--yes'], 'choose --dry-run'],
    [['--source', 'everything'], "argument 'everything' is invalid"],
    [['--source', 'claude', '--since', '2026-11-02', '--until', '2026-11-01'], 'is after --until'],
  ])('forget %j is an error (exit 1)', (args, message) => {
    const r = cli.run(['forget', ...args]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });
});
