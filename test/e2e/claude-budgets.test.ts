/**
 * End to end with the real Claude Code CLI against the fake Messages API: a budget set in the ledger
 * warns through the hooks `tokenledger hooks install` wrote, as a `systemMessage` Claude Code
 * reports, once per threshold reached, however many hook calls follow.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetReport } from '../../src/app/budget-status.js';
import { startFakeAnthropic } from './harness/fake-anthropic.js';
import { CLAUDE_BIN, runClaude } from './harness/run-claude.js';
import type { Scenario } from './harness/scenario-types.js';
import { SONNET } from './harness/scenarios.js';
import { createWorkDir, tokenledgerIn } from './harness/work-dir.js';

let parent: string;

beforeAll(() => {
  if (!fs.existsSync(CLAUDE_BIN))
    throw new Error(`Claude Code is not installed at ${CLAUDE_BIN}: run \`node scripts/install-claude.mjs\``);
  parent = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-budget-e2e-'));
});

afterAll(() => {
  if (parent !== undefined && process.env.TL_E2E_KEEP === undefined)
    fs.rmSync(parent, { recursive: true, force: true });
});

/** Every prompt gets one answer of 1,000 tokens (input 600, output 400): a quarter of the budget. */
const PER_RUN = 1000;
const scenario: Scenario = {
  name: 'budget',
  turns: [
    {
      id: 'budget-turn',
      match: { lastUserIncludes: 'BUDGET-TURN' },
      repeat: true,
      content: [{ type: 'text', text: 'Done.' }],
      usage: { input: 600, output: 400, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 },
    },
  ],
  fallback: {
    id: 'fallback',
    content: [{ type: 'text', text: 'fallback reply' }],
    usage: { input: 7, output: 3 },
  },
};

/**
 * The hook system messages Claude Code showed in one session: it records each in the session's
 * transcript as a `hook_system_message` attachment (stream-json reports only SessionStart's hooks).
 */
function systemMessages(transcripts: readonly string[], sessionId: string | null): string[] {
  const file = transcripts.find((t) => path.basename(t) === `${sessionId}.jsonl`);
  if (file === undefined) throw new Error(`no transcript of session ${sessionId}`);
  const out: string[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('hook_system_message')) continue;
    const entry = JSON.parse(line) as {
      attachment?: { type?: string; content?: string; hookEvent?: string };
    };
    if (entry.attachment?.type === 'hook_system_message')
      out.push(`${entry.attachment.hookEvent}: ${entry.attachment.content}`);
  }
  return out;
}

describe('budgets with the real Claude Code CLI', () => {
  it('hooks warn of a daily token budget at 50%, 75% and its limit, each once, across five sessions', async () => {
    const dir = createWorkDir(parent);
    const cli = tokenledgerIn(dir);
    fs.writeFileSync(path.join(cli.tlHome, 'config.json'), JSON.stringify({ timezone: 'UTC' }));
    const installed = cli.run(['hooks', 'install', '--project']);
    expect(installed.status, installed.stderr).toBe(0);
    expect(cli.run(['budget', 'set', 'daily', String(4 * PER_RUN), '--per', 'day']).status).toBe(0);

    const server = await startFakeAnthropic(scenario);
    const shown: string[][] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const run = await runClaude({
          baseUrl: server.url,
          workDir: dir,
          prompt: `BUDGET-TURN ${i}: say done`,
          model: SONNET,
          env: cli.vars(),
        });
        expect(run.timedOut).toBe(false);
        expect(run.code, run.stderr).toBe(0);
        shown.push(systemMessages(run.transcripts, run.sessionId));
      }
    } finally {
      await server.close();
    }
    // Nothing else warns here (no task has an estimate): every system message is the budget's.
    const budgetMessages = shown;
    expect(budgetMessages).toEqual([
      [],
      [
        expect.stringMatching(
          /^Stop: tokenledger: budget daily passed 50% of 4.0K tokens today \(\d{4}-\d\d-\d\d, everything\): 2.0K tokens spent, 50%/,
        ),
      ],
      [
        expect.stringMatching(
          /^Stop: tokenledger: budget daily passed 75% of 4.0K tokens today .*: 3.0K tokens spent, 75%/,
        ),
      ],
      [
        expect.stringMatching(
          /^Stop: tokenledger: budget daily reached its limit of 4.0K tokens today .*: 4.0K tokens spent, 100%/,
        ),
      ],
      [],
    ]);
    const status = JSON.parse(cli.ok(['budget', 'status', '--json', '--no-import'])) as BudgetReport;
    expect(status.budgets[0]).toMatchObject({ spent: 5 * PER_RUN, reached: [50, 75, 90, 100], over: true });
    expect(cli.run(['budget', 'status', '--no-import', '--fail-over']).status).toBe(4);
    const logs = path.join(cli.tlHome, 'logs');
    expect(fs.existsSync(logs) ? fs.readdirSync(logs) : []).toEqual([]);
  });
});
