/**
 * Property: whatever the mix of captured usage (transcripts attributed to tasks, or to none) and
 * declared telemetry (for the same tasks or others), the `.token-usage/` tree counts every token of
 * the ledger exactly once:
 * - each day's Totals table sums to the ledger's tokens of that day, and so do the day's tasks plus
 *   its `Unattributed (no task)` line;
 * - the task files plus the unattributed usage sum to the ledger's total (one day: the day's total);
 * - each task file shows its captured usage when it has any, else its declaration (captured wins);
 * - syncing day by day (as `record` does) writes the same bytes as syncing everything at once, and
 *   a second sync rewrites nothing.
 * The expected numbers are worked out from the operations alone, not read back from the ledger.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeclaredEntry } from '../../src/ledger/telemetry-repository.js';
import { syncTree } from '../../src/outputs/token-usage-tree/sync-tree.js';
import { createPricer } from '../../src/pricing/create-pricer.js';
import { World } from '../attribution/world.js';

const TASKS = ['A', 'B', 'C', 'D'] as const;
const DAYS = ['2026-11-20', '2026-11-21'] as const;
const MODELS = ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001'] as const;
const PAIRS = [
  ['build-lead', 'opus'],
  ['ui-impl', 'sonnet'],
] as const;

type Op =
  /** A call in task `task`'s session (TASKS.length: a session of no task), main thread or a subagent. */
  | { kind: 'capture'; task: number; sub: boolean; model: number; input: number; day: number }
  | { kind: 'declare'; task: number; pair: number; input: number; output: number; day: number };

const op = (days: number): fc.Arbitrary<Op> =>
  fc.oneof(
    fc.record({
      kind: fc.constant('capture' as const),
      task: fc.integer({ min: 0, max: TASKS.length }),
      sub: fc.boolean(),
      model: fc.integer({ min: 0, max: MODELS.length - 1 }),
      input: fc.integer({ min: 1, max: 5000 }),
      day: fc.integer({ min: 0, max: days - 1 }),
    }),
    fc.record({
      kind: fc.constant('declare' as const),
      task: fc.integer({ min: 0, max: TASKS.length - 1 }),
      pair: fc.integer({ min: 0, max: PAIRS.length - 1 }),
      input: fc.integer({ min: 0, max: 5000 }),
      output: fc.integer({ min: 0, max: 500 }),
      day: fc.integer({ min: 0, max: days - 1 }),
    }),
  );

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const f of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isFile()) out[f.split(path.sep).join('/')] = fs.readFileSync(p, 'utf8');
  }
  return out;
}

const count = (text: string) => Number(text.replaceAll(',', ''));

/** The Total column of a daily summary's Totals table. */
function tableTotal(summary: string): number {
  const section = summary.split('## Totals')[1]?.split('## Top Expensive Tasks')[0] ?? '';
  let sum = 0;
  for (const line of section.split('\n')) {
    const m = /^\| [^|]+ \| [^|]+ \| [\d,]+ \| [\d,]+ \| ([\d,]+) \| [^|]+ \|$/.exec(line);
    if (m !== null) sum += count(m[1] ?? '');
  }
  return sum;
}

/** The tokens of each task of a daily summary (at most 5 tasks are listed; these days have ≤ 4). */
function dayTasks(summary: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of summary.matchAll(/^\d+\. \*\*([^*]+)\*\*: .* ([\d,]+) tokens, [^\n]+$/gm)) {
    out.set(m[1] ?? '', count(m[2] ?? ''));
  }
  return out;
}

function unattributed(summary: string): number {
  const m = /^Unattributed \(no task\): ([\d,]+) tokens, /m.exec(summary);
  return m === null ? 0 : count(m[1] ?? '');
}

