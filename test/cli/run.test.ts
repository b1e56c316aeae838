/**
 * `tokenledger run … -- CMD` as a user runs it: the built CLI wrapping a small fake "claude" (a node
 * script that prints a recorded stream-json/json output, appends a transcript under the Claude config
 * dir, writes to stderr and exits as told), real temp dirs and a real SQLite ledger.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { assistantLine, costStateLine } from '../../src/synthetic/transcript-lines.js';
import { type CliOptions, useSandbox } from '../helpers/cli.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../src/capture/claude/stream/__fixtures__');
const SONNET = 'claude-sonnet-4-5-20250929';
const HAIKU = 'claude-haiku-4-5-20251001';
const SESSION = '4a11ce00-0000-4000-8000-000000000001';
/** Stands for the time the fake command runs, in the transcript lines it writes. */
const NOW = '__NOW__';

/** The fake agent: does what its spec file says, in order. */
const FAKE = `
import fs from 'node:fs';
import path from 'node:path';
const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
if (spec.marker) fs.writeFileSync(spec.marker, 'ran');
const now = new Date().toISOString();
for (const w of spec.writes ?? []) {
  fs.mkdirSync(path.dirname(w.file), { recursive: true });
  fs.appendFileSync(w.file, w.lines.map((l) => l.split('${NOW}').join(now) + '\\n').join(''));
}
if (spec.printEnv) {
  const e = process.env;
  process.stdout.write(JSON.stringify({
    task: e.TOKENLEDGER_TASK ?? null,
    stage: e.TOKENLEDGER_STAGE ?? null,
    labels: e.TOKENLEDGER_LABELS ?? null,
  }) + '\\n');
}
if (spec.echoStdin) process.stdout.write(fs.readFileSync(0));
if (spec.stdoutFile) process.stdout.write(fs.readFileSync(spec.stdoutFile));
if (spec.stderr) process.stderr.write(spec.stderr);
if (spec.hang) {
  process.stdout.write('ready\\n');
  setInterval(() => {}, 1000);
  setTimeout(() => process.exit(99), 20000);
} else {
  process.stdout.write('', () => {
    if (spec.signal) process.kill(process.pid, spec.signal);
    else process.exitCode = spec.exit ?? 0;
  });
}
`;

const cli = useSandbox('tl-run-', { dirs: ['claude', 'tl', 'proj'], cwd: 'proj' });
let proj: string;
let fake: string;
let n = 0;
let specs = 0;

beforeEach(() => {
  proj = cli.path('proj');
  fake = cli.path('fake-claude.mjs');
  fs.writeFileSync(fake, FAKE);
});

function mainFile(session = SESSION): string {
  return path.join(cli.claude, 'projects', proj.replace(/[^a-zA-Z0-9]/g, '-'), `${session}.jsonl`);
}

function agentFile(agentId: string, session = SESSION): string {
  return path.join(path.dirname(mainFile(session)), session, 'subagents', `agent-${agentId}.jsonl`);
}

interface Usage {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  model?: string;
  agentId?: string;
}

/** One response's transcript line, stamped with the time the fake runs. */
function line(u: Usage, session = SESSION): string {
  n++;
  return assistantLine({
    env: {
      sessionId: session,
      cwd: proj,
      gitBranch: 'main',
      version: '2.1.330',
      isSidechain: u.agentId !== undefined,
      agentId: u.agentId,
    },
    uuid: `u-run-${n}`,
    parentUuid: null,
    timestamp: NOW,
    messageId: `msg_run_${n}`,
    requestId: `req_run_${n}`,
    model: u.model ?? SONNET,
    block: { type: 'text', text: 'ok' },
    blockIndex: 0,
    usage: {
      input: u.input,
      output: u.output,
      cacheWrite: u.cacheWrite ?? 0,
      cacheWrite1h: 0,
      cacheRead: u.cacheRead ?? 0,
      webSearch: 0,
    },
    output: u.output,
    stopReason: 'end_turn',
  });
}

interface FakeSpec {
  writes?: { file: string; lines: string[] }[];
  stdout?: string | Buffer;
  stderr?: string;
  exit?: number;
  signal?: NodeJS.Signals;
  printEnv?: boolean;
  echoStdin?: boolean;
  marker?: string;
  hang?: boolean;
}

