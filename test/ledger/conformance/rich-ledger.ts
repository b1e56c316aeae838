/**
 * A ledger with one of everything (subagents and spawns, one naming a task; a task with a span; runs;
 * a declared task and a telemetry error; tool uses; budgets with a warning shown; a review proposal
 * applied), and the comparison of two ledgers record by record and
 * report by report: for round trips through `exportRecords`/`importRecords` and JSONL folders.
 * @module
 */
import { expect } from 'vitest';
import { startTask, stopTask } from '../../../src/app/task-actions.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import type { World } from '../../attribution/world.js';
import { MIN, recordLines, reportView, T0 } from '../jsonl/jsonl-helpers.js';

const P = '/home/dev/app';
const DAY = 86_400_000;
const HAIKU = 'claude-haiku-4-5-20251001';

/** A ledger with one of everything: subagents and spawns (one naming a task), a task with a span, a run, a declared task and an error. */
export async function fillRichWorld(w: World): Promise<World> {
  w.spawn({
    session: 's1',
    cwd: P,
    at: T0,
    agentId: 'a1',
    agentType: 'implementer',
    prompt: 'Implement TASK-7',
  });
  w.call({ session: 's1', cwd: P, at: T0 + MIN, input: 10, agentId: 'a1' });
  w.call({ session: 's2', cwd: '/home/dev/other', at: T0 + DAY, input: 1000, model: HAIKU });
  await w.import({}, 'TASK-\\d+');
  await startTask(
    w.store,
    { id: 'T-1', project: P, at: T0 + 2 * MIN, title: 'the parser', labels: { category: 'tooling' } },
    {},
  );
  w.call({ session: 's1', cwd: P, at: T0 + 3 * MIN, input: 100 });
  // A Read and an MCP tool use, and the calls their results drive.
  w.call({
    session: 's1',
    cwd: P,
    at: T0 + 4 * MIN,
    input: 40,
    tool: { name: 'Read', input: { file_path: `${P}/src/a.ts` } },
  });
  w.call({
    session: 's1',
    cwd: P,
    at: T0 + 5 * MIN,
    input: 50,
    tool: { name: 'mcp__github__create_issue', input: { title: 't' } },
  });
  w.call({ session: 's1', cwd: P, at: T0 + 6 * MIN, input: 60 });
  await w.import({}, 'TASK-\\d+');
  await stopTask(w.store, undefined, P, T0 + 10 * MIN, {});
  await w.store.recordRun({
    sessionId: 's1',
    taskId: 'T-1',
    stage: 'implementation',
    labels: { category: 'tooling' },
    startedAt: T0 + 2 * MIN,
    endedAt: T0 + 9 * MIN,
    exitCode: 0,
    signal: null,
    totalCostUsd: 0.25,
    costUsd: 0.25,
    modelUsage: { 'claude-sonnet-4-5-20250929': { inputTokens: 100, outputTokens: 1 } },
    numTurns: 3,
    durationMs: 420_000,
    durationApiMs: 30_000,
    isError: false,
    subtype: 'success',
    source: 'result',
  });
  // A run with empty labels and nothing reported (a crash): known by its content all the same.
  await w.store.recordRun({
    sessionId: null,
    taskId: null,
    stage: null,
    labels: {},
    startedAt: T0 + 20 * MIN,
    endedAt: T0 + 21 * MIN,
    exitCode: null,
    signal: 'SIGKILL',
    totalCostUsd: null,
    costUsd: null,
    modelUsage: null,
    numTurns: null,
    durationMs: null,
    durationApiMs: null,
    isError: true,
    subtype: null,
    source: 'transcript',
  });
  await w.store.declareTask(
    {
      taskId: 'D-1',
      ts: T0 + 2 * DAY,
      declaredAt: new Date(T0 + 2 * DAY).toISOString(),
      summary: 'Add a flag',
      mode: 'log_only',
      project: P,
      receivedAt: T0 + 2 * DAY,
      missing: ['entries[1].input_tokens'],
      entries: [
        {
          agent: 'planner',
          model: HAIKU,
          inputTokens: 500,
          outputTokens: 50,
          totalTokens: 550,
          estimatedCost: 0.01,
        },
        {
          agent: 'coder',
          model: HAIKU,
          inputTokens: null,
          outputTokens: 70,
          totalTokens: 900,
          estimatedCost: null,
        },
      ],
    },
    { machine: 'laptop', user: 'dev' },
  );
  await w.store.saveTelemetryErrors([
    {
      key: 'missing:D-1:entries[1].input_tokens',
      at: T0 + 2 * DAY,
      taskId: 'D-1',
      field: 'entries[1].input_tokens',
      kind: 'tracking_failure',
      problem: 'input_tokens missing',
      resolution: null,
    },
  ]);
  await w.store.saveBudget(
    { name: 'team', unit: 'usd', limit: 50, period: 'month', scope: { kind: 'all', value: null } },
    T0 + 2 * DAY,
  );
  await w.store.saveBudget(
    { name: 'parser', unit: 'tokens', limit: 5000, period: 'week', scope: { kind: 'task', value: 'T-1' } },
    T0 + 2 * DAY + MIN,
  );
  await w.store.claimBudgetWarning(
    { budget: 'team', period: '2026-11', threshold: 80 },
    T0 + 2 * DAY + 2 * MIN,
  );
  await w.store.saveProposals([
    {
      id: 'abcdef012345',
      kind: 'model_downshift',
      target: 'scout',
      file: '.claude/agents/scout.md',
      diff: '--- a/.claude/agents/scout.md\n+++ b/.claude/agents/scout.md\n@@ -1,2 +1,2 @@\n-model: opus\n+model: haiku\n',
      expectedHash: 'e'.repeat(64),
      proposedAt: T0 + 2 * DAY,
      cohort: { agent: 'scout', model: HAIKU },
      description: 'Run scout on haiku',
      savingUsd: 1.25,
    },
  ]);
  await w.store.markProposalApplied('abcdef012345', T0 + 2 * DAY + 3 * MIN);
  return w;
}

/** Budgets, the warnings shown for them this period, and review proposals. */
export async function keptSettings(s: LedgerStore): Promise<unknown> {
  const budgets = await s.budgets();
  return {
    budgets,
    warnings: await s.budgetWarnings(budgets.map((b) => ({ budget: b.name, period: '2026-11' }))),
    proposals: await s.proposals(),
  };
}

export async function expectSameLedger(a: LedgerStore, b: LedgerStore): Promise<void> {
  expect(await recordLines(b)).toEqual(await recordLines(a));
  expect(await reportView(b)).toEqual(await reportView(a));
  expect(await b.tasks()).toEqual(await a.tasks());
  expect(await b.declaredTasks({})).toEqual(await a.declaredTasks({}));
  const strip = <T extends { id: number }>(rows: T[]) => rows.map(({ id: _id, ...rest }) => rest);
  // Empty labels are no labels.
  const runs = async (s: LedgerStore) =>
    strip(await s.runs({})).map((r) => ({
      ...r,
      labels: Object.keys(r.labels ?? {}).length > 0 ? r.labels : null,
    }));
  expect(await runs(b)).toEqual(await runs(a));
  expect(strip(await b.telemetryErrors({}))).toEqual(strip(await a.telemetryErrors({})));
  expect(await keptSettings(b)).toEqual(await keptSettings(a));
}
