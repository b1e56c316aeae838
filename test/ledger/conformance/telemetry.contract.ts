/**
 * Declared telemetry (seed 000): declarations merge per agent × model, and captured usage wins over
 * declared: whatever the order of declarations and captured usage (transcripts attributed to the same
 * tasks through spans), each task counts exactly once: its captured usage when it has any, else the
 * latest declared value of each agent × model pair. And the error log, updated by key.
 * @module
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Declaration, DeclaredEntry } from '../../../src/ledger/telemetry-repository.js';
import { World } from '../../attribution/world.js';
import type { OpenLedger } from './describe-ledger.js';
import { fileWrite, inputBy, ORIGIN, PROPERTY_TIMEOUT_MS, T0, usage, withLedger } from './ledger-inputs.js';

const TASKS = ['A', 'B', 'C'] as const;
const PAIRS = [
  ['build-lead', 'opus'],
  ['ui-impl', 'haiku'],
] as const;

type Op =
  | { kind: 'declare'; task: number; pair: number; input: number; output: number }
  | { kind: 'capture'; task: number; input: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('declare' as const),
    task: fc.integer({ min: 0, max: 2 }),
    pair: fc.integer({ min: 0, max: 1 }),
    input: fc.integer({ min: 0, max: 5000 }),
    output: fc.integer({ min: 0, max: 500 }),
  }),
  fc.record({
    kind: fc.constant('capture' as const),
    task: fc.integer({ min: 0, max: 2 }),
    input: fc.integer({ min: 1, max: 5000 }),
  }),
);

const entry = (agent: string, inputTokens: number | null, outputTokens: number | null): DeclaredEntry => ({
  agent,
  model: 'claude-haiku-4-5-20251001',
  inputTokens,
  outputTokens,
  totalTokens: null,
  estimatedCost: null,
});

function declaration(
  taskId: string,
  ts: number,
  entries: DeclaredEntry[],
  more: Partial<Declaration> = {},
): Declaration {
  return {
    taskId,
    ts,
    declaredAt: new Date(ts).toISOString(),
    summary: 'Add a flag',
    mode: 'log_only',
    project: '/p',
    receivedAt: ts,
    missing: [],
    entries,
    ...more,
  };
}

export function telemetryContract(open: OpenLedger): void {
  describe('declared telemetry', () => {
    it('merges declarations per agent × model (a null keeps the value before) and counts them', async () => {
      await withLedger(open, async ({ store }) => {
        await store.declareTask(
          declaration('D-1', T0, [entry('planner', 500, 50), entry('coder', 100, 10)]),
          ORIGIN,
        );
        await store.declareTask(
          declaration('D-1', T0 + 60_000, [entry('coder', null, 70)], {
            missing: ['entries[0].input_tokens'],
          }),
          { machine: 'laptop', user: 'dev' },
        );
        const [d, ...more] = await store.declaredTasks({});
        expect(more).toEqual([]);
        expect(d).toMatchObject({
          taskId: 'D-1',
          ts: T0,
          declaredAt: new Date(T0).toISOString(),
          summary: 'Add a flag',
          project: '/p',
          machine: 'laptop',
          user: 'dev',
          missing: ['entries[0].input_tokens'],
          captured: false,
        });
        expect([...(d?.entries ?? [])].sort((a, b) => a.agent.localeCompare(b.agent))).toEqual([
          entry('coder', 100, 70),
          entry('planner', 500, 50),
        ]);
        expect(await inputBy(store, ['task'])).toEqual({ 'D-1': 600 });
        expect(await inputBy(store, ['task', 'agent'])).toEqual({ 'D-1|coder': 100, 'D-1|planner': 500 });
        expect((await store.stats()).declaredRecords).toBe(2);
        // Declared rows carry a task's total, not a response's time.
        expect(await store.responseTimes()).toEqual([]);
        expect((await store.declaredTasks({ fromMs: T0 + 1 })).length).toBe(0);
        expect((await store.declaredTasks({ taskIds: ['D-1', 'D-2'] })).map((t) => t.taskId)).toEqual([
          'D-1',
        ]);
      });
    });

    it('captured usage attributed to the task replaces its declared usage', async () => {
      await withLedger(open, async ({ store }) => {
        await store.declareTask(declaration('T', T0, [entry('coder', 1000, 10)]), ORIGIN);
        await store.declareTask(declaration('U', T0, [entry('coder', 5, 1)]), ORIGIN);
        await store.openSpan({ scope: 'session', sessionId: 's-T', fromTs: T0, taskId: 'T', source: 'run' });
        await store.writeFiles(
          [fileWrite('/t/a.jsonl', [usage({ dedupKey: 'k', sessionId: 's-T', ts: T0 + 1, input: 42 })])],
          ORIGIN,
        );
        await store.attributePending({});
        expect(await inputBy(store, ['task'])).toEqual({ T: 42, U: 5 });
        expect(
          Object.fromEntries((await store.declaredTasks({})).map((t) => [t.taskId, t.captured])),
        ).toEqual({
          T: true,
          U: false,
        });
        // Declaring again does not bring the declared usage back.
        await store.declareTask(declaration('T', T0, [entry('coder', 2000, 10)]), ORIGIN);
        expect(await inputBy(store, ['task'])).toEqual({ T: 42, U: 5 });
      });
    });

    it('keeps the error log by key: an update keeps the first sighting, and pending ones can be listed', async () => {
      await withLedger(open, async ({ store }) => {
        const e = {
          key: 'missing:D-1:entries[0].model',
          at: T0,
          taskId: 'D-1',
          field: 'entries[0].model',
          kind: 'tracking_failure' as const,
          problem: 'model missing',
          resolution: null,
        };
        const other = {
          ...e,
          key: 'anomaly:D-2',
          at: T0 + 5_000,
          taskId: 'D-2',
          field: null,
          kind: 'anomaly' as const,
        };
        await store.saveTelemetryErrors([e, other]);
        await store.saveTelemetryErrors([{ ...e, at: T0 + 9_000, problem: 'model still missing' }]);
        const rows = await store.telemetryErrors({});
        expect(rows.map((r) => [r.key, r.at, r.problem, r.resolvedAt])).toEqual([
          [e.key, T0, 'model still missing', null],
          [other.key, T0 + 5_000, 'model missing', null],
        ]);
        await store.saveTelemetryErrors([{ ...e, resolution: 'the model was declared later' }]);
        const pending = await store.telemetryErrors({ pending: true });
        expect(pending.map((r) => r.key)).toEqual([other.key]);
        const [resolved] = await store.telemetryErrors({ toMs: T0 + 1 });
        expect(resolved).toMatchObject({ key: e.key, resolution: 'the model was declared later', at: T0 });
        expect(resolved?.resolvedAt).not.toBeNull();
        expect((await store.telemetryErrors({ fromMs: T0 + 1 })).map((r) => r.key)).toEqual([other.key]);
      });
    });

    describe('declared telemetry and captured usage never count twice', () => {
      it(
        'holds for any interleaving',
        async () => {
          await fc.assert(
            fc.asyncProperty(
              fc.array(op, { minLength: 1, maxLength: 8 }),
              fc.boolean(),
              async (ops, importEach) => {
                const world = new World(await open());
                try {
                  const base = Date.parse('2026-11-20T10:00:00Z');
                  // One session per task, attributed to it from the start.
                  for (const t of TASKS) {
                    await world.store.openSpan({
                      scope: 'session',
                      sessionId: `s-${t}`,
                      fromTs: base,
                      taskId: t,
                      source: 'task',
                    });
                  }
                  const declared = new Map<string, Map<number, number>>();
                  const captured = new Map<string, number>();
                  for (const [n, o] of ops.entries()) {
                    const task = TASKS[o.task] ?? 'A';
                    if (o.kind === 'declare') {
                      const [agent, model] = PAIRS[o.pair] ?? PAIRS[0];
                      const e: DeclaredEntry = {
                        agent,
                        model,
                        inputTokens: o.input,
                        outputTokens: o.output,
                        totalTokens: o.input + o.output,
                        estimatedCost: null,
                      };
                      await world.store.declareTask(
                        {
                          taskId: task,
                          ts: base + n,
                          declaredAt: null,
                          summary: 's',
                          mode: 'log_only',
                          project: '/p',
                          receivedAt: base + n,
                          missing: [],
                          entries: [e],
                        },
                        { machine: 'm', user: 'u' },
                      );
                      const pairs = declared.get(task) ?? new Map<number, number>();
                      pairs.set(o.pair, o.input);
                      declared.set(task, pairs);
                    } else {
                      world.call({ session: `s-${task}`, cwd: '/p', at: base + 1000 + n, input: o.input });
                      captured.set(task, (captured.get(task) ?? 0) + o.input);
                      if (importEach) await world.import();
                    }
                  }
                  await world.import();
                  const expected: Record<string, number> = {};
                  for (const t of TASKS) {
                    const c = captured.get(t);
                    const d = declared.get(t);
                    if (c !== undefined) expected[t] = c;
                    else if (d !== undefined) expected[t] = [...d.values()].reduce((a, b) => a + b, 0);
                  }
                  const got = await world.inputBy(['task']);
                  expect(got).toEqual(expected);
                  // Each declared task knows whether captured usage replaced it.
                  for (const t of await world.store.declaredTasks({}))
                    expect(t.captured).toBe(captured.has(t.taskId));
                } finally {
                  await world.close();
                }
              },
            ),
            { numRuns: 40 },
          );
        },
        PROPERTY_TIMEOUT_MS,
      );
    });
  });
}
