/**
 * forget gives the same outcome on PostgreSQL as on SQLite, a dry run tells exactly what applying
 * does, and what was forgotten stays out of later imports.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../../src/capture/types.js';
import type { ForgetSelection } from '../../../src/ledger/forget.js';
import { taskKey, usageKey } from '../../../src/ledger/record-identity.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import { postgresAvailable } from '../../helpers/postgres.js';
import { expectTaskRollupConsistent } from '../../helpers/task-rollup-check.js';
import { backends, fileOf, frozen, MIN, ORIGIN, observe, T0 } from './parity.js';
import { attributionInput, richLedger, telemetryInput } from './scenarios.js';

const DAY = 86_400_000;
const STAGES = { reviewer: 'verify' };
const available = await postgresAvailable();
const b = backends();
afterAll(() => b.cleanup());

const SELECTIONS: ForgetSelection[] = [
  { source: 'hook', fromMs: T0 - DAY },
  { taskId: 'T-1' },
  { source: 'claude', fromMs: T0, toMs: T0 + 3 * MIN },
  { source: 'telemetry' },
  { source: 'run', taskId: 'W' },
  { taskId: 'RUN' },
];

async function forgetScenario(store: LedgerStore, records: UsageRecord[]) {
  const steps = [];
  for (const selection of SELECTIONS) {
    const dry = await store.forget(selection, { apply: false, stageMap: STAGES });
    const unchanged = await observe(store);
    const applied = await store.forget(selection, { apply: true, stageMap: STAGES });
    // A dry run tells exactly what applying does.
    expect({ ...dry, applied: true, remembered: applied.remembered }).toEqual(applied);
    steps.push({ dry, unchanged, applied, after: await observe(store) });
  }
  const keys = [...records.map((r) => usageKey(r.dedupKey)), taskKey('T-1'), taskKey('W')];
  const forgotten = [...(await store.forgottenKeys(keys))].sort();
  // Imports skip what was forgotten.
  const rewrite = await store.writeFiles([fileOf(records)], ORIGIN);
  // Declaring a task again by hand forgets its forgetting.
  await store.saveTask({ id: 'T-1', title: 'back' });
  const cleared = [...(await store.forgottenKeys([taskKey('T-1')]))];
  return { steps, forgotten, rewrite, cleared, end: await observe(store) };
}

describe.skipIf(!available)('forget on PostgreSQL and SQLite', () => {
  it('forgets the same things with the same outcome, dry run or not, and keeps them out', async () => {
    const input = attributionInput();
    const captured = telemetryInput();
    const lite = await b.sqlite();
    const pg = await b.postgres();
    await frozen(T0 + DAY, () => richLedger(lite, input, captured));
    await frozen(T0 + DAY, () => richLedger(pg, input, captured));
    const all = [...input.records, ...input.later, ...captured];
    const expected = await frozen(T0 + 2 * DAY, () => forgetScenario(lite, all));
    const actual = await frozen(T0 + 2 * DAY, () => forgetScenario(pg, all));
    // Each selection removed or moved something.
    const [hook, task, claude, telemetry, run] = expected.steps.map((s) => s.applied);
    expect(hook?.spans).toEqual({ hook: 2 });
    expect(task?.tasks.map((t) => t.id)).toEqual(['T-1']);
    expect(task?.reattributed.length).toBeGreaterThan(0);
    expect(claude?.removedCalls.length).toBeGreaterThan(0);
    expect(telemetry?.declared.taskIds).toEqual(['T-E', 'T-D']);
    expect(run?.runs.count).toBe(1);
    expect(expected.forgotten.length).toBeGreaterThan(1);
    expect(expected.rewrite.forgotten).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
    await expectTaskRollupConsistent(pg);
  });
});
