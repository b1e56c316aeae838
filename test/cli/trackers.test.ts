/**
 * `task stop` writes a finished task's numbers where the team plans, through the built CLI with a
 * real SQLite ledger and real transcripts: the task file's actuals section, one workflow metrics
 * line per stage, one beads comment (a stand-in `bd` on PATH records its arguments), and the
 * `onTaskEnd` command. Ending again with the same numbers adds nothing; failures are warnings, the
 * error log and `problems`, never a failed command.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assistantLine } from '../../src/synthetic/transcript-lines.js';
import { useSandbox } from '../helpers/cli.js';

const SONNET = 'claude-sonnet-4-5-20250929';
const BEADS = fileURLToPath(new URL('../fixtures/beads/', import.meta.url));

const cli = useSandbox('tl-trackers-', { dirs: ['claude', 'tl', 'bin'] });
let n = 0;

function project(name: string, beads: boolean): string {
  const dir = path.join(cli.root, 'projects', name);
  fs.mkdirSync(path.join(dir, '.claude', 'plans', 'tasks'), { recursive: true });
  if (beads) {
    fs.mkdirSync(path.join(dir, '.beads'));
    for (const f of ['config.yaml', 'issues.jsonl'])
      fs.copyFileSync(path.join(BEADS, f), path.join(dir, '.beads', f));
  }
  return dir;
}

function sessionOf(dir: string): string {
  const hex = Buffer.from(path.basename(dir)).toString('hex').padEnd(12, '0').slice(0, 12);
  return `7b5c0000-0000-4000-8000-${hex}`;
}

function transcriptOf(dir: string): string {
  return path.join(cli.claude, 'projects', dir.replace(/[^a-zA-Z0-9]/g, '-'), `${sessionOf(dir)}.jsonl`);
}

/** One response in `dir`'s session, stamped now. */
function respond(dir: string, input: number, output: number): void {
  const file = transcriptOf(dir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, `${responseLine(dir, input, output, new Date().toISOString())}\n`);
}

function responseLine(dir: string, input: number, output: number, timestamp: string): string {
  n++;
  const session = sessionOf(dir);
  return assistantLine({
    env: { sessionId: session, cwd: dir, gitBranch: 'main', version: '2.1.330', isSidechain: false },
    uuid: `u-trk-${n}`,
    parentUuid: null,
    timestamp,
    messageId: `msg_trk_${n}`,
    requestId: `req_trk_${n}`,
    model: SONNET,
    block: { type: 'text', text: 'ok' },
    blockIndex: 0,
    usage: { input, output, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0 },
    output,
    stopReason: 'end_turn',
  });
}

function config(c: Record<string, unknown>): void {
  fs.writeFileSync(path.join(cli.tlHome, 'config.json'), JSON.stringify(c));
}

/** `bd` on PATH: the stand-in, recording into `log`. */
function bdEnv(log: string, extra: Record<string, string> = {}): Record<string, string> {
  const bin = cli.path('bin');
  const bd = path.join(bin, 'bd');
  if (!fs.existsSync(bd)) fs.symlinkSync(path.join(BEADS, 'bd-stand-in.mjs'), bd);
  return {
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    BD_STAND_IN_LOG: log,
    BD_STAND_IN_FIXTURES: BEADS,
    ...extra,
  };
}

function calls(log: string): string[][] {
  if (!fs.existsSync(log)) return [];
  return fs
    .readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as string[]);
}

function jsonl(file: string): Record<string, unknown>[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function problems(): string[] {
  const out = JSON.parse(cli.ok(['problems', '--json'])) as { problems: { file: string; reason: string }[] };
  return out.problems.map((p) => p.reason);
}

function errorLog(): string {
  const dir = path.join(cli.tlHome, 'logs');
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir)
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('');
}

