/**
 * End to end with the real Claude Code CLI (2.1.330, scripts/install-claude.mjs) against the fake
 * Messages API: the hooks `tokenledger hooks install` wrote, and `tokenledger run` wrapping
 * `claude -p`, must leave a ledger whose totals per task, stage, agent and model equal exactly the
 * usage the fake server returned. Every report here is read with `--no-import`, so what the hooks
 * and the wrapper imported is all there is.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/built-cli.js';
import type { Sandbox } from '../helpers/cli.js';
import type { ApiUsage } from './harness/api-usage.js';
import { type FakeServer, type ServedUsage, startFakeAnthropic } from './harness/fake-anthropic.js';
import { CLAUDE_BIN, type ClaudeRun, runClaude } from './harness/run-claude.js';
import {
  backgroundSubagentScenario,
  foregroundSubagentScenario,
  HAIKU,
  resumeScenario,
  type ScenarioPlan,
  SONNET,
  streamCutScenario,
} from './harness/scenarios.js';
import { createWorkDir, tokenledgerIn, type WorkDir } from './harness/work-dir.js';

let parent: string;

beforeAll(() => {
  if (!fs.existsSync(CLAUDE_BIN))
    throw new Error(`Claude Code is not installed at ${CLAUDE_BIN}: run \`node scripts/install-claude.mjs\``);
  parent = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-attr-e2e-'));
});

afterAll(() => {
  if (parent !== undefined && process.env.TL_E2E_KEEP === undefined)
    fs.rmSync(parent, { recursive: true, force: true });
});

/** One scenario's world: the CLI's work dir, and tokenledger run in it with our data home and config. */
interface World {
  dir: WorkDir;
  /** tokenledger in the work dir; its `vars()` also go to the hooks Claude Code runs (`runClaude`'s env). */
  cli: Sandbox;
}

/** A work dir with a tokenledger config and the hooks installed into the project's settings. */
function makeWorld(config: Record<string, unknown>): World {
  const dir = createWorkDir(parent);
  const cli = tokenledgerIn(dir);
  fs.writeFileSync(path.join(cli.tlHome, 'config.json'), JSON.stringify(config));
  const world: World = { dir, cli };
  const installed = cli.run(['hooks', 'install', '--project']);
  expect(installed.status, installed.stderr).toBe(0);
  const settings = JSON.parse(fs.readFileSync(path.join(dir.proj, '.claude', 'settings.json'), 'utf8')) as {
    hooks: Record<string, { hooks: { command: string }[] }[]>;
  };
  for (const event of ['SessionStart', 'SubagentStop', 'Stop', 'SessionEnd'])
    expect(settings.hooks[event]?.[0]?.hooks[0]?.command).toContain('tokenledger.js');
  return world;
}

interface Row {
  task: string;
  stage: string;
  agent: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheCreation1hTokens: number;
  cacheReadTokens: number;
  responses: number;
}

type Key = Pick<Row, 'task' | 'stage' | 'agent' | 'model'>;
type Sums = Omit<Row, keyof Key>;

function report(world: World): Record<string, Sums> {
  const r = world.cli.run(['report', '--by', 'task,stage,agent,model', '--json', '--no-import']);
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { rows: Row[] };
  const byKey: Record<string, Sums> = {};
  for (const row of out.rows) {
    byKey[[row.task, row.stage, row.agent, row.model].join(' | ')] = {
      inputTokens: row.inputTokens,
      outputTokens: row.outputTokens,
      cacheCreationTokens: row.cacheCreationTokens,
      cacheCreation1hTokens: row.cacheCreation1hTokens,
      cacheReadTokens: row.cacheReadTokens,
      responses: row.responses,
    };
  }
  return byKey;
}

