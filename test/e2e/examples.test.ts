/**
 * examples/ run end to end: the two-step orchestrator (public API only) drives the real Claude Code
 * CLI (2.1.330) against the fake Messages API, and its state files, log footers, usage report and
 * the ledger must hold exactly the usage the fake server returned, per model and stage.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiUsage } from './harness/api-usage.js';
import { startFakeAnthropic } from './harness/fake-anthropic.js';
import { CLAUDE_BIN, claudeEnv } from './harness/run-claude.js';
import { HAIKU, SONNET, twoStepScenario } from './harness/scenarios.js';
import { createWorkDir, tokenledgerIn } from './harness/work-dir.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLE = path.join(ROOT, 'examples', 'two-step-orchestrator.mjs');

let parent: string;
beforeAll(() => {
  if (!fs.existsSync(CLAUDE_BIN))
    throw new Error(`Claude Code is not installed at ${CLAUDE_BIN}: run \`node scripts/install-claude.mjs\``);
  parent = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-examples-e2e-'));
});
afterAll(() => {
  if (parent !== undefined && process.env.TL_E2E_KEEP === undefined)
    fs.rmSync(parent, { recursive: true, force: true });
});

/** Runs node with `args` to its end (killed after 150 s), collecting its output. */
function runNode(
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** seed 002's per-model usage of one API response. */
function seedUsage(u: ApiUsage) {
  return {
    inputTokens: u.input_tokens,
    outputTokens: u.output_tokens,
    cacheCreationInputTokens: u.cache_creation_input_tokens,
    cacheReadInputTokens: u.cache_read_input_tokens,
  };
}

describe('examples/two-step-orchestrator.mjs with the real Claude Code CLI', () => {
  it('keeps exact per-model usage in its state files, logs and usage report, and in the ledger per stage', async () => {
    const plan = twoStepScenario();
    const dir = createWorkDir(parent);
    const cli = tokenledgerIn(dir);
    const out = path.join(dir.root, 'orchestrator');
    const server = await startFakeAnthropic(plan.scenario);
    try {
      const env = claudeEnv(server.url, dir, {
        env: {
          ...cli.vars(),
          TL_EXAMPLE_PLAN_MODEL: SONNET,
          TL_EXAMPLE_BUILD_MODEL: HAIKU,
        },
      });
      // Not spawnSync: the fake server answers from this process's event loop.
      const r = await runNode(
        [EXAMPLE, '--out', out, '--task', 'EX-1', '--claude', CLAUDE_BIN],
        dir.proj,
        env,
      );
      const requests = server.requests.map((q) =>
        q.kind === 'messages'
          ? `${q.method} ${q.path} ${q.model} ${q.turnId} ${q.outcome}`
          : `${q.method} ${q.path} ${q.status}`,
      );
      if (r.status !== 0)
        throw new Error(`the example failed: ${JSON.stringify({ ...r, requests }, null, 1)}`);
      expect(server.unusedTurns()).toEqual([]);
      const served = new Map(server.usageServed.map((s) => [s.turnId, s]));
      const planned = served.get('step-plan');
      const built = served.get('step-build');
      if (planned === undefined || built === undefined) throw new Error('a step was not served');
      expect(server.usageServed).toHaveLength(2);

      const perModel = { [SONNET]: seedUsage(planned.usage), [HAIKU]: seedUsage(built.usage) };
      const taskState = JSON.parse(fs.readFileSync(path.join(out, 'EX-1.state.json'), 'utf8'));
      expect(taskState.tokenUsage).toEqual(perModel);
      expect(taskState.phase).toBe('running'); // other fields untouched
      const sequence = JSON.parse(fs.readFileSync(path.join(out, 'sequence.state.json'), 'utf8'));
      expect(sequence.stats.totalTokenUsage).toEqual(perModel);

      const planLog = fs.readFileSync(path.join(out, 'logs', 'EX-1-plan.log'), 'utf8');
      expect(planLog).toContain('"type":"result"'); // the CLI's own output, teed
      expect(planLog).toMatch(/--- Duration: [\d.]+s, Exit Code: 0 ---\n--- Token Usage ---/);
      expect(planLog).toContain(`Input Tokens: ${planned.usage.input_tokens}\n`);
      const buildLog = fs.readFileSync(path.join(out, 'logs', 'EX-1-build.log'), 'utf8');
      expect(buildLog).toContain(`Cache Creation Input Tokens: ${built.usage.cache_creation_input_tokens}\n`);

      const report = JSON.parse(fs.readFileSync(path.join(out, 'usage-report.json'), 'utf8'));
      expect(report.planName).toBe('two-step-example');
      expect(report.totals).toMatchObject({
        inputTokens: planned.usage.input_tokens + built.usage.input_tokens,
        outputTokens: planned.usage.output_tokens + built.usage.output_tokens,
        cacheReadTokens: planned.usage.cache_read_input_tokens + built.usage.cache_read_input_tokens,
        cacheCreationTokens:
          planned.usage.cache_creation_input_tokens + built.usage.cache_creation_input_tokens,
      });
      expect(report.totals.totalCostUsd).toBeGreaterThan(0);
      expect(report.tasks).toHaveLength(2);
      expect(r.stderr).toMatch(/2 tasks/);

      // The ledger: the transcripts' usage, once, on the task and each step's stage.
      const ledger = cli.run(['report', '--by', 'task,stage,model', '--json', '--no-import']);
      expect(ledger.status, ledger.stderr).toBe(0);
      const rows = (JSON.parse(ledger.stdout) as { rows: Record<string, unknown>[] }).rows.map((row) => ({
        task: row.task,
        stage: row.stage,
        model: row.model,
        inputTokens: row.inputTokens,
        outputTokens: row.outputTokens,
      }));
      expect(rows).toEqual(
        expect.arrayContaining([
          { task: 'EX-1', stage: 'plan', model: SONNET, inputTokens: 1, outputTokens: 2 },
          { task: 'EX-1', stage: 'build', model: HAIKU, inputTokens: 10, outputTokens: 20 },
        ]),
      );
      expect(rows).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});