describe('task stop in a beads project', () => {
  it('writes the task file, one metrics line per stage and one bd comment; the same numbers again add nothing', () => {
    const dir = project('beads', true);
    const file = path.join(dir, '.claude', 'plans', 'tasks', 'tl-a1b2.md');
    fs.writeFileSync(file, '# tl-a1b2: greet after bash\n\n## Implementation summary\n');
    config({ taskFiles: '.claude/plans/tasks/{id}.md', machine: 'box-1' });
    const log = cli.path('bd-calls.jsonl');
    const env = bdEnv(log);

    cli.ok(['task', 'start', 'tl-a1b2', '--project', dir, '--estimate', '1k', '--stage', 'implementation'], {
      env,
    });
    respond(dir, 300, 20);
    const stopped = cli.run(['task', 'stop', 'tl-a1b2', '--project', dir], { env });
    expect(stopped.status, stopped.stderr).toBe(0);
    expect(stopped.stderr).toBe('');

    // The task file: the actuals section with the exact numbers, per stage and model, and the variance.
    const text = fs.readFileSync(file, 'utf8');
    expect(text.startsWith('# tl-a1b2: greet after bash\n\n## Implementation summary\n')).toBe(true);
    expect(text).toContain('| Actual | 320 |');
    expect(text).toContain('| Variance | -68% | — |');
    expect(text).toContain('| stage implementation | 300 | 20 | 0 | 0 | 320 | 1 |');
    expect(text).toContain(`| model ${SONNET} | 300 | 20 | 0 | 0 | 320 | 1 |`);

    // beads: the title, epic and labels came from `bd show`; one comment with the total as an integer.
    const first = calls(log);
    expect(first.filter((c) => c[0] === 'show')).toEqual([
      ['show', 'tl-a1b2', '--json'],
      ['show', 'tl-e9f0', '--json'],
    ]);
    const comments = first.filter((c) => c[0] === 'comments');
    expect(comments).toHaveLength(1);
    expect(comments[0]?.slice(0, 3)).toEqual(['comments', 'add', 'tl-a1b2']);
    expect(comments[0]?.[3]).toMatch(/^tokenledger actuals for tl-a1b2: 320 tokens, \$[\d.]+, 1 API calls/);
    expect(comments[0]?.[3]).toContain(
      'stage implementation: 320 tokens (input 300, output 20, cache write 0, cache read 0)',
    );
    const list = JSON.parse(cli.ok(['task', 'list', '--json', '--no-import'])) as {
      tasks: { id: string; title: string | null; parent: string | null; labels: Record<string, string> }[];
    };
    const task = list.tasks.find((t) => t.id === 'tl-a1b2');
    expect(task).toMatchObject({ title: 'Greet after bash', parent: 'tl-e9f0' });
    expect(task?.labels).toMatchObject({ backend: 'true', tokens: 'true' });
    expect(list.tasks.find((t) => t.id === 'tl-e9f0')?.title).toBe('Token tracking');
    expect(cli.ok(['task', 'list', '--no-import'])).toContain('Greet after bash');
    // report --by task shows the title beside the id, in the table and the JSON.
    expect(cli.ok(['report', '--by', 'task', '--no-import'])).toMatch(/tl-a1b2\s*│\s*Greet after bash/);
    const byTask = JSON.parse(cli.ok(['report', '--by', 'task', '--json', '--no-import'])) as {
      rows: { task: string; taskTitle: string | null }[];
    };
    expect(byTask.rows.find((r) => r.task === 'tl-a1b2')?.taskTitle).toBe('Greet after bash');

    // The workflow metrics line of the stage.
    const metrics = path.join(dir, '.claude', 'workflow-metrics.jsonl');
    const lines = jsonl(metrics);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      event: 'task_stop',
      task: 'tl-a1b2',
      title: 'Greet after bash',
      stage: 'implementation',
      agentType: 'main',
      model: SONNET,
      tokens: { input: 300, output: 20, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, total: 320 },
      apiCalls: 1,
      turns: 1,
      machine: 'box-1',
    });

    // git merges it by keeping both sides' lines.
    expect(fs.readFileSync(path.join(dir, '.claude', '.gitattributes'), 'utf8')).toBe(
      'workflow-metrics.jsonl merge=union\n',
    );

    // Ending again with the same numbers: nothing new anywhere.
    const before = fs.readFileSync(file);
    cli.ok(['task', 'start', 'tl-a1b2', '--project', dir], { env });
    cli.ok(['task', 'stop', 'tl-a1b2', '--project', dir], { env });
    expect(calls(log).filter((c) => c[0] === 'comments')).toHaveLength(1);
    expect(jsonl(metrics)).toHaveLength(1);
    expect(fs.readFileSync(file).equals(before)).toBe(true);

    // New usage: a new comment and a new line with the new numbers.
    cli.ok(['task', 'start', 'tl-a1b2', '--project', dir], { env });
    respond(dir, 1000, 0);
    cli.ok(['task', 'stop', 'tl-a1b2', '--project', dir], { env });
    const again = calls(log).filter((c) => c[0] === 'comments');
    expect(again).toHaveLength(2);
    expect(again[1]?.[3]).toMatch(/: 1320 tokens,/);
    expect(jsonl(metrics).map((l) => (l.tokens as { total: number }).total)).toEqual([320, 1320]);
    expect(fs.readFileSync(file, 'utf8')).toContain('| Actual | 1,320 |');
  });

  it('without bd on PATH the title comes from the export; the failed comment is a warning, logged, and retried', () => {
    const dir = project('no-bd', true);
    config({});
    cli.ok(['task', 'start', 'tl-a1b2', '--project', dir]);
    respond(dir, 50, 5);
    const r = cli.run(['task', 'stop', 'tl-a1b2', '--project', dir], {
      env: { PATH: path.dirname(process.execPath) },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('bd comments add tl-a1b2: bd is not on PATH');
    expect(errorLog()).toContain('bd comments add tl-a1b2: bd is not on PATH');
    expect(problems()).toContainEqual(expect.stringContaining('bd comments add tl-a1b2'));
    const shown = JSON.parse(cli.ok(['task', 'show', 'tl-a1b2', '--json', '--no-import'])) as {
      task: { title: string; parent: string };
    };
    expect(shown.task).toMatchObject({ title: 'Greet after bash', parent: 'tl-e9f0' });

    // With bd back, the next end adds the comment it missed, once.
    const log = cli.path('bd-retry.jsonl');
    cli.ok(['task', 'start', 'tl-a1b2', '--project', dir]);
    cli.ok(['task', 'stop', 'tl-a1b2', '--project', dir], { env: bdEnv(log) });
    cli.ok(['task', 'start', 'tl-a1b2', '--project', dir]);
    cli.ok(['task', 'stop', 'tl-a1b2', '--project', dir], { env: bdEnv(log) });
    const comments = calls(log).filter((c) => c[0] === 'comments');
    expect(comments).toHaveLength(1);
    expect(comments[0]?.[3]).toMatch(/: 55 tokens,/);
  });
});