async function check(ops: readonly Op[]): Promise<void> {
  const world = new World();
  try {
    const start = (day: number) => Date.parse(`${DAYS[day] ?? DAYS[0]}T00:00:00Z`);
    for (const t of TASKS) {
      await world.store.openSpan({
        scope: 'session',
        sessionId: `s-${t}`,
        fromTs: start(0),
        taskId: t,
        source: 'task',
      });
    }
    // Expected, from the operations alone: captured tokens per task ('' for none) and day; the
    // latest declared total per task and pair; the day of each task's first declaration.
    const captured = new Map<string, number[]>();
    const declared = new Map<string, Map<number, number>>();
    const declaredDay = new Map<string, number>();
    for (const [n, o] of ops.entries()) {
      if (o.kind === 'capture') {
        const task = TASKS[o.task] ?? '';
        world.call({
          session: `s-${task || 'none'}`,
          cwd: '/p',
          at: start(o.day) + 3_600_000 + n * 1000,
          input: o.input,
          model: MODELS[o.model] ?? MODELS[0],
          ...(o.sub ? { agentId: `a${o.task}` } : {}),
        });
        const days = captured.get(task) ?? DAYS.map(() => 0);
        days[o.day] = (days[o.day] ?? 0) + o.input + 1; // World calls output 1 token each
        captured.set(task, days);
      } else {
        const task = TASKS[o.task] ?? 'A';
        const [agent, model] = PAIRS[o.pair] ?? PAIRS[0];
        const ts = start(o.day) + 7_200_000 + n * 1000;
        const e: DeclaredEntry = {
          agent,
          model,
          inputTokens: o.input,
          outputTokens: o.output,
          totalTokens: o.input + o.output,
          estimatedCost: (o.input + o.output) / 1e6,
        };
        await world.store.declareTask(
          {
            taskId: task,
            ts,
            declaredAt: new Date(ts).toISOString(),
            summary: `Task ${task}.`,
            mode: 'log_only',
            project: '/p',
            receivedAt: ts,
            missing: [],
            entries: [e],
          },
          { machine: 'm', user: 'u' },
        );
        const pairs = declared.get(task) ?? new Map<number, number>();
        pairs.set(o.pair, o.input + o.output);
        declared.set(task, pairs);
        if (!declaredDay.has(task)) declaredDay.set(task, o.day);
      }
    }
    await world.import();

    const sum = (xs: Iterable<number>) => [...xs].reduce((a, b) => a + b, 0);
    const isCaptured = (t: string) => sum(captured.get(t) ?? []) > 0;
    const expectedDay = DAYS.map((_, d) => {
      let tokens = sum([...captured.values()].map((days) => days[d] ?? 0));
      for (const [t, pairs] of declared)
        if (!isCaptured(t) && declaredDay.get(t) === d) tokens += sum(pairs.values());
      return tokens;
    });
    // The ledger agrees (nothing counted twice there either).
    for (const [d, date] of DAYS.entries()) {
      const rows = await world.store.groups({
        dimensions: [],
        filter: { fromMs: start(d), toMs: start(d) + 86_400_000 },
      });
      expect(sum(rows.map((r) => r.input + r.output + r.cacheWrite + r.cacheRead)), date).toBe(
        expectedDay[d],
      );
    }

    const pricer = createPricer();
    const root = path.join(world.root, 'tree');
    await syncTree(world.store, pricer, { root, project: null });
    const files = readTree(root);

    let unattributedAll = 0;
    for (const [d, date] of DAYS.entries()) {
      const summary = files[`usage-${date}.md`];
      // A day has a summary when usage counts on it, or a declaration that counts (even of 0 tokens).
      const counts = [...declaredDay].some(([t, day]) => day === d && !isCaptured(t));
      if ((expectedDay[d] ?? 0) === 0 && !counts) {
        expect(summary, date).toBeUndefined();
        continue;
      }
      expect(summary, date).toBeDefined();
      const text = summary ?? '';
      expect(tableTotal(text), date).toBe(expectedDay[d]);
      const tasks = dayTasks(text);
      expect(sum(tasks.values()) + unattributed(text), date).toBe(expectedDay[d]);
      expect(unattributed(text), date).toBe(captured.get('')?.[d] ?? 0);
      for (const t of TASKS) {
        const own = isCaptured(t)
          ? (captured.get(t)?.[d] ?? 0)
          : declaredDay.get(t) === d
            ? sum(declared.get(t)?.values() ?? [])
            : 0;
        const listed = isCaptured(t) ? (captured.get(t)?.[d] ?? 0) > 0 : declaredDay.get(t) === d;
        expect(tasks.get(t), `${date} ${t}`).toBe(listed ? own : undefined);
      }
      unattributedAll += unattributed(text);
    }

    // Task files: captured wins per task; with the unattributed usage they make up the ledger's total.
    const taskFiles = Object.entries(files).filter(([f]) => f.startsWith('tasks/'));
    const byTask = new Map(
      taskFiles.map(([, text]) => {
        const json = JSON.parse(text) as {
          task_id: string;
          source: string;
          totals: { total_tokens: number };
        };
        return [json.task_id, json] as const;
      }),
    );
    for (const t of TASKS) {
      const file = byTask.get(t);
      if (isCaptured(t)) {
        expect(file?.source, t).toBe('captured');
        expect(file?.totals.total_tokens, t).toBe(sum(captured.get(t) ?? []));
      } else if (declared.has(t)) {
        expect(file?.source, t).toBe('declared');
        expect(file?.totals.total_tokens, t).toBe(sum(declared.get(t)?.values() ?? []));
      } else {
        expect(file, t).toBeUndefined();
      }
    }
    expect(byTask.size).toBe(taskFiles.length);
    expect(sum([...byTask.values()].map((f) => f.totals.total_tokens)) + unattributedAll).toBe(
      sum(expectedDay),
    );

    // Deterministic and idempotent; day by day (as `record` syncs) gives the same bytes.
    const again = await syncTree(world.store, pricer, { root, project: null });
    expect(again.written).toEqual([]);
    const byDay = path.join(world.root, 'by-day');
    for (const date of DAYS)
      await syncTree(world.store, pricer, { root: byDay, project: null, dates: new Set([date]) });
    expect(readTree(byDay)).toEqual(files);
  } finally {
    await world.close();
  }
}

describe('the .token-usage tree counts every token of the ledger once', () => {
  it('on one day: the task files plus the unattributed usage are the day total', async () => {
    await fc.assert(fc.asyncProperty(fc.array(op(1), { minLength: 1, maxLength: 8 }), check), {
      numRuns: 25,
    });
  });

  it('over two days, with tasks that span both', async () => {
    await fc.assert(fc.asyncProperty(fc.array(op(2), { minLength: 1, maxLength: 10 }), check), {
      numRuns: 25,
    });
  });
});