/** The fake command line for a spec: `node fake-claude.mjs spec-N.json`. */
function fakeCommand(s: FakeSpec): string[] {
  specs++;
  const file = path.join(cli.root, `spec-${specs}.json`);
  let stdoutFile: string | undefined;
  if (s.stdout !== undefined) {
    stdoutFile = path.join(cli.root, `stdout-${specs}.bin`);
    fs.writeFileSync(stdoutFile, s.stdout);
  }
  const { stdout: _, ...rest } = s;
  fs.writeFileSync(file, JSON.stringify({ ...rest, stdoutFile }));
  return [process.execPath, fake, file];
}

/** `tokenledger run ARGS -- <fake command for SPEC>`. */
function run(args: string[], spec: FakeSpec, opts: CliOptions = {}) {
  return cli.runBytes(['run', ...args, '--', ...fakeCommand(spec)], opts);
}

/** A recorded Claude Code output with its session id replaced by `session`. */
function fixture(name: string, session = SESSION): string {
  const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
  const ids = new Set([...text.matchAll(/"session_id": ?"([0-9a-f-]{36})"/g)].map((m) => m[1] ?? ''));
  let out = text;
  for (const id of ids) out = out.split(id).join(session);
  return out;
}

interface TaskShow {
  task: { id: string; parent: string | null; title: string | null; estimate: { tokens: number | null } };
  totals: {
    inputTokens: number;
    outputTokens: number;
    cacheCreationTokens: number;
    cacheReadTokens: number;
    totalTokens: number;
    responses: number;
  };
  byModel: { model: string; inputTokens: number }[];
  children: { id: string; totalTokens: number }[];
  runs: {
    runs: number;
    numTurns: number;
    durationMs: number;
    durationApiMs: number;
    claudeCodeCostUsd: number | null;
  };
}

function show(id: string): TaskShow {
  return cli.json<TaskShow>(['task', 'show', id, '--json', '--no-import']);
}

