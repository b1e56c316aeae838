/**
 * The library's run helper with a fake "claude" (a node script that appends its transcript under the
 * Claude config dir and prints a recorded stream-json output), recording into a real SQLite ledger.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { runClaude } from '../../src/api/run-claude.js';
import { parseClaudeOutput } from '../../src/capture/claude/stream/index.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import { assistantLine } from '../../src/synthetic/transcript-lines.js';
import { useSandbox } from '../helpers/cli.js';

const FIXTURE = path.resolve(
  import.meta.dirname,
  '../../src/capture/claude/stream/__fixtures__/2.1.197-single-turn.stream-json.jsonl',
);
const SESSION = '4a11ce00-0000-4000-8000-0000000000a1';

const FAKE = `
import fs from 'node:fs';
import path from 'node:path';
const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
fs.mkdirSync(path.dirname(spec.file), { recursive: true });
const now = new Date().toISOString();
fs.appendFileSync(spec.file, spec.lines.map((l) => l.split('__NOW__').join(now) + '\\n').join(''));
process.stdout.write(fs.readFileSync(spec.stdoutFile), () => { process.exitCode = spec.exit ?? 0; });
`;

const cli = useSandbox('tl-api-run-', { dirs: ['claude', 'proj'] });
let proj: string;
let ledger: string;
let fake: string;

beforeEach(() => {
  proj = cli.path('proj');
  ledger = cli.path('tl', 'ledger.db');
  fake = cli.path('fake-claude.mjs');
  fs.writeFileSync(fake, FAKE);
});

function spec(inputs: number[], exit = 0): string {
  const text = fs.readFileSync(FIXTURE, 'utf8');
  const ids = new Set([...text.matchAll(/"session_id": ?"([0-9a-f-]{36})"/g)].map((m) => m[1] ?? ''));
  let out = text;
  for (const id of ids) out = out.split(id).join(SESSION);
  const stdoutFile = path.join(cli.root, 'stdout.jsonl');
  fs.writeFileSync(stdoutFile, out);
  const file = path.join(cli.claude, 'projects', proj.replace(/[^a-zA-Z0-9]/g, '-'), `${SESSION}.jsonl`);
  const lines = inputs.map((input, i) =>
    assistantLine({
      env: { sessionId: SESSION, cwd: proj, gitBranch: 'main', version: '2.1.330', isSidechain: false },
      uuid: `u-${i}`,
      parentUuid: null,
      timestamp: '__NOW__',
      messageId: `msg_api_${i}`,
      requestId: `req_api_${i}`,
      model: 'claude-sonnet-4-5-20250929',
      block: { type: 'text', text: 'ok' },
      blockIndex: 0,
      usage: { input, output: 7, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 100, webSearch: 0 },
      output: 7,
      stopReason: 'end_turn',
    }),
  );
  const specFile = path.join(cli.root, 'spec.json');
  fs.writeFileSync(specFile, JSON.stringify({ file, lines, stdoutFile, exit }));
  return specFile;
}

describe('runClaude', () => {
  it('returns the parsed usage and tees the output, recording nothing unless asked', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const run = await runClaude({
      command: process.execPath,
      args: [fake, spec([10, 20], 4)],
      cwd: proj,
      env: cli.env(),
      stdin: 'ignore',
      stdout: out,
      forwardSignals: false,
    });
    expect(run.exitCode).toBe(4);
    expect(run.recorded).toBeNull();
    expect(run.summary).toBeNull();
    expect(run.recordError).toBeNull();
    expect(Buffer.concat(chunks).toString('utf8')).toBe(
      fs.readFileSync(path.join(cli.root, 'stdout.jsonl'), 'utf8'),
    );
    expect(run.result).toEqual(parseClaudeOutput(Buffer.concat(chunks)));
    expect(run.result.sessionId).toBe(SESSION);
    expect(fs.existsSync(ledger)).toBe(false);
  });

  it('records the run on the task and stage: the transcript usage, once, and Claude Code’s figures beside it', async () => {
    const run = await runClaude({
      command: process.execPath,
      args: [fake, spec([10, 20, 30])],
      cwd: proj,
      env: cli.env(),
      stdin: 'ignore',
      forwardSignals: false,
      record: { ledger, task: 'T-API', stage: 'implement', labels: { kind: 'bug' } },
    });
    expect(run.recordError).toBeNull();
    expect(run.context).toEqual({ taskId: 'T-API', stage: 'implement', labels: { kind: 'bug' } });
    expect(run.recorded?.sessionIds).toEqual([SESSION]);
    // The running total `tokenledger run` prints, as data.
    expect(run.summary?.taskId).toBe('T-API');
    expect(run.summary?.sessions).toEqual([SESSION]);
    expect(run.summary?.claudeCodeCostUsd).toBe(run.recorded?.claudeCostUsd);
    const usage = run.summary?.usage;
    expect([usage?.inputTokens, usage?.outputTokens, usage?.cacheReadTokens, usage?.apiCalls]).toEqual([
      60, 21, 300, 3,
    ]);
    expect(usage?.totalTokens).toBe(381);
    expect(usage?.cacheHitRate).toBeCloseTo(300 / 360, 10);
    expect(usage?.costUsd).toBeGreaterThan(0);
    expect(run.summary?.tasks.map((t) => [t.id, t.totalTokens, t.overrun])).toEqual([['T-API', 381, false]]);
    expect(run.summary?.warnings).toEqual([]);
    const store = SqliteStore.open(ledger);
    try {
      const rows = await store.groups({ dimensions: ['task', 'stage'], filter: {} });
      const byKey = rows.map((r) => [r.values.task, r.values.stage, r.input, r.output, r.cacheRead]);
      expect(byKey).toEqual([['T-API', 'implement', 60, 21, 300]]);
      expect((await store.task('T-API'))?.project).toBe(proj);
      const runs = await store.runs({ tasks: ['T-API'] });
      expect(runs).toHaveLength(1);
      expect(runs[0]?.costUsd).toBe(run.result.totalCostUsd);
    } finally {
      await store.close();
    }
  });

  it('a command that cannot start is reported, not thrown, and nothing is recorded', async () => {
    const run = await runClaude({
      command: path.join(cli.root, 'no-such-claude'),
      args: ['-p', 'hi'],
      cwd: proj,
      env: cli.env(),
      stdin: 'ignore',
      record: { ledger, task: 'T-NONE' },
    });
    expect(run.spawnError?.code).toBe('ENOENT');
    expect(run.recorded).toBeNull();
  });

  it('refuses a task id that could escape into file names', async () => {
    await expect(
      runClaude({ command: process.execPath, args: ['-e', '0'], record: { ledger, task: '../../x' } }),
    ).rejects.toThrow(/task/);
  });

  it('refuses labels that would not round-trip through TOKENLEDGER_LABELS', async () => {
    await expect(
      runClaude({ command: process.execPath, args: ['-e', '0'], record: { ledger, labels: { a: 'x,y' } } }),
    ).rejects.toThrow(/labels/);
  });

  it('reads the config file from the run’s environment (TOKENLEDGER_CONFIG), not this process’s', async () => {
    const config = path.join(cli.root, 'config.json');
    fs.writeFileSync(config, JSON.stringify({ machine: 'build-box-7' }));
    const run = await runClaude({
      command: process.execPath,
      args: [fake, spec([5])],
      cwd: proj,
      env: cli.env({ TOKENLEDGER_CONFIG: config }),
      stdin: 'ignore',
      forwardSignals: false,
      record: { ledger, task: 'T-CFG' },
    });
    expect(run.recordError).toBeNull();
    const store = SqliteStore.open(ledger);
    try {
      const rows = await store.groups({ dimensions: ['machine'], filter: {} });
      expect(rows.map((r) => r.values.machine)).toEqual(['build-box-7']);
    } finally {
      await store.close();
    }
  });
});
