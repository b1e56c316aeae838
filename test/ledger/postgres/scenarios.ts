/**
 * Scenarios the parity tests run on both backends: attribution (every scope, nesting, the stage map,
 * labels, spans closing and re-attribution), declared telemetry (merging, captured wins, the error
 * log) and runs. Each takes its usage records as input, so both backends get the same dedup keys.
 */
import type { AgentFact, UsageRecord } from '../../../src/capture/types.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import { call, fileOf, MIN, ORIGIN, observe, P, T0 } from './parity.js';

export interface AttributionInput {
  records: UsageRecord[];
  facts: AgentFact[];
  later: UsageRecord[];
}

export function attributionInput(): AttributionInput {
  return {
    records: [
      call({ session: 's1', at: T0 - MIN, input: 1 }),
      call({ session: 's1', at: T0 + MIN, input: 10 }),
      call({ session: 's1', at: T0 + MIN, input: 20, agentId: 'a1' }),
      call({ session: 's1', at: T0 + 2 * MIN, input: 40, agentId: 'a2' }),
      call({ session: 's1', at: T0 + 3 * MIN, input: 80, agentId: 'a3' }),
      call({ session: 's2', at: T0 + 2 * MIN, input: 100, cwd: `${P}/web` }),
      call({ session: 's2', at: T0 + 2 * MIN, input: 200, cwd: `${P}/web/deep` }),
      call({ session: 's3', at: T0 + MIN, input: 1000, cwd: '/home/dev/other' }),
      call({ session: 's1', at: T0 + 10 * MIN, input: 10_000 }),
    ],
    facts: [
      { sessionId: 's1', agentId: 'a1', toolUseId: 'tu1', agentType: 'reviewer', priority: 4, taskId: null },
      {
        sessionId: 's1',
        agentId: 'a2',
        toolUseId: 'tu2',
        agentType: 'builder',
        priority: 4,
        taskId: 'T-SPAWN',
      },
      { sessionId: 's1', agentId: 'a3', toolUseId: null, agentType: 'explorer', priority: 2 },
    ],
    // Usage that arrives after the declarations: it waits for the attribute step.
    later: [
      call({ session: 's1', at: T0 + 4 * MIN, input: 300_000 }),
      call({ session: 's4', at: T0 + 4 * MIN, input: 5, cwd: `${P}/web` }),
    ],
  };
}

export async function attributionScenario(store: LedgerStore, input: AttributionInput) {
  await store.writeFiles([fileOf(input.records, input.facts)], ORIGIN);
  await store.saveTask({ id: 'PLAN', title: 'the plan', estimateTokens: 1000 });
  await store.saveTask({ id: 'T-1', parentId: 'PLAN', labels: { team: 'core' }, project: P });
  await store.saveTask({ id: 'T-1', status: 'active', startedAt: T0, labels: { kind: 'feature' } });
  await store.saveTask({ id: 'W', parentId: 'T-1', stage: 'ui' });
  await store.openSpan({
    scope: 'project',
    project: P,
    fromTs: T0,
    taskId: 'T-1',
    labels: { team: 'core', kind: 'feature' },
    source: 'task',
  });
  await store.openSpan({
    scope: 'project',
    project: `${P}/web`,
    fromTs: T0,
    taskId: 'W',
    stage: 'ui',
    source: 'task',
  });
  await store.openSpan({
    scope: 'session',
    sessionId: 's1',
    fromTs: T0 + MIN / 2,
    taskId: 'RUN',
    stage: 'build',
    labels: { kind: 'run' },
    source: 'run',
  });
  await store.openSpan({
    scope: 'agent',
    sessionId: 's1',
    agentId: 'a1',
    fromTs: T0,
    stage: 'review',
    labels: { team: 'qa' },
    source: 'hook',
  });
  const attributed = await store.attributePending({ reviewer: 'verify', explorer: 'explore' });
  const first = await observe(store);
  await store.writeFiles([fileOf(input.later)], ORIGIN);
  const late = await store.attributePending({ reviewer: 'verify', explorer: 'explore' });
  const closedSession = await store.closeSpans({ scope: 'session', sessionId: 's1' }, T0 + 3 * MIN + 30_000);
  const closedProject = await store.closeSpans({ scope: 'project', project: P, taskId: 'T-1' }, T0 + 5 * MIN);
  const again = await store.attributePending({ reviewer: 'verify', explorer: 'explore' });
  const second = await observe(store);
  const all = await store.reattributeAll({ builder: 'make' });
  const third = await observe(store);
  await store.setMetaValue('warned', 'T-1');
  await store.setMetaValue('warned', 'T-1,W');
  return {
    counts: { attributed, late, closedSession, closedProject, again, all },
    first,
    second,
    third,
    meta: [await store.metaValue('warned'), await store.metaValue('missing')],
    sessionSpans: await store.openSessionSpans('s1'),
    projectSpans: await store.openProjectSpans(`${P}/web/deep/x`),
    task: [await store.task('T-1'), await store.task('nope')],
    activeTasks: await store.tasks({ status: 'active' }),
    projectTasks: await store.tasks({ project: P }),
  };
}

export function telemetryInput(): UsageRecord[] {
  return [
    call({ session: 's9', at: T0 + 21 * MIN, input: 7, cwd: '/home/dev/tele' }),
    call({ session: 's9', at: T0 + 22 * MIN, input: 9, cwd: '/home/dev/tele' }),
  ];
}