/** What the server served, grouped by where each turn's usage must land. */
function expected(served: readonly ServedUsage[], where: (turnId: string) => Key): Record<string, Sums> {
  const out: Record<string, Sums> = {};
  for (const s of served) {
    const k = where(s.turnId);
    const key = [k.task, k.stage, k.agent, k.model].join(' | ');
    const u: ApiUsage = s.usage;
    const t = out[key] ?? {
      inputTokens: 0,
      outputTokens: 0,
      cacheCreationTokens: 0,
      cacheCreation1hTokens: 0,
      cacheReadTokens: 0,
      responses: 0,
    };
    out[key] = t;
    t.inputTokens += u.input_tokens;
    t.outputTokens += u.output_tokens;
    t.cacheCreationTokens += u.cache_creation_input_tokens;
    t.cacheCreation1hTokens += u.cache_creation.ephemeral_1h_input_tokens;
    t.cacheReadTokens += u.cache_read_input_tokens;
    t.responses += 1;
  }
  return out;
}

/** Runs every prompt of the plan through `tokenledger run … --` (resuming between prompts). */
async function runThroughWrapper(
  world: World,
  server: FakeServer,
  plan: ScenarioPlan,
  wrapperArgs: (i: number) => string[],
): Promise<ClaudeRun[]> {
  const runs: ClaudeRun[] = [];
  let session: string | null = null;
  for (const [i, prompt] of plan.prompts.entries()) {
    const run = await runClaude({
      baseUrl: server.url,
      workDir: world.dir,
      prompt,
      model: plan.model,
      args: plan.args,
      env: { ...plan.env, ...world.cli.vars() },
      prefix: [process.execPath, BIN, 'run', ...wrapperArgs(i), '--'],
      ...(session === null ? {} : { resume: session }),
    });
    runs.push(run);
    session = run.sessionId;
  }
  return runs;
}

function hookErrors(world: World): string {
  const logs = path.join(world.cli.tlHome, 'logs');
  if (!fs.existsSync(logs)) return '';
  return fs
    .readdirSync(logs)
    .map((f) => fs.readFileSync(path.join(logs, f), 'utf8'))
    .join('\n');
}

function expectCleanRun(run: ClaudeRun, results: number): void {
  expect(run.timedOut).toBe(false);
  expect(run.code, run.stderr).toBe(0);
  expect(run.results).toHaveLength(results);
}

const STAGES = { 'general-purpose': 'implementation' };

