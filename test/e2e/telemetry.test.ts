/**
 * Seed 000 telemetry end to end with the real Claude Code CLI (2.1.330) against the fake Messages
 * API: a task declared with `tokenledger record` whose usage the hooks also captured counts once,
 * with the captured numbers (exactly what the server served); a task only declared counts as
 * declared; the `.token-usage/` tree shows both and logs the mismatch; `files sync` gives the same
 * bytes again; a later session of no task is in the day's summary as unattributed usage.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic } from './harness/fake-anthropic.js';
import { CLAUDE_BIN, runClaude } from './harness/run-claude.js';
import { singleTurnScenario } from './harness/scenarios.js';
import { createWorkDir, tokenledgerIn } from './harness/work-dir.js';

let parent: string;

beforeAll(() => {
  if (!fs.existsSync(CLAUDE_BIN))
    throw new Error(`Claude Code is not installed at ${CLAUDE_BIN}: run \`node scripts/install-claude.mjs\``);
  parent = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-telemetry-e2e-'));
});

afterAll(() => {
  if (parent !== undefined) fs.rmSync(parent, { recursive: true, force: true });
});

describe('seed 000 telemetry with the real Claude Code CLI', () => {
  it('captured usage wins over a declaration of the same task; declared-only tasks count as declared', async () => {
    const plan = singleTurnScenario();
    const dir = createWorkDir(parent);
    const cli = tokenledgerIn(dir, ['proj/.git']);
    expect(cli.run(['hooks', 'install', '--project']).status).toBe(0);

    const declare = (taskId: string, input: number, output: number) =>
      cli.run(['record'], {
        input: JSON.stringify({
          mode: 'log_only',
          task_id: taskId,
          timestamp: new Date().toISOString(),
          user_request_summary: `Work on ${taskId}.`,
          entries: [
            {
              agent: 'build-lead',
              model: 'sonnet',
              input_tokens: input,
              output_tokens: output,
              total_tokens: input + output,
              estimated_cost: 0.5,
            },
          ],
        }),
      });
    // Declared before the work is captured...
    const first = declare('T-TEL', 100, 10);
    expect(first.status, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ status: 'recorded', task_id: 'T-TEL' });

    const server = await startFakeAnthropic(plan.scenario);
    try {
      const run = await runClaude({
        baseUrl: server.url,
        workDir: dir,
        prompt: plan.prompts[0] ?? '',
        model: plan.model,
        args: plan.args,
        env: { ...plan.env, ...cli.vars(), TOKENLEDGER_TASK: 'T-TEL' },
      });
      expect(run.code, run.stderr).toBe(0);
      // ...and one only declared, after.
      expect(declare('T-DECL', 700, 70).status).toBe(0);

      const served = server.usageServed.map((s) => s.usage);
      const input = served.reduce((a, u) => a + u.input_tokens, 0);
      const output = served.reduce((a, u) => a + u.output_tokens, 0);
      const cacheWrite = served.reduce((a, u) => a + u.cache_creation_input_tokens, 0);
      const cacheRead = served.reduce((a, u) => a + u.cache_read_input_tokens, 0);

      const report = cli.run(['report', '--by', 'task', '--json', '--no-import']);
      expect(report.status, report.stderr).toBe(0);
      const rows = (
        JSON.parse(report.stdout) as {
          rows: {
            task: string;
            inputTokens: number;
            outputTokens: number;
            cacheCreationTokens: number;
            cacheReadTokens: number;
          }[];
        }
      ).rows;
      const byTask = Object.fromEntries(rows.map((r) => [r.task, r]));
      expect(byTask['T-TEL']).toMatchObject({
        inputTokens: input,
        outputTokens: output,
        cacheCreationTokens: cacheWrite,
        cacheReadTokens: cacheRead,
      });
      expect(byTask['T-DECL']).toMatchObject({
        inputTokens: 700,
        outputTokens: 70,
        cacheCreationTokens: 0,
        cacheReadTokens: 0,
      });
      expect(Object.keys(byTask).sort()).toEqual(['T-DECL', 'T-TEL']);

      const sync = cli.run(['files', 'sync', '--json']);
      expect(sync.status, sync.stderr).toBe(0);
      const root = path.join(dir.proj, '.token-usage');
      const taskFile = (id: string) => {
        const name = fs.readdirSync(path.join(root, 'tasks')).find((f) => f.endsWith(`-${id}.json`));
        return JSON.parse(fs.readFileSync(path.join(root, 'tasks', name ?? 'missing'), 'utf8'));
      };
      const tel = taskFile('T-TEL');
      expect(tel.source).toBe('captured');
      expect(tel.totals.total_tokens).toBe(input + output + cacheWrite + cacheRead);
      expect(taskFile('T-DECL')).toMatchObject({ source: 'declared', totals: { total_tokens: 770 } });
      const errors = fs.readdirSync(root).filter((f) => f.startsWith('errors-'));
      const log = errors.map((f) => fs.readFileSync(path.join(root, f), 'utf8')).join('\n');
      expect(log).toContain(
        `declared 110 tokens, captured ${input + output + cacheWrite + cacheRead} tokens`,
      );
      // The same bytes again.
      expect(JSON.parse(cli.run(['files', 'sync', '--json']).stdout).written).toEqual([]);

      // A session of no task, captured by the hooks: the daily summary counts it too, apart from the tasks.
      const other = singleTurnScenario();
      const server2 = await startFakeAnthropic(other.scenario);
      let untasked = 0;
      try {
        const run2 = await runClaude({
          baseUrl: server2.url,
          workDir: dir,
          prompt: other.prompts[0] ?? '',
          model: other.model,
          args: other.args,
          env: { ...other.env, ...cli.vars() },
        });
        expect(run2.code, run2.stderr).toBe(0);
        for (const { usage: u } of server2.usageServed) {
          untasked +=
            u.input_tokens + u.output_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
        }
      } finally {
        await server2.close();
      }
      expect(untasked).toBeGreaterThan(0);
      const again = cli.run(['files', 'sync']);
      expect(again.status, again.stderr).toBe(0);
      const days = fs.readdirSync(root).filter((f) => /^usage-\d{4}-\d\d-\d\d\.md$/.test(f));
      expect(days).toHaveLength(1);
      const summary = fs.readFileSync(path.join(root, days[0] ?? ''), 'utf8');
      const n = (x: number) => x.toLocaleString('en-US');
      const captured = input + output + cacheWrite + cacheRead;
      expect(summary).toContain(`\nUnattributed (no task): ${n(untasked)} tokens, $`);
      expect(summary).toMatch(new RegExp(`\\*\\*T-TEL\\*\\*: .* ${n(captured)} tokens, `));
      expect(summary).toMatch(/\*\*T-DECL\*\*: .* 770 tokens, \$0\.50\./);
      const table = [...summary.matchAll(/^\| [^|]+ \| [^|]+ \| [\d,]+ \| [\d,]+ \| ([\d,]+) \|/gm)];
      const tableTotal = table.reduce((a, m) => a + Number((m[1] ?? '').replaceAll(',', '')), 0);
      expect(tableTotal).toBe(captured + 770 + untasked);
    } finally {
      await server.close();
    }
  });
});