function metrics(): Record<string, unknown>[] {
  const file = path.join(cli.tlHome, 'metrics.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Our own stderr lines (the child's come first and are compared separately). */
function ours(stderr: string, childStderr: string): string[] {
  expect(stderr.startsWith(childStderr), stderr).toBe(true);
  return stderr
    .slice(childStderr.length)
    .split('\n')
    .filter((l) => l !== '');
}

const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');

describe('tokenledger run: passthrough', () => {
  it('stdout passes through byte for byte (invalid UTF-8 and multi-byte text), stderr before our line', () => {
    const stream = Buffer.from(fixture('2.1.330-background-agent.unicode.stream-json.jsonl'), 'utf8');
    const lines = stream.toString('utf8').split('\n');
    // A line of invalid UTF-8 (a lone continuation byte, a truncated 3-byte sequence, 0xff) mid-stream.
    const bad = Buffer.from([0x80, 0x41, 0xe2, 0x82, 0x0a, 0xff, 0xfe, 0xc3, 0x28, 0x0a]);
    const head = Buffer.from(`${lines.slice(0, 5).join('\n')}\n`, 'utf8');
    const tail = Buffer.from(lines.slice(5).join('\n'), 'utf8');
    const stdout = Buffer.concat([head, bad, tail]);
    const childErr = 'warning: from the agent — ünïcödé ✓\n';
    const r = run(['--task', 'T-PASS'], {
      writes: [{ file: mainFile(), lines: [line({ input: 10, output: 5 })] }],
      stdout,
      stderr: childErr,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.equals(stdout)).toBe(true);
    const mine = ours(r.stderr, childErr);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.at(-1)).toMatch(/^tokenledger: run \$/);
    // Recorded from the result event despite the bad line.
    expect(show('T-PASS').runs).toMatchObject({ runs: 1, numTurns: 3 });
  });

  it('several MB of binary output pass through unchanged (sha256) and the run is still recorded', () => {
    const big = crypto.randomBytes(6 << 20);
    const r = run(['--task', 'T-BIG', '--quiet'], { stdout: big });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.length).toBe(big.length);
    expect(sha(r.stdout)).toBe(sha(big));
    expect(r.stderr).toBe('');
    expect(show('T-BIG').runs.runs).toBe(1);
  });

  it('stdin reaches the command', () => {
    const r = run(['--quiet'], { echoStdin: true }, { input: 'prompt from stdin ✓\n' });
    expect(r.status).toBe(0);
    expect(r.stdout.toString('utf8')).toBe('prompt from stdin ✓\n');
  });

  it.each([0, 3, 1])('exit code %i passes through', (code) => {
    const r = run(['--task', `T-EXIT-${code}`], { stdout: 'plain\n', stderr: `err ${code}\n`, exit: code });
    expect(r.status).toBe(code);
    expect(r.signal).toBeNull();
    expect(r.stdout.toString()).toBe('plain\n');
    expect(r.stderr.startsWith(`err ${code}\n`)).toBe(true);
  });

  it.each([
    'SIGTERM',
    'SIGKILL',
  ] as const)('a command killed by %s makes the wrapper die of the same signal', (sig) => {
    const r = run(['--task', 'T-SIG'], { stdout: 'partial output\n', signal: sig });
    expect(r.signal).toBe(sig);
    expect(r.status).toBeNull();
    expect(r.stdout.toString()).toBe('partial output\n');
    // The run was still recorded before the wrapper died.
    expect(show('T-SIG').runs.runs).toBe(1);
  });

  it('a SIGTERM sent to the wrapper alone is passed on to the command, and the wrapper dies of it', async () => {
    const child = cli.spawn(['run', '--quiet', '--', ...fakeCommand({ hang: true })], { stdin: 'ignore' });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the command never started')), 10_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (c, s) => resolve([c, s])),
    );
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('a reader that goes away (| head) does not stop the command: it is drained and its exit code kept', async () => {
    const big = crypto.randomBytes(4 << 20);
    const child = cli.spawn(
      ['run', '--task', 'T-HEAD', '--quiet', '--', ...fakeCommand({ stdout: big, exit: 5 })],
      {
        stdin: 'ignore',
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (c, s) => resolve([c, s])),
    );
    const outcome = await Promise.race([
      closed,
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 20_000)),
    ]);
    if (outcome === 'hung') {
      child.kill('SIGTERM'); // passed on to the command
      await closed;
    }
    expect(outcome).not.toBe('hung');
    const [code, signal] = outcome === 'hung' ? [null, null] : outcome;
    expect({ code, signal, stderr }).toEqual({ code: 5, signal: null, stderr: '' });
    expect(show('T-HEAD').runs.runs).toBe(1);
  });

  it('a command that does not exist gives 127 and a clear message', () => {
    const r = cli.runBytes(['run', '--task', 'T-NF', '--', 'tokenledger-no-such-command-xyz', '-p', 'hi']);
    expect(r.status).toBe(127);
    expect(r.stdout.toString()).toBe('');
    expect(r.stderr).toContain('cannot run "tokenledger-no-such-command-xyz": not found');
  });

  it('a command that is not executable gives 126 and a clear message', () => {
    const script = path.join(cli.root, 'not-executable.sh');
    fs.writeFileSync(script, '#!/bin/sh\necho hi\n', { mode: 0o644 });
    const r = cli.runBytes(['run', '--quiet', '--', script]);
    expect(r.status).toBe(126);
    expect(r.stdout.toString()).toBe('');
    expect(r.stderr).toMatch(/^tokenledger: cannot run ".*not-executable\.sh": .*EACCES/);
  });

  it.each([
    [['--task', 'T-1', '--estimate', 'abc'], /--estimate "abc" is not an estimate/],
    [['--task', 'T-1', '--estimate', '-5'], /is not an estimate|unknown option/],
    [['--task', 'a/b'], /--task "a\/b" contains a path separator/],
    [['--task', 'a\\b'], /contains a path separator/],
    [['--task', 'T\u0007x'], /contains a control character/],
    [['--estimate', '40k'], /name it with --task ID/],
    [['--parent', 'PLAN-1'], /name it with --task ID/],
    [['--label', 'nokey'], /--label "nokey" is not key=value/],
  ])('flag error %j exits 1 before running anything', (args, message) => {
    const marker = path.join(cli.root, 'ran.txt');
    const r = run(args, { marker, stdout: 'should not appear\n' });
    expect(r.status).toBe(1);
    expect(r.stdout.toString()).toBe('');
    expect(r.stderr).toMatch(message);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('--quiet prints nothing of ours: stderr is exactly the command’s', () => {
    const r = run(['--task', 'T-Q', '--estimate', '10', '--quiet'], {
      writes: [{ file: mainFile(), lines: [line({ input: 500, output: 50 })] }],
      stdout: fixture('2.1.197-single-turn.output-json.json'),
      stderr: 'child says hi\n',
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('child says hi\n');
    // Still recorded, with the metrics line.
    expect(show('T-Q').totals.inputTokens).toBe(500);
    expect(metrics()).toHaveLength(1);
  });
});

describe('tokenledger run: recording', () => {
  it('records the run from stream-json (turns, Claude Code cost) and the task gets exactly the transcript usage', () => {
    const transcript = [
      line({ input: 100, output: 20, cacheRead: 1000, cacheWrite: 200 }),
      line({ input: 37, output: 58, cacheRead: 9000, cacheWrite: 10000 }),
      costStateLine(SESSION, 0.04879325, {}),
    ];
    const sub = [
      line({ input: 311, output: 42, cacheRead: 4000, cacheWrite: 4033, model: HAIKU, agentId: 'ab12' }),
    ];
    const r = run(['--task', 'T-REC', '--stage', 'implement'], {
      writes: [
        { file: mainFile(), lines: transcript },
        { file: agentFile('ab12'), lines: sub },
      ],
      stdout: fixture('2.1.330-background-agent.stream-json.jsonl'),
    });
    expect(r.status, r.stderr).toBe(0);
    const s = show('T-REC');
    expect(s.totals).toMatchObject({
      inputTokens: 100 + 37 + 311,
      outputTokens: 20 + 58 + 42,
      cacheReadTokens: 1000 + 9000 + 4000,
      cacheCreationTokens: 200 + 10000 + 4033,
      responses: 3,
    });
    expect(s.byModel.map((m) => [m.model, m.inputTokens]).sort()).toEqual([
      [HAIKU, 311],
      [SONNET, 137],
    ]);
    // Two result events: 2 + 1 turns; the cost is the last (cumulative) total, taken once.
    expect(s.runs.runs).toBe(1);
    expect(s.runs.numTurns).toBe(3);
    expect(s.runs.claudeCodeCostUsd).toBeCloseTo(0.04879325, 9);
    const mine = ours(r.stderr, '');
    expect(mine.at(-1)).toMatch(
      /^tokenledger: run \$[\d.]+ · 448 in, 120 out, 14\.0K cache read \([\d.]+% hit\) · Claude Code says \$0\.05 · T-REC \$[\d.]+, 28\.8K tokens$/,
    );
    // A second import does not count anything twice.
    const again = cli.runBytes(['task', 'show', 'T-REC', '--json']);
    expect((JSON.parse(again.stdout.toString()) as TaskShow).totals.responses).toBe(3);
  });

  it('--output-format json output is recorded too', () => {
    const r = run(['--task', 'T-JSON'], {
      writes: [{ file: mainFile(), lines: [line({ input: 1234, output: 56 })] }],
      stdout: fixture('2.1.197-single-turn.output-json.json'),
    });
    expect(r.status, r.stderr).toBe(0);
    const s = show('T-JSON');
    expect(s.runs).toMatchObject({ runs: 1, numTurns: 1, durationMs: 100, durationApiMs: 34 });
    expect(s.runs.claudeCodeCostUsd).toBeCloseTo(0.02022, 9);
    expect(s.totals.inputTokens).toBe(1234);
  });

  it('plain text output (no JSON) passes through unchanged and the usage still comes from the transcript', () => {
    const text = 'Here is the answer.\nNo JSON at all — just text.\n';
    const r = run(['--task', 'T-TEXT'], {
      writes: [{ file: mainFile(), lines: [line({ input: 70, output: 7 }), line({ input: 30, output: 3 })] }],
      stdout: text,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.toString('utf8')).toBe(text);
    const s = show('T-TEXT');
    expect(s.totals).toMatchObject({ inputTokens: 100, outputTokens: 10, responses: 2 });
    expect(s.runs.runs).toBe(1);
    expect(s.runs.claudeCodeCostUsd).toBeNull();
    expect(ours(r.stderr, '').at(-1)).toMatch(/^tokenledger: run \$[\d.]+ · 100 in, 10 out/);
  });

  it('plain text output: a session the previous step wrote just before the run is not taken for this run’s', () => {
    const previous = '4a11ce00-0000-4000-8000-00000000000a';
    const mine = '4a11ce00-0000-4000-8000-00000000000b';
    const r1 = run(['--task', 'T-PREV'], {
      writes: [{ file: mainFile(previous), lines: [line({ input: 7000, output: 700 }, previous)] }],
      stdout: fixture('2.1.197-single-turn.output-json.json', previous),
    });
    expect(r1.status, r1.stderr).toBe(0);
    const r2 = run(['--task', 'T-PLAIN'], {
      writes: [{ file: mainFile(mine), lines: [line({ input: 20, output: 2 }, mine)] }],
      stdout: 'just text\n',
    });
    expect(r2.status, r2.stderr).toBe(0);
    expect(show('T-PLAIN').totals.inputTokens).toBe(20);
    expect(metrics()[1]).toMatchObject({ task: 'T-PLAIN', session: mine, sessions: [mine], actual: 22 });
    expect(ours(r2.stderr, '').at(-1)).toMatch(/^tokenledger: run \$[\d.]+ · 20 in, 2 out,/);
  });

  it('passes TOKENLEDGER_TASK/STAGE/LABELS to the command', () => {
    const r = run(
      [
        '--task',
        'T-ENV',
        '--stage',
        'review',
        '--label',
        'category=tooling',
        '--label',
        'team=core',
        '--quiet',
      ],
      { printEnv: true },
    );
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.toString())).toEqual({
      task: 'T-ENV',
      stage: 'review',
      labels: 'category=tooling,team=core',
    });
  });

  it('takes the task from TOKENLEDGER_TASK, else from the project’s active task', () => {
    const fromEnv = run(['--quiet'], { printEnv: true }, { env: { TOKENLEDGER_TASK: 'T-FROM-ENV' } });
    expect(JSON.parse(fromEnv.stdout.toString()).task).toBe('T-FROM-ENV');
    expect(show('T-FROM-ENV').runs.runs).toBe(1);

    const start = cli.runBytes(['task', 'start', 'T-ACTIVE', '--project', proj]);
    expect(start.status, start.stderr).toBe(0);
    const r = run(['--quiet'], {
      printEnv: true,
      writes: [{ file: mainFile(), lines: [line({ input: 9, output: 1 })] }],
    });
    expect(JSON.parse(r.stdout.toString().split('\n')[0] ?? '').task).toBe('T-ACTIVE');
    const s = show('T-ACTIVE');
    expect(s.runs.runs).toBe(1);
    expect(s.totals.inputTokens).toBe(9);
  });

  it('--parent and --title describe the task; the plan rolls up its run', () => {
    const r = run(['--task', 'T-CHILD', '--parent', 'PLAN-1', '--title', 'fix the bug', '--quiet'], {
      writes: [{ file: mainFile(), lines: [line({ input: 40, output: 2 })] }],
    });
    expect(r.status, r.stderr).toBe(0);
    const child = show('T-CHILD');
    expect(child.task).toMatchObject({ parent: 'PLAN-1', title: 'fix the bug' });
    // A second run that writes no transcript: no session of its own, but the standing of the task
    // and its plan.
    expect(cli.runBytes(['run', '--task', 'T-CHILD', '--', ...fakeCommand({})]).stderr).toMatch(
      /^tokenledger: no Claude Code session found for this run · T-CHILD \$[\d.]+, 42 tokens · plan PLAN-1 \$[\d.]+, 42 tokens\n$/,
    );
    const plan = show('PLAN-1');
    expect(plan.totals.inputTokens).toBe(40);
    expect(plan.children.map((c) => [c.id, c.totalTokens])).toEqual([['T-CHILD', 42]]);
  });

  it('two runs of a resumed session give each task only its own run’s Claude Code cost and usage', () => {
    const [first, second] = fixture('2.1.330-resume.results.jsonl').trim().split('\n');
    const total1 = 0.050347499999999996;
    const total2 = 0.054772499999999995;
    const r1 = run(['--task', 'T-R1'], {
      writes: [
        {
          file: mainFile(),
          lines: [
            line({ input: 70, output: 65, cacheRead: 12000, cacheWrite: 12150 }),
            costStateLine(SESSION, total1, {}),
          ],
        },
      ],
      stdout: `${first}\n`,
    });
    expect(r1.status, r1.stderr).toBe(0);
    const r2 = run(['--task', 'T-R2'], {
      writes: [
        {
          file: mainFile(),
          lines: [
            line({ input: 10, output: 30, cacheRead: 12150, cacheWrite: 80 }),
            costStateLine(SESSION, total2, {}),
          ],
        },
      ],
      stdout: `${second}\n`,
    });
    expect(r2.status, r2.stderr).toBe(0);
    const a = show('T-R1');
    const b = show('T-R2');
    expect(a.runs.claudeCodeCostUsd).toBeCloseTo(total1, 9);
    expect(b.runs.claudeCodeCostUsd).toBeCloseTo(total2 - total1, 9);
    expect(a.totals).toMatchObject({ inputTokens: 70, outputTokens: 65, responses: 1 });
    expect(b.totals).toMatchObject({ inputTokens: 10, outputTokens: 30, responses: 1 });
    expect(ours(r2.stderr, '').at(-1)).toContain('Claude Code says $0.0044');
  });

  it('--estimate sets the estimate; past 4× an overrun warning follows the running total', () => {
    const under = run(['--task', 'T-EST', '--estimate', '1k'], {
      writes: [{ file: mainFile(), lines: [line({ input: 300, output: 20 })] }],
    });
    expect(under.status, under.stderr).toBe(0);
    expect(show('T-EST').task.estimate.tokens).toBe(1000);
    expect(under.stderr).not.toContain('⚠');
    expect(ours(under.stderr, '').at(-1)).toMatch(/T-EST \$[\d.]+, 320 tokens of 1\.0K tokens$/);

    const over = run(['--task', 'T-EST'], {
      writes: [{ file: mainFile(), lines: [line({ input: 4000, output: 180 })] }],
    });
    expect(over.status, over.stderr).toBe(0);
    const mine = ours(over.stderr, '');
    expect(mine.at(-1)).toBe(
      'tokenledger: ⚠ task T-EST is at 4.5× its estimate (4.5K of 1.0K tokens; warning from 4×)',
    );
    expect(mine.at(-2)).toMatch(/^tokenledger: run .* · T-EST \$[\d.]+, 4\.5K tokens of 1\.0K tokens$/);
  });

  it('appends one metrics line (event "run") per run to $TOKENLEDGER_HOME/metrics.jsonl', () => {
    run(['--task', 'T-MET', '--estimate', '100'], {
      writes: [{ file: mainFile(), lines: [line({ input: 150, output: 50 })] }],
      stdout: fixture('2.1.197-single-turn.output-json.json'),
    });
    const other = '4a11ce00-0000-4000-8000-000000000002';
    run(['--task', 'T-MET'], {
      writes: [{ file: mainFile(other), lines: [line({ input: 10, output: 0 }, other)] }],
      stdout: fixture('2.1.197-single-turn.output-json.json', other),
    });
    const m = metrics();
    expect(m).toHaveLength(2);
    expect(m[0]).toMatchObject({
      event: 'run',
      task: 'T-MET',
      session: SESSION,
      actual: 200,
      estimated: 100,
      taskActual: 200,
      variance: '+100%',
      inputTokens: 150,
      outputTokens: 50,
      apiCalls: 1,
    });
    expect(m[0]?.claudeCodeCostUsd).toBeCloseTo(0.02022, 9);
    expect(m[0]?.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(m[1]).toMatchObject({
      event: 'run',
      task: 'T-MET',
      session: other,
      actual: 10,
      taskActual: 210,
      variance: '+110%',
    });
  });

  it('a resumed session run right after the previous one counts only its own usage in the running total and metrics', () => {
    // A pipeline resumes the session as soon as the previous step exits: the previous run's last
    // response is then only milliseconds before this run starts.
    const r1 = run(['--task', 'T-STEP1'], {
      writes: [{ file: mainFile(), lines: [line({ input: 5000, output: 500 })] }],
    });
    expect(r1.status, r1.stderr).toBe(0);
    const r2 = run(['--task', 'T-STEP2'], {
      writes: [{ file: mainFile(), lines: [line({ input: 10, output: 30 })] }],
    });
    expect(r2.status, r2.stderr).toBe(0);
    // Attribution is right: each task has its own run's usage …
    expect(show('T-STEP1').totals.inputTokens).toBe(5000);
    expect(show('T-STEP2').totals.inputTokens).toBe(10);
    // … and so must the run's own figures be.
    expect(ours(r2.stderr, '').at(-1)).toMatch(/^tokenledger: run \$[\d.]+ · 10 in, 30 out,/);
    expect(metrics()[1]).toMatchObject({ event: 'run', task: 'T-STEP2', actual: 40, apiCalls: 1 });
  });
});
