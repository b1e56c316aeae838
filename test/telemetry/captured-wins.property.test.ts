/**
 * Property: whatever the order of declarations (seed 000 telemetry) and captured usage (transcripts
 * attributed to the same tasks through spans), each task counts exactly once: its captured usage
 * when it has any, else the latest declared value of each agent × model pair.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeclaredEntry } from '../../src/ledger/telemetry-repository.js';
import { World } from '../attribution/world.js';

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

describe('declared telemetry and captured usage never count twice', () => {
  it('holds for any interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        async (ops, importEach) => {
          const world = new World();
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
  });
});
