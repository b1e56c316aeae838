/**
 * Many machines, one PostgreSQL: imports, spans, declarations and attribute steps running at the same
 * time on separate connections end with the same attribution and the same counted declarations as
 * the same work done one step after another on SQLite. (What this guards: a row written while a span
 * opens must still wait for the attribute step; two processes never derive a task's declared rows at
 * once.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../../src/capture/types.js';
import { PostgresStore } from '../../../src/ledger/postgres/postgres-store.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import type { SpanInput } from '../../../src/ledger/task-repository.js';
import type { Declaration } from '../../../src/ledger/telemetry-repository.js';
import { createTestDatabase, postgresAvailable } from '../../helpers/postgres.js';
import { expectTaskRollupConsistent } from '../../helpers/task-rollup-check.js';
import { backends, call, fileOf, inputBy, MIN, ORIGIN, P, T0 } from './parity.js';

const available = await postgresAvailable();
const b = backends();
afterAll(() => b.cleanup());

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

interface Work {
  batches: UsageRecord[][];
  spans: SpanInput[];
  declarations: Declaration[];
}

function work(seed: number): Work {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const dirs = [P, `${P}/web`, `${P}/web/deep`, '/home/dev/other'];
  const records = Array.from({ length: 240 }, () =>
    call({
      session: `s${Math.floor(rnd() * 8)}`,
      at: T0 + Math.floor(rnd() * 120) * MIN,
      input: 1 + Math.floor(rnd() * 1000),
      cwd: pick(dirs),
      ...(rnd() < 0.3 ? { agentId: `a${Math.floor(rnd() * 3)}` } : {}),
    }),
  );
  const batches: UsageRecord[][] = [];
  for (let i = 0; i < records.length; i += 12) batches.push(records.slice(i, i + 12));
  const tasks = ['T-0', 'T-1', 'T-2', 'T-3', 'T-4', 'T-5'];
  const spans: SpanInput[] = Array.from({ length: 14 }, (_, i) => {
    const fromTs = T0 + Math.floor(rnd() * 100) * MIN;
    const toTs = rnd() < 0.5 ? fromTs + Math.floor(rnd() * 60) * MIN : null;
    const scope = pick(['project', 'session', 'agent'] as const);
    return {
      scope,
      project: scope === 'project' ? pick(dirs) : null,
      sessionId: scope === 'project' ? null : `s${Math.floor(rnd() * 8)}`,
      agentId: scope === 'agent' ? `a${Math.floor(rnd() * 3)}` : null,
      fromTs,
      toTs,
      taskId: pick(tasks),
      stage: rnd() < 0.5 ? `stage${i % 3}` : null,
      labels: rnd() < 0.5 ? { team: pick(['core', 'qa']) } : null,
      source: 'task',
    };
  });
  const declarations: Declaration[] = ['T-0', 'T-3', 'T-5', 'T-D'].map((taskId, i) => ({
    taskId,
    ts: T0 + i * MIN,
    declaredAt: null,
    summary: 'declared',
    mode: 'estimated',
    project: P,
    receivedAt: T0,
    missing: [],
    entries: [
      {
        agent: 'main',
        model: 'opus',
        inputTokens: 100 * (i + 1),
        outputTokens: 10,
        totalTokens: null,
        estimatedCost: null,
      },
    ],
  }));
  return { batches, spans, declarations };
}

async function outcome(store: LedgerStore) {
  await store.attributePending({});
  return {
    byTaskStage: await inputBy(store, ['task', 'stage', 'label:team']),
    declared: (await store.declaredTasks({})).map((t) => [t.taskId, t.captured]),
    stats: await store.stats(),
  };
}

describe.skipIf(!available)('many machines on one PostgreSQL', () => {
  for (const seed of [1, 2, 3]) {
    it(`concurrent imports, spans, declarations and attribute steps agree with SQLite (seed ${seed})`, async () => {
      const w = work(seed);
      const lite = await b.sqlite();
      for (const batch of w.batches) await lite.writeFiles([fileOf(batch)], ORIGIN);
      for (const span of w.spans) await lite.openSpan(span);
      for (const d of w.declarations) await lite.declareTask(d, ORIGIN);
      const expected = await outcome(lite);

      const db = await createTestDatabase();
      const [a, c, d] = await Promise.all([0, 1, 2].map(() => PostgresStore.open(db.location)));
      if (a === undefined || c === undefined || d === undefined) throw new Error('three stores');
      try {
        let declaring = true;
        await Promise.all([
          (async () => {
            for (const batch of w.batches) await a.writeFiles([fileOf(batch)], ORIGIN);
          })(),
          (async () => {
            for (const [i, span] of w.spans.entries()) {
              await c.openSpan(span);
              // Declaring again re-derives the task's rows while the attribute steps reconcile them.
              for (const declaration of w.declarations.slice(0, i + 1))
                await c.declareTask(declaration, ORIGIN);
            }
            declaring = false;
          })(),
          (async () => {
            while (declaring) await d.attributePending({});
          })(),
        ]);
        expect(await outcome(a)).toEqual(expected);
        await expectTaskRollupConsistent(a);
      } finally {
        for (const s of [a, c, d]) await s.close();
        await db.drop();
      }
    });
  }
});