describe('task files and onTaskEnd', () => {
  it('a missing task file is a warning, an error-log entry and a problem; it is not created', () => {
    const dir = project('missing-file', false);
    config({ taskFiles: '.claude/plans/tasks/{id}.md', workflowMetricsFile: false });
    cli.ok(['task', 'start', 'T-MISS', '--project', dir]);
    respond(dir, 10, 1);
    const r = cli.run(['task', 'stop', 'T-MISS', '--project', dir]);
    expect(r.status, r.stderr).toBe(0);
    const file = path.join(dir, '.claude', 'plans', 'tasks', 'T-MISS.md');
    expect(r.stderr).toContain(`the task file ${file} does not exist`);
    expect(fs.existsSync(file)).toBe(false);
    expect(errorLog()).toContain(`the task file ${file} does not exist`);
    expect(problems()).toContainEqual(expect.stringContaining(`the task file ${file} does not exist`));
    // workflowMetricsFile: false writes no metrics.
    expect(fs.existsSync(path.join(dir, '.claude', 'workflow-metrics.jsonl'))).toBe(false);
  });

  it('onTaskEnd gets a hostile title as one exact argument, and the summary file', () => {
    const dir = project('command', false);
    const recorder = cli.path('record.mjs');
    const out = cli.path('command-calls.jsonl');
    fs.writeFileSync(
      recorder,
      `import fs from 'node:fs';\nconst [title, id, file] = process.argv.slice(2);\nfs.appendFileSync(${JSON.stringify(out)}, JSON.stringify({ title, id, summary: fs.readFileSync(file, 'utf8') }) + '\\n');\n`,
    );
    config({ onTaskEnd: { command: [process.execPath, recorder, '{title}', '{id}', '{summaryFile}'] } });
    const title = `it's "done" $(touch PWNED); \`touch PWNED\``;
    cli.ok(['task', 'start', 'T-CMD', '--project', dir, '--title', title]);
    respond(dir, 7, 3);
    cli.ok(['task', 'stop', 'T-CMD', '--project', dir]);
    const got = jsonl(out);
    expect(got).toHaveLength(1);
    expect(got[0]?.title).toBe(title);
    expect(got[0]?.id).toBe('T-CMD');
    expect(got[0]?.summary).toMatch(/^tokenledger actuals for T-CMD: 10 tokens,/);
    expect(fs.existsSync(path.join(dir, 'PWNED'))).toBe(false);
    // Same numbers: not run again.
    cli.ok(['task', 'start', 'T-CMD', '--project', dir]);
    cli.ok(['task', 'stop', 'T-CMD', '--project', dir]);
    expect(jsonl(out)).toHaveLength(1);
  });

  it('a failing onTaskEnd command is a warning and a problem, never a failed stop', () => {
    const dir = project('command-fails', false);
    config({ onTaskEnd: `"${process.execPath}" -e "process.exit(3)" {id}` });
    cli.ok(['task', 'start', 'T-FAIL', '--project', dir]);
    respond(dir, 7, 3);
    const r = cli.run(['task', 'stop', 'T-FAIL', '--project', dir]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('onTaskEnd for T-FAIL:');
    expect(r.stderr).toContain('exited with status 3');
    expect(problems()).toContainEqual(expect.stringContaining('onTaskEnd for T-FAIL'));
  });
});

describe('the end of a run', () => {
  it("ends the run's task: its task file and onTaskEnd get the run's usage", () => {
    const dir = project('run', false);
    const file = path.join(dir, '.claude', 'plans', 'tasks', 'T-RUN.md');
    fs.writeFileSync(file, '# T-RUN\n');
    const out = cli.path('run-calls.jsonl');
    const recorder = cli.path('run-record.mjs');
    fs.writeFileSync(
      recorder,
      `import fs from 'node:fs';\nfs.appendFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)) + '\\n');\n`,
    );
    config({
      taskFiles: '.claude/plans/tasks/{id}.md',
      onTaskEnd: `"${process.execPath}" "${recorder}" {id} {tokens} {event}`,
    });
    // The "agent": appends one response to its session's transcript, stamped as it runs.
    const agent = cli.path('agent.mjs');
    const transcript = transcriptOf(dir);
    fs.writeFileSync(
      agent,
      `import fs from 'node:fs';\nimport path from 'node:path';\nconst file = ${JSON.stringify(transcript)};\nfs.mkdirSync(path.dirname(file), { recursive: true });\nfs.appendFileSync(file, ${JSON.stringify(responseLine(dir, 400, 50, '__NOW__'))}.replace('__NOW__', new Date().toISOString()) + '\\n');\n`,
    );
    const r = cli.run(['run', '--task', 'T-RUN', '--quiet', '--', process.execPath, agent], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toContain('| Actual | 450 |');
    expect(jsonl(out).map((l) => Object.values(l))).toEqual([['T-RUN', '450', 'run_end']]);
  });
});

describe('SubagentStop in the hook', () => {
  function agentFile(dir: string, agentId: string): string {
    const main = transcriptOf(dir);
    return path.join(path.dirname(main), sessionOf(dir), 'subagents', `agent-${agentId}.jsonl`);
  }

  /** A session declared for `task`, and a subagent in it that used `input` tokens. */
  function subagentWorked(
    dir: string,
    task: string,
    agentId: string,
    input: number,
  ): Record<string, unknown> {
    const base = { session_id: sessionOf(dir), transcript_path: transcriptOf(dir), cwd: dir };
    const start = cli.run(['hook'], {
      input: JSON.stringify({ ...base, hook_event_name: 'SessionStart', source: 'startup' }),
      env: { TOKENLEDGER_TASK: task },
    });
    expect(start.status).toBe(0);
    const file = agentFile(dir, agentId);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const line = JSON.parse(responseLine(dir, input, 0, new Date().toISOString())) as Record<string, unknown>;
    fs.writeFileSync(file, `${JSON.stringify({ ...line, isSidechain: true, agentId })}\n`);
    return {
      ...base,
      hook_event_name: 'SubagentStop',
      agent_id: agentId,
      agent_type: 'general-purpose',
      agent_transcript_path: file,
    };
  }

  it('a missing task file never fails the hook: it goes to the error log and problems', () => {
    const dir = project('hook-missing', false);
    config({ taskFiles: '.claude/plans/tasks/{id}.md' });
    const stop = subagentWorked(dir, 'T-HOOK', 'a0000001', 120);
    const r = cli.run(['hook'], { input: JSON.stringify(stop) });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    const file = path.join(dir, '.claude', 'plans', 'tasks', 'T-HOOK.md');
    expect(errorLog()).toContain(`the task file ${file} does not exist`);
    expect(problems()).toContainEqual(expect.stringContaining(`the task file ${file} does not exist`));
    // The rest still happened: the stage line.
    expect(jsonl(path.join(dir, '.claude', 'workflow-metrics.jsonl'))).toEqual([
      expect.objectContaining({ event: 'subagent_stop', task: 'T-HOOK', agentType: 'general-purpose' }),
    ]);
  });

  it('a prompt naming a beads id declares that task, with no configuration', () => {
    const dir = project('hook-prompt', true);
    config({});
    const r = cli.run(['hook'], {
      input: JSON.stringify({
        session_id: sessionOf(dir),
        transcript_path: transcriptOf(dir),
        cwd: dir,
        hook_event_name: 'UserPromptSubmit',
        prompt: 'please pick up tl-a1b2.1 next (not xtl-zzz)',
      }),
    });
    expect(r.status).toBe(0);
    respond(dir, 33, 3);
    const rows = JSON.parse(cli.ok(['report', '--by', 'task', '--json'])) as { rows: { task: string }[] };
    expect(rows.rows.map((row) => row.task)).toContain('tl-a1b2.1');
  });

  it('a bd that hangs is stopped at the hook time cap; the hook still exits 0 and prints nothing', () => {
    const dir = project('hook-hang', true);
    config({ hook: { timeoutMs: 4000 } });
    const stop = subagentWorked(dir, 'tl-c3d4', 'a0000002', 80);
    const r = cli.run(['hook'], {
      input: JSON.stringify(stop),
      env: bdEnv(cli.path('bd-hang.jsonl'), { BD_STAND_IN_HANG: '1' }),
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(calls(cli.path('bd-hang.jsonl'))[0]).toEqual(['show', 'tl-c3d4', '--json']);
    expect(errorLog()).toMatch(/task end tl-c3d4.*(time cap|no time left)|stopped at the 4000 ms cap/);
  });
});
