/**
 * End to end with the real Claude Code CLI against the fake Messages API, hooks installed in a
 * project that uses beads: a subagent whose prompt names a beads id finishes, and its SubagentStop
 * hook writes the task's numbers where the team plans: the task file's actuals section, one beads
 * comment (through a stand-in `bd` on PATH that records its arguments), and the stage's line in
 * `.claude/workflow-metrics.jsonl`, each exactly the usage the fake server served. Delivering the
 * hook again adds nothing; a second run adds one comment and one line with the new totals.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../helpers/cli.js';
import { type ServedUsage, startFakeAnthropic } from './harness/fake-anthropic.js';
import { CLAUDE_BIN, type ClaudeRun, runClaude } from './harness/run-claude.js';
import { HAIKU, namedTaskSubagentScenario } from './harness/scenarios.js';
import { createWorkDir, tokenledgerIn, type WorkDir } from './harness/work-dir.js';

const BEADS = fileURLToPath(new URL('../fixtures/beads/', import.meta.url));
const TASK = 'tl-a1b2';

let parent: string;

beforeAll(() => {
  if (!fs.existsSync(CLAUDE_BIN))
    throw new Error(`Claude Code is not installed at ${CLAUDE_BIN}: run \`node scripts/install-claude.mjs\``);
  parent = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-trackers-e2e-'));
});

afterAll(() => {
  if (parent !== undefined && process.env.TL_E2E_KEEP === undefined)
    fs.rmSync(parent, { recursive: true, force: true });
});

interface Sums {
  input: number;
  output: number;
  cacheWrite: number;
  cacheWrite1h: number;
  cacheRead: number;
  responses: number;
}

function sumServed(served: readonly ServedUsage[]): Sums {
  const t: Sums = { input: 0, output: 0, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, responses: 0 };
  for (const s of served) {
    t.input += s.usage.input_tokens;
    t.output += s.usage.output_tokens;
    t.cacheWrite += s.usage.cache_creation_input_tokens;
    t.cacheWrite1h += s.usage.cache_creation.ephemeral_1h_input_tokens;
    t.cacheRead += s.usage.cache_read_input_tokens;
    t.responses += 1;
  }
  return t;
}

const total = (s: Sums) => s.input + s.output + s.cacheWrite + s.cacheRead;
const int = (n: number) => n.toLocaleString('en-US');

function jsonl(file: string): Record<string, unknown>[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function hookErrors(cli: Sandbox): string {
  const logs = path.join(cli.tlHome, 'logs');
  if (!fs.existsSync(logs)) return '';
  return fs
    .readdirSync(logs)
    .map((f) => fs.readFileSync(path.join(logs, f), 'utf8'))
    .join('\n');
}

describe('trackers with the real Claude Code CLI', () => {
  it('a subagent on a beads task: task file, one bd comment and the stage line hold exactly the served usage, never twice', async () => {
    const dir: WorkDir = createWorkDir(parent);
    const cli = tokenledgerIn(dir);
    // The project: beads (prefix tl), a task file, hooks installed into its settings.
    fs.mkdirSync(path.join(dir.proj, '.beads'));
    fs.copyFileSync(path.join(BEADS, 'config.yaml'), path.join(dir.proj, '.beads', 'config.yaml'));
    const taskFile = path.join(dir.proj, '.claude', 'plans', 'tasks', `${TASK}.md`);
    fs.mkdirSync(path.dirname(taskFile), { recursive: true });
    fs.writeFileSync(taskFile, `# ${TASK}: greet after bash\n\nEstimate: 1k tokens.\n`);
    fs.writeFileSync(
      path.join(cli.tlHome, 'config.json'),
      JSON.stringify({
        stages: { 'general-purpose': 'implementation' },
        taskFiles: '.claude/plans/tasks/{id}.md',
        machine: 'e2e-box',
      }),
    );
    const installed = cli.run(['hooks', 'install', '--project']);
    expect(installed.status, installed.stderr).toBe(0);

    // The stand-in bd, first on the PATH the hooks get.
    const bin = path.join(dir.root, 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(path.join(BEADS, 'bd-stand-in.mjs'), path.join(bin, 'bd'));
    const bdLog = path.join(dir.root, 'bd-calls.jsonl');
    const pathVar = [
      bin,
      path.dirname(process.execPath),
      path.dirname(CLAUDE_BIN),
      '/usr/local/bin',
      '/usr/bin',
      '/bin',
    ].join(':');
    const bdEnv = { PATH: pathVar, BD_STAND_IN_LOG: bdLog, BD_STAND_IN_FIXTURES: BEADS };

    const plan = namedTaskSubagentScenario(TASK);
    // Each run has a server of its own (a scripted turn answers once).
    const servers = [await startFakeAnthropic(plan.scenario)];
    const served = () =>
      sumServed(servers.flatMap((s) => s.usageServed).filter((s) => s.turnId.startsWith('nt-sub')));
    const runOnce = async (): Promise<ClaudeRun> => {
      const server = servers[servers.length - 1];
      if (server === undefined) throw new Error('no server');
      const run = await runClaude({
        baseUrl: server.url,
        workDir: dir,
        prompt: plan.prompts[0] ?? '',
        model: plan.model,
        args: plan.args,
        env: { ...plan.env, ...cli.vars(), ...bdEnv },
      });
      expect(run.timedOut).toBe(false);
      expect(run.code, run.stderr).toBe(0);
      return run;
    };
    const comments = () =>
      fs.existsSync(bdLog)
        ? fs
            .readFileSync(bdLog, 'utf8')
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l) as string[])
            .filter((c) => c[0] === 'comments')
        : [];
    const metricsFile = path.join(dir.proj, '.claude', 'workflow-metrics.jsonl');

    /** Everything the trackers hold must be the subagent's served usage so far. */
    const expectActuals = (sub: Sums, comment: number, lines: number) => {
      const text = fs.readFileSync(taskFile, 'utf8');
      expect(text.startsWith(`# ${TASK}: greet after bash\n\nEstimate: 1k tokens.\n`)).toBe(true);
      expect(text).toContain(`| Actual | ${int(total(sub))} |`);
      const row = `${int(sub.input)} | ${int(sub.output)} | ${int(sub.cacheWrite)} | ${int(sub.cacheRead)} | ${int(total(sub))} | ${sub.responses} |`;
      expect(text).toContain(`| stage implementation | ${row}`);
      expect(text).toContain(`| model ${HAIKU} | ${row}`);

      const added = comments();
      expect(added).toHaveLength(comment);
      const last = added[added.length - 1] ?? [];
      expect(last.slice(0, 3)).toEqual(['comments', 'add', TASK]);
      expect(last[3]).toContain(`tokenledger actuals for ${TASK}: ${total(sub)} tokens,`);
      expect(last[3]).toContain(
        `stage implementation: ${total(sub)} tokens (input ${sub.input}, output ${sub.output}, cache write ${sub.cacheWrite}, cache read ${sub.cacheRead}), `,
      );

      const metrics = jsonl(metricsFile);
      expect(metrics).toHaveLength(lines);
      expect(metrics[metrics.length - 1]).toMatchObject({
        event: 'subagent_stop',
        task: TASK,
        title: 'Greet after bash',
        stage: 'implementation',
        agentType: 'general-purpose',
        model: HAIKU,
        tokens: {
          input: sub.input,
          output: sub.output,
          cacheWrite: sub.cacheWrite,
          cacheWrite1h: sub.cacheWrite1h,
          cacheRead: sub.cacheRead,
          total: total(sub),
        },
        apiCalls: sub.responses,
        machine: 'e2e-box',
      });
    };

    try {
      const first = await runOnce();
      const sub1 = served();
      expect(sub1.responses).toBe(2);
      expectActuals(sub1, 1, 1);
      // The beads title and epic, from `bd show --json`.
      const shown = JSON.parse(cli.ok(['task', 'show', TASK, '--json', '--no-import'])) as {
        task: { title: string; parent: string };
      };
      expect(shown.task).toMatchObject({ title: 'Greet after bash', parent: 'tl-e9f0' });

      // The same SubagentStop delivered again: nothing new anywhere.
      const before = fs.readFileSync(taskFile);
      const subFile = first.transcripts.find((t) => /[/\\]subagents[/\\]agent-[0-9a-f]+\.jsonl$/.test(t));
      const main = first.transcripts.find((t) => !t.includes(`${path.sep}subagents${path.sep}`));
      expect(subFile).toBeDefined();
      const agentId = path
        .basename(subFile ?? '')
        .replace(/^agent-/, '')
        .replace(/\.jsonl$/, '');
      const again = cli.run(['hook'], {
        env: bdEnv,
        cwd: dir.proj,
        input: JSON.stringify({
          session_id: first.sessionId,
          transcript_path: main,
          cwd: dir.proj,
          hook_event_name: 'SubagentStop',
          agent_id: agentId,
          agent_type: 'general-purpose',
          agent_transcript_path: subFile,
        }),
      });
      expect(again.status).toBe(0);
      expectActuals(sub1, 1, 1);
      expect(fs.readFileSync(taskFile).equals(before)).toBe(true);

      // A second run on the same task: one more comment and one more line, with the new totals.
      servers.push(await startFakeAnthropic(plan.scenario));
      await runOnce();
      const sub2 = served();
      expect(sub2.responses).toBe(4);
      expectActuals(sub2, 2, 2);
      expect(hookErrors(cli)).toBe('');
    } finally {
      for (const s of servers) await s.close();
    }
  });
});
