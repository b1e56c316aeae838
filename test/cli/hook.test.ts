/**
 * `tokenledger hook` as Claude Code runs it: the built CLI, a hook JSON on stdin, real transcript
 * files and a real SQLite ledger. Every call must exit 0 and print nothing (bar one overrun
 * `systemMessage`), whatever it is given.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { assistantLine, type LineEnvelope } from '../../src/synthetic/transcript-lines.js';
import { type CliResult, type EnvVars, useSandbox } from '../helpers/cli.js';

const SONNET = 'claude-sonnet-4-5-20250929';
const HAIKU = 'claude-haiku-4-5-20251001';
const SESSION = '5e55e55e-0000-4000-8000-000000000001';

const cli = useSandbox('tl-hook-', { dirs: ['claude', 'tl', 'proj'], cwd: 'proj' });
let proj: string;
let n = 0;

beforeEach(() => {
  proj = cli.path('proj');
});

function config(c: Record<string, unknown>): void {
  fs.writeFileSync(path.join(cli.tlHome, 'config.json'), JSON.stringify(c));
}

function mainFile(session = SESSION): string {
  return path.join(cli.claude, 'projects', proj.replace(/[^a-zA-Z0-9]/g, '-'), `${session}.jsonl`);
}

function agentFile(agentId: string, session = SESSION): string {
  return path.join(path.dirname(mainFile(session)), session, 'subagents', `agent-${agentId}.jsonl`);
}

/** Appends one response (one line) and returns its input count. */
function respond(o: {
  at: number;
  input: number;
  session?: string;
  agentId?: string;
  model?: string;
  file?: string;
  stopReason?: string;
}): void {
  n++;
  const e: LineEnvelope = {
    sessionId: o.session ?? SESSION,
    cwd: proj,
    gitBranch: 'main',
    version: '2.1.330',
    isSidechain: o.agentId !== undefined,
    agentId: o.agentId,
  };
  const file = o.file ?? (o.agentId === undefined ? mainFile(o.session) : agentFile(o.agentId, o.session));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(
    file,
    `${assistantLine({
      env: e,
      uuid: `u-${n}`,
      parentUuid: null,
      timestamp: new Date(o.at).toISOString(),
      messageId: `msg_hook_${n}`,
      requestId: `req_hook_${n}`,
      model: o.model ?? SONNET,
      block: { type: 'text', text: 'ok' },
      blockIndex: 0,
      usage: { input: o.input, output: 10, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0 },
      output: 10,
      stopReason: o.stopReason ?? 'end_turn',
    })}\n`,
  );
}

/** `tokenledger hook ARGS` as Claude Code runs it: the event (or any text) on stdin. */
function hook(payload: unknown, env: EnvVars = {}, args: string[] = []): CliResult {
  const input = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return cli.run(['hook', ...args], { input, env });
}

function event(name: string, extra: Record<string, unknown> = {}, session = SESSION) {
  return {
    session_id: session,
    transcript_path: mainFile(session),
    cwd: proj,
    hook_event_name: name,
    ...extra,
  };
}

/** `report --by DIMS --json --no-import` rows as `dims → input tokens` (and responses). */
function byDims(dims: string): Record<string, { input: number; responses: number }> {
  const r = cli.run(['report', '--by', dims, '--json', '--no-import']);
  expect(r.status, r.stderr).toBe(0);
  const rows = (JSON.parse(r.stdout) as { rows: Record<string, unknown>[] }).rows;
  const out: Record<string, { input: number; responses: number }> = {};
  for (const row of rows) {
    const key = dims
      .split(',')
      .map((d) => String(row[d] ?? ''))
      .join('|');
    out[key] = { input: Number(row.inputTokens), responses: Number(row.responses) };
  }
  return out;
}

function errorLog(): string {
  const dir = path.join(cli.tlHome, 'logs');
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir)
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('');
}

function quiet(c: CliResult): void {
  expect(c.status).toBe(0);
  expect(c.stdout).toBe('');
}