describe('tokenledger with the real Claude Code CLI', () => {
  it('foreground subagent on another model, through `tokenledger run`: totals per task, stage, agent and model are exact', async () => {
    const plan = foregroundSubagentScenario();
    const world = makeWorld({ stages: STAGES, taskPattern: '\\b([A-Z]{2}-SUBTASK)\\b' });
    const server = await startFakeAnthropic(plan.scenario);
    try {
      const [run] = await runThroughWrapper(world, server, plan, () => [
        '--task',
        'T-FG',
        '--stage',
        'orchestration',
        '--estimate',
        '1M',
      ]);
      if (run === undefined) throw new Error('no run');
      expectCleanRun(run, 1);
      // The wrapper's running total, on stderr after Claude Code's own output.
      expect(run.stderr).toMatch(
        /tokenledger: run \$[\d.]+ · .* · T-FG \$[\d.]+, [\d.]+K? tokens of 1\.0M tokens/,
      );
      // stdout is Claude Code's, untouched: it still parses as its stream-json.
      expect(run.results[0]?.total_cost_usd).toBeGreaterThan(0);

      // The subagent's prompt names FG-SUBTASK (taskPattern), which outranks the session's task.
      expect(report(world)).toEqual(
        expected(server.usageServed, (turn) =>
          turn.startsWith('fg-sub')
            ? { task: 'FG-SUBTASK', stage: 'implementation', agent: 'general-purpose', model: HAIKU }
            : { task: 'T-FG', stage: 'orchestration', agent: 'main', model: SONNET },
        ),
      );
      const shown = JSON.parse(world.cli.run(['task', 'show', 'T-FG', '--json', '--no-import']).stdout) as {
        runs: { runs: number; numTurns: number; claudeCodeCostUsd: number | null };
      };
      expect(shown.runs.runs).toBe(1);
      expect(shown.runs.numTurns).toBe(run.results[0]?.num_turns);
      expect(shown.runs.claudeCodeCostUsd).toBeCloseTo(run.results[0]?.total_cost_usd ?? -1, 9);
      expect(hookErrors(world)).toBe('');
    } finally {
      await server.close();
    }
  });

  it('background subagent, hooks only (no wrapper; the task comes from TOKENLEDGER_TASK): exact, although Stop fires before the subagent ends', async () => {
    const plan = backgroundSubagentScenario();
    const world = makeWorld({ stages: STAGES });
    const server = await startFakeAnthropic(plan.scenario);
    try {
      const run = await runClaude({
        baseUrl: server.url,
        workDir: world.dir,
        prompt: plan.prompts[0] ?? '',
        model: plan.model,
        args: plan.args,
        env: {
          ...plan.env,
          ...world.cli.vars(),
          TOKENLEDGER_TASK: 'T-BG',
          TOKENLEDGER_LABELS: 'category=e2e',
        },
      });
      expectCleanRun(run, 2);
      expect(report(world)).toEqual(
        expected(server.usageServed, (turn) =>
          turn.startsWith('bg-sub')
            ? { task: 'T-BG', stage: 'implementation', agent: 'general-purpose', model: HAIKU }
            : { task: 'T-BG', stage: '', agent: 'main', model: SONNET },
        ),
      );
      const byLabel = JSON.parse(
        world.cli.run(['report', '--by', 'label:category', '--json', '--no-import']).stdout,
      ) as { rows: { 'label:category': string; responses: number }[] };
      expect(byLabel.rows).toEqual([expect.objectContaining({ 'label:category': 'e2e', responses: 5 })]);
      expect(hookErrors(world)).toBe('');
    } finally {
      await server.close();
    }
  });

  it('a resumed session run under two tasks: each run lands on its own task, and Claude Code’s cumulative cost is split per run', async () => {
    const plan = resumeScenario();
    const world = makeWorld({});
    const server = await startFakeAnthropic(plan.scenario);
    try {
      const runs = await runThroughWrapper(world, server, plan, (i) => ['--task', `T-R${i + 1}`]);
      expect(runs).toHaveLength(2);
      for (const r of runs) expectCleanRun(r, 1);
      expect(runs[1]?.sessionId).toBe(runs[0]?.sessionId);
      expect(report(world)).toEqual(
        expected(server.usageServed, (turn) => ({
          task: turn === 'resume-1' ? 'T-R1' : 'T-R2',
          stage: '',
          agent: 'main',
          model: SONNET,
        })),
      );
      // Claude Code's total_cost_usd carries over on resume; each task keeps only its own run's share.
      const total1 = runs[0]?.results[0]?.total_cost_usd ?? Number.NaN;
      const total2 = runs[1]?.results[0]?.total_cost_usd ?? Number.NaN;
      expect(total2).toBeGreaterThan(total1);
      const cost = (id: string) =>
        (
          JSON.parse(world.cli.run(['task', 'show', id, '--json', '--no-import']).stdout) as {
            runs: { claudeCodeCostUsd: number };
          }
        ).runs.claudeCodeCostUsd;
      expect(cost('T-R1')).toBeCloseTo(total1, 9);
      expect(cost('T-R2')).toBeCloseTo(total2 - total1, 9);
      expect(hookErrors(world)).toBe('');
    } finally {
      await server.close();
    }
  });

  it('a stream cut mid-way: the ledger counts the served response once, where Claude Code’s own result counts the cut attempt too', async () => {
    const plan = streamCutScenario();
    const world = makeWorld({});
    const server = await startFakeAnthropic(plan.scenario);
    try {
      const [run] = await runThroughWrapper(world, server, plan, () => ['--task', 'T-CUT']);
      if (run === undefined) throw new Error('no run');
      expectCleanRun(run, 1);
      expect(server.usageServed).toHaveLength(1);
      const want = expected(server.usageServed, () => ({
        task: 'T-CUT',
        stage: '',
        agent: 'main',
        model: SONNET,
      }));
      expect(report(world)).toEqual(want);
      // Claude Code's result usually counts the cut attempt's input again (FINDINGS): ours never does.
      // On a loaded machine the cut can reach it before it counted that attempt (seen once in a full
      // e2e run beside a package install), so its count is only at least ours.
      expect(run.results[0]?.usage?.input_tokens).toBeGreaterThanOrEqual(
        Object.values(want)[0]?.inputTokens ?? Number.POSITIVE_INFINITY,
      );
      expect(hookErrors(world)).toBe('');
    } finally {
      await server.close();
    }
  });
});