export async function telemetryScenario(store: LedgerStore, captured: UsageRecord[]) {
  const base = {
    taskId: 'T-D',
    ts: T0 + 20 * MIN,
    declaredAt: null,
    summary: 'the first summary',
    mode: 'estimated',
    project: '/home/dev/tele',
    receivedAt: T0 + 20 * MIN,
    missing: ['timestamp'],
  };
  await store.declareTask(
    {
      ...base,
      entries: [
        {
          agent: 'main',
          model: 'opus',
          inputTokens: 100,
          outputTokens: null,
          totalTokens: 150,
          estimatedCost: null,
        },
        {
          agent: 'sub',
          model: 'haiku',
          inputTokens: null,
          outputTokens: null,
          totalTokens: 40,
          estimatedCost: 0.1,
        },
      ],
    },
    ORIGIN,
  );
  await store.declareTask(
    {
      ...base,
      ts: T0 + 25 * MIN,
      declaredAt: new Date(T0 + 25 * MIN).toISOString(),
      summary: 'unavailable',
      mode: 'exact',
      project: null,
      receivedAt: T0 + 26 * MIN,
      missing: [],
      entries: [
        {
          agent: 'main',
          model: 'opus',
          inputTokens: null,
          outputTokens: 60,
          totalTokens: null,
          estimatedCost: 0.5,
        },
        { agent: 'b', model: 'opus', inputTokens: 1, outputTokens: 2, totalTokens: 3, estimatedCost: null },
      ],
    },
    { machine: 'm2', user: 'u2' },
  );
  await store.declareTask({ ...base, taskId: 'T-E', entries: [] }, ORIGIN);
  const declaredOnly = await observe(store);
  // Captured usage reaches the task: it counts, the declaration no longer does.
  await store.writeFiles([fileOf(captured)], ORIGIN);
  await store.openSpan({
    scope: 'session',
    sessionId: 's9',
    fromTs: T0 + 20 * MIN,
    taskId: 'T-D',
    source: 'hook',
  });
  await store.attributePending({});
  const capturedWins = await observe(store);
  // It leaves the task again (the span ends where it began): the declaration counts again.
  await store.closeSpans({ scope: 'session', sessionId: 's9' }, 0);
  await store.attributePending({});
  const declaredAgain = await observe(store);
  await store.saveTelemetryErrors([
    {
      key: 'missing:T-D:timestamp',
      at: T0 + 20 * MIN,
      taskId: 'T-D',
      field: 'timestamp',
      kind: 'tracking_failure',
      problem: 'no timestamp',
      resolution: null,
    },
    {
      key: 'anomaly:T-D',
      at: T0 + 30 * MIN,
      taskId: 'T-D',
      field: null,
      kind: 'anomaly',
      problem: 'off by 10%',
      resolution: null,
    },
    {
      key: 'anomaly:T-X',
      at: T0 + 10 * MIN,
      taskId: null,
      field: null,
      kind: 'anomaly',
      problem: 'x',
      resolution: 'ignored',
    },
  ]);
  await store.saveTelemetryErrors([
    {
      key: 'missing:T-D:timestamp',
      at: T0 + 40 * MIN,
      taskId: 'T-D',
      field: 'timestamp',
      kind: 'tracking_failure',
      problem: 'no timestamp (again)',
      resolution: 'declared later',
    },
  ]);
  return {
    declaredOnly,
    capturedWins,
    declaredAgain,
    someTasks: await store.declaredTasks({ taskIds: ['T-E', 'nope'] }),
    inRange: await store.declaredTasks({ fromMs: T0 + 21 * MIN, toMs: T0 + 60 * MIN }),
    none: await store.declaredTasks({ taskIds: [] }),
    pending: (await store.telemetryErrors({ pending: true })).map(({ id: _id, ...e }) => e),
    errorRange: (await store.telemetryErrors({ fromMs: T0 + 15 * MIN, toMs: T0 + 35 * MIN })).map(
      ({ id: _id, ...e }) => e,
    ),
  };
}

export async function runsScenario(store: LedgerStore) {
  const run = {
    sessionId: 's1',
    taskId: 'T-1',
    stage: 'build',
    labels: { kind: 'run' },
    startedAt: T0 + MIN,
    endedAt: T0 + 2 * MIN,
    exitCode: 0,
    signal: null,
    totalCostUsd: 1.25,
    costUsd: 0.75,
    modelUsage: { opus: { inputTokens: 10, costUSD: 0.75 } },
    numTurns: 3,
    durationMs: 60_000,
    durationApiMs: 50_000,
    isError: false,
    subtype: 'success',
    source: 'result',
  };
  const ids = [
    await store.recordRun(run),
    await store.recordRun({
      ...run,
      sessionId: 's2',
      taskId: null,
      labels: null,
      modelUsage: null,
      isError: true,
    }),
    await store.recordRun({
      ...run,
      sessionId: null,
      taskId: 'W',
      startedAt: T0,
      costUsd: null,
      source: 'transcript',
    }),
  ];
  return {
    ids,
    all: await store.runs({}),
    bySession: await store.runs({ sessionId: 's1' }),
    byTasks: await store.runs({ tasks: ['W', 'T-1'] }),
    noTasks: await store.runs({ tasks: [] }),
  };
}

/** A ledger with a bit of everything: attributed usage, spans, tasks, declarations, errors and runs. */
export async function richLedger(store: LedgerStore, input: AttributionInput, captured: UsageRecord[]) {
  await attributionScenario(store, input);
  await telemetryScenario(store, captured);
  await runsScenario(store);
}