describe('tokenledger hook', () => {
  it('Stop imports the session transcript, and the next Stop only what was appended', () => {
    const t = Date.now() - 60_000;
    respond({ at: t, input: 100 });
    respond({ at: t + 1, input: 200 });
    quiet(hook(event('Stop')));
    expect(byDims('session')).toEqual({ [SESSION]: { input: 300, responses: 2 } });
    respond({ at: t + 2, input: 400 });
    quiet(hook(event('Stop')));
    quiet(hook(event('Stop')));
    expect(byDims('session')).toEqual({ [SESSION]: { input: 700, responses: 3 } });
    expect(errorLog()).toBe('');
  });

  it('a --config that hooks install wrote before the file exists means the defaults, not a failure', () => {
    const t = Date.now() - 60_000;
    respond({ at: t, input: 100 });
    const missing = path.join(cli.root, 'not-yet', 'config.json');
    quiet(hook(event('Stop'), {}, ['--config', missing]));
    expect(byDims('session')).toEqual({ [SESSION]: { input: 100, responses: 1 } });
    expect(errorLog()).toBe('');
    // Once it exists, it is read (and a broken one is reported, the call going on with the defaults).
    fs.mkdirSync(path.dirname(missing));
    fs.writeFileSync(missing, '{not json');
    respond({ at: t + 1, input: 50 });
    quiet(hook(event('Stop'), {}, ['--config', missing]));
    expect(byDims('session')).toEqual({ [SESSION]: { input: 150, responses: 2 } });
    expect(errorLog()).toContain('is not valid JSON');
  });

  it('SessionStart opens a span for TOKENLEDGER_TASK/STAGE/LABELS; usage before it and after SessionEnd stays off the task', () => {
    const now = Date.now();
    respond({ at: now - 3_600_000, input: 1 }); // an earlier run of this session (a resume)
    const ctx = {
      TOKENLEDGER_TASK: 'T-1',
      TOKENLEDGER_STAGE: 'review',
      TOKENLEDGER_LABELS: 'category=tooling',
    };
    quiet(hook(event('SessionStart', { source: 'resume' }), ctx));
    respond({ at: Date.now() + 500, input: 20 });
    quiet(hook(event('Stop'), ctx));
    quiet(hook(event('SessionEnd', { reason: 'other' }), ctx));
    respond({ at: Date.now() + 60_000, input: 300 }); // a later run, without the context
    quiet(hook(event('Stop')));
    expect(byDims('task,stage,label:category')).toEqual({
      '||': { input: 301, responses: 2 },
      'T-1|review|tooling': { input: 20, responses: 1 },
    });
    const show = JSON.parse(cli.run(['task', 'show', 'T-1', '--json', '--no-import']).stdout) as {
      totals: { inputTokens: number };
    };
    expect(show.totals.inputTokens).toBe(20);
  });

  it('a task first named by a hook (environment or prompt) is known but not active', () => {
    config({ taskPattern: '\\b(JIRA-\\d+)\\b' });
    quiet(hook(event('SessionStart', { source: 'startup' }), { TOKENLEDGER_TASK: 'T-H' }));
    quiet(hook(event('UserPromptSubmit', { prompt: 'work on JIRA-5' })));
    const list = (args: string[]) =>
      (
        JSON.parse(cli.run(['task', 'list', ...args, '--json', '--no-import']).stdout) as {
          tasks: { id: string; status: string }[];
        }
      ).tasks.map((t) => [t.id, t.status]);
    expect(list([])).toEqual([
      ['T-H', 'open'],
      ['JIRA-5', 'open'],
    ]);
    expect(list(['--active'])).toEqual([]);
    const stop = cli.run(['task', 'stop', '--no-import']);
    expect(stop.status).toBe(1);
    expect(stop.stderr).toContain('no task is active');
  });

  it('a task id in the prompt (taskPattern) attributes the session from then on; the prompt itself is never stored', () => {
    config({ taskPattern: '\\b(JIRA-\\d+)\\b' });
    const secret = 'please fix JIRA-77 — the-secret-words-in-the-prompt';
    respond({ at: Date.now() - 10_000, input: 5 });
    quiet(hook(event('UserPromptSubmit', { prompt: secret })));
    respond({ at: Date.now() + 500, input: 70 });
    quiet(hook(event('Stop')));
    expect(byDims('task')).toEqual({
      '': { input: 5, responses: 1 },
      'JIRA-77': { input: 70, responses: 1 },
    });
    // Neither the ledger nor its WAL holds the prompt text.
    for (const f of fs.readdirSync(cli.tlHome).filter((x) => x.startsWith('ledger.db'))) {
      expect(fs.readFileSync(path.join(cli.tlHome, f)).includes('the-secret-words')).toBe(false);
    }
  });

  it('a background task notification is not taken for a new task', () => {
    config({ taskPattern: '\\b(JIRA-\\d+)\\b' });
    quiet(hook(event('UserPromptSubmit', { prompt: 'work on JIRA-1' })));
    quiet(
      hook(
        event('UserPromptSubmit', { prompt: '<task-notification> agent done: JIRA-2 </task-notification>' }),
      ),
    );
    respond({ at: Date.now() + 500, input: 9 });
    quiet(hook(event('Stop')));
    expect(byDims('task')).toEqual({ 'JIRA-1': { input: 9, responses: 1 } });
  });

  it('SubagentStop imports the subagent transcript; its type (SubagentStart) maps to a stage', () => {
    config({ stages: { 'code-reviewer': 'review' } });
    const t = Date.now() - 5_000;
    respond({ at: t, input: 1 });
    quiet(hook(event('SubagentStart', { agent_id: 'a1b2c3', agent_type: 'code-reviewer' })));
    respond({ at: t + 1, input: 40, agentId: 'a1b2c3', model: HAIKU });
    respond({ at: t + 2, input: 50, agentId: 'a1b2c3', model: HAIKU });
    quiet(
      hook(
        event('SubagentStop', {
          agent_id: 'a1b2c3',
          agent_type: 'code-reviewer',
          agent_transcript_path: agentFile('a1b2c3'),
        }),
      ),
    );
    expect(byDims('agent,stage,model')).toEqual({
      'main||claude-sonnet-4-5-20250929': { input: 1, responses: 1 },
      'code-reviewer|review|claude-haiku-4-5-20251001': { input: 90, responses: 2 },
    });
    // One metrics line for the finished subagent.
    const lines = fs
      .readFileSync(path.join(cli.tlHome, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        event: 'agent_stop',
        session: SESSION,
        agentId: 'a1b2c3',
        agentType: 'code-reviewer',
        stage: 'review',
        actual: 110,
        inputTokens: 90,
        apiCalls: 2,
        models: [HAIKU],
      }),
    ]);
  });

  it('Stop also imports the session’s background subagent files', () => {
    const t = Date.now() - 5_000;
    respond({ at: t, input: 1 });
    respond({ at: t + 1, input: 2, agentId: 'bg1' });
    respond({ at: t + 2, input: 4, agentId: 'bg2' });
    quiet(hook(event('Stop')));
    expect(byDims('session')).toEqual({ [SESSION]: { input: 7, responses: 3 } });
  });

  it('bad input exits 0, prints nothing, and says what was wrong in the dated error log', () => {
    quiet(hook(''));
    quiet(hook('not json {'));
    quiet(hook('[1,2]'));
    quiet(hook({ session_id: 42, hook_event_name: 'Stop' }));
    quiet(hook(event('Stop'), { TOKENLEDGER_TASK: 'a/b' }));
    quiet(hook(event('Stop'), {}, ['--bogus']));
    quiet(hook(event('Stop', { transcript_path: path.join(cli.claude, 'projects', 'x', 'missing.jsonl') })));
    quiet(hook(event('Stop', { transcript_path: '/etc/passwd' })));
    const log = errorLog();
    expect(log).toMatch(/^# tokenledger errors: \d{4}-\d{2}-\d{2}\n/);
    expect(log).toContain('hook input is empty');
    expect(log).toContain('hook input is not JSON');
    expect(log).toContain('hook input field (top level): expected a JSON object');
    expect(log).toContain('hook input field session_id: expected a string (got 42)');
    expect(log).toContain('TOKENLEDGER_TASK "a/b" contains a path separator');
    expect(log).toContain('unknown argument(s) ignored: --bogus');
    const problems = JSON.parse(cli.run(['problems', '--json']).stdout) as {
      problems: { file: string; reason: string }[];
    };
    const reasons = problems.problems.map((p) => `${path.basename(p.file)}: ${p.reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^missing\.jsonl: named by a hook but does not exist/),
        expect.stringMatching(/^passwd: not a Claude Code transcript/),
        expect.stringMatching(/^\(hook stdin\): hook input is empty/),
      ]),
    );
  });

  it('a transcript over the per-call budget is imported in steps, and nothing is lost', () => {
    config({ hook: { maxMegabytesPerFile: 1 } });
    const t = Date.now() - 60_000;
    const big = 'x'.repeat(4_000);
    let total = 0;
    for (let i = 0; i < 1_000; i++) {
      respond({ at: t + i, input: i + 1 });
      total += i + 1;
      // Bulky lines without usage (tool output) make the file about 4 MB.
      fs.appendFileSync(mainFile(), `${JSON.stringify({ type: 'user', sessionId: SESSION, filler: big })}\n`);
    }
    quiet(hook(event('Stop')));
    const first = byDims('session')[SESSION]?.responses ?? 0;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(1_000);
    expect(errorLog()).toContain('left over the per-call budget');
    for (let i = 0; i < 6; i++) quiet(hook(event('Stop')));
    expect(byDims('session')).toEqual({ [SESSION]: { input: total, responses: 1_000 } });
  });

  it('a call that cannot open the ledger is queued, and the next call replays it with its own time and context', () => {
    const blocked = path.join(cli.root, 'not-a-dir');
    fs.writeFileSync(blocked, 'a file where a directory should be');
    const start = Date.now();
    quiet(
      hook(event('SessionStart', { source: 'startup' }), { TOKENLEDGER_TASK: 'T-Q' }, [
        '--db',
        path.join(blocked, 'ledger.db'),
      ]),
    );
    expect(errorLog()).toMatch(
      /tracking failure\*\* hook SessionStart session `5e55e55e[^`]*`: .*Queued for retry/,
    );
    expect(fs.readdirSync(path.join(cli.tlHome, 'spool')).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    respond({ at: start + 1_000, input: 11 });
    quiet(hook(event('Stop')));
    expect(errorLog()).toMatch(/\*\*recovered\*\* hook SessionStart of .*replayed after 1 failed attempt/);
    expect(fs.readdirSync(path.join(cli.tlHome, 'spool'))).toEqual([]);
    expect(byDims('task')).toEqual({ 'T-Q': { input: 11, responses: 1 } });
  });

  it('a locked ledger makes the call give up at its time cap, exit 0, and queue the work', async () => {
    config({ hook: { timeoutMs: 400 } });
    quiet(hook(event('Stop'))); // creates the ledger
    const db = new Database(path.join(cli.tlHome, 'ledger.db'));
    db.exec('BEGIN EXCLUSIVE');
    try {
      respond({ at: Date.now(), input: 3 });
      const started = Date.now();
      const child = cli.spawn(['hook']);
      child.stdin.end(JSON.stringify(event('Stop')));
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
      });
      const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      expect(code).toBe(0);
      expect(stdout).toBe('');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      db.exec('ROLLBACK');
      db.close();
    }
    expect(errorLog()).toMatch(/database is locked|stopped at the 400 ms cap/);
    quiet(hook(event('Stop')));
    expect(byDims('session')).toEqual({ [SESSION]: { input: 3, responses: 1 } });
  });

  it('a Stop that names an answer Claude Code has not written yet reads it when it comes', async () => {
    const t = Date.now() - 60_000;
    respond({ at: t, input: 5 });
    quiet(hook(event('Stop')));
    const db = new Database(path.join(cli.tlHome, 'ledger.db'), { readonly: true });
    const importRuns = () => (db.prepare('SELECT count(*) AS n FROM import_runs').get() as { n: number }).n;
    const stop = async (writeLate: boolean) => {
      // The prompt is in the file; the answer is not, yet.
      fs.appendFileSync(mainFile(), `${JSON.stringify({ type: 'user', sessionId: SESSION })}\n`);
      const before = importRuns();
      const child = cli.spawn(['hook']);
      child.stdin.end(JSON.stringify(event('Stop', { last_assistant_message: 'Done.' })));
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
      });
      const closed = new Promise<{ code: number | null; stdout: string }>((r) =>
        child.on('close', (code) => r({ code, stdout })),
      );
      // Claude Code writes through a buffer: here the answer reaches the file only after the hook's
      // first read found nothing new.
      while (importRuns() === before) await new Promise((r) => setTimeout(r, 10));
      if (writeLate) respond({ at: t + 1, input: 7 });
      return closed;
    };
    try {
      expect(await stop(true)).toEqual({ code: 0, stdout: '' });
      expect(byDims('session')).toEqual({ [SESSION]: { input: 12, responses: 2 } });
      // An answer that never comes: the hook gives up in time, and fails nothing.
      expect(await stop(false)).toEqual({ code: 0, stdout: '' });
      expect(byDims('session')).toEqual({ [SESSION]: { input: 12, responses: 2 } });
    } finally {
      db.close();
    }
    expect(errorLog()).toBe('');
  });

  it('a SubagentStop whose transcript so far ends with a request for a tool waits for the answer', async () => {
    const t = Date.now() - 60_000;
    respond({ at: t, input: 5 });
    quiet(hook(event('Stop')));
    const db = new Database(path.join(cli.tlHome, 'ledger.db'), { readonly: true });
    const importRuns = () => (db.prepare('SELECT count(*) AS n FROM import_runs').get() as { n: number }).n;
    const stop = async (answerLate: boolean) => {
      const at = t + 10 * importRuns();
      // The subagent's first response asked for a tool and is on disk; its answer is not, yet.
      respond({ at, input: 20, agentId: 'a9', stopReason: 'tool_use' });
      const before = importRuns();
      const child = cli.spawn(['hook']);
      child.stdin.end(
        JSON.stringify(
          event('SubagentStop', {
            agent_id: 'a9',
            agent_type: 'general-purpose',
            agent_transcript_path: agentFile('a9'),
            last_assistant_message: 'Done.',
          }),
        ),
      );
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
      });
      const closed = new Promise<{ code: number | null; stdout: string }>((r) =>
        child.on('close', (code) => r({ code, stdout })),
      );
      while (importRuns() === before) await new Promise((r) => setTimeout(r, 10));
      if (answerLate) respond({ at: at + 1, input: 30, agentId: 'a9' });
      const result = await closed;
      return { ...result, runs: importRuns() - before };
    };
    try {
      // The first read finds the request for a tool, the second the answer written after it.
      expect(await stop(true)).toEqual({ code: 0, stdout: '', runs: 2 });
      expect(byDims('agent')).toEqual({
        main: { input: 5, responses: 1 },
        'general-purpose': { input: 50, responses: 2 },
      });
      // An answer that never comes: the hook gives up in time, and fails nothing.
      expect(await stop(false)).toEqual({ code: 0, stdout: '', runs: 1 });
      expect(byDims('agent')).toEqual({
        main: { input: 5, responses: 1 },
        'general-purpose': { input: 70, responses: 3 },
      });
    } finally {
      db.close();
    }
    expect(errorLog()).toBe('');
  });

  it('shows one overrun warning per multiple passed, as a systemMessage', () => {
    const run = cli.run(['task', 'start', 'T-O', '--estimate', '100', '--project', proj]);
    expect(run.status, run.stderr).toBe(0);
    respond({ at: Date.now() + 500, input: 450 }); // 460 tokens: 4.6×
    const first = hook(event('Stop'));
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      systemMessage: expect.stringMatching(
        /^tokenledger: task T-O is at 4\.6× its estimate \(460 of 100 tokens; warning from 4×\)$/,
      ),
    });
    quiet(hook(event('Stop')));
    respond({ at: Date.now() + 600, input: 100 }); // 570: 5.7×
    expect(JSON.parse(hook(event('Stop')).stdout).systemMessage).toContain('5.7×');
  });

  it('16 hook processes at once on two sessions lose and duplicate nothing', async () => {
    const other = '5e55e55e-0000-4000-8000-000000000002';
    const t = Date.now() - 60_000;
    let sum = 0;
    for (let i = 0; i < 200; i++) {
      respond({ at: t + i, input: i + 1, session: i % 2 === 0 ? SESSION : other });
      sum += i + 1;
    }
    await Promise.all(
      Array.from({ length: 16 }, (_, i) => {
        const child = cli.spawn(['hook']);
        child.stdin.end(
          JSON.stringify(event(i % 3 === 0 ? 'SessionEnd' : 'Stop', {}, i % 2 === 0 ? SESSION : other)),
        );
        return new Promise<void>((resolve, reject) =>
          child.on('close', (c) => (c === 0 ? resolve() : reject(new Error(`exit ${c}`)))),
        );
      }),
    );
    const totals = byDims('session');
    expect((totals[SESSION]?.input ?? 0) + (totals[other]?.input ?? 0)).toBe(sum);
    expect((totals[SESSION]?.responses ?? 0) + (totals[other]?.responses ?? 0)).toBe(200);
    expect(errorLog()).toBe('');
  });

  it('--help prints the usage and exits 0', () => {
    const r = cli.run(['hook', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: tokenledger hook');
  });
});
