/**
 * The budget spend hooks and the status line use (a recent sum of the period's settled part plus
 * what came since) against the whole period summed afresh, on a real SQLite ledger: equal while
 * nothing older than an hour changes, and equal again within 15 minutes after something does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZonedClock } from '../../src/analysis/zoned-time.js';
import { type BudgetContext, budgetStatus } from '../../src/app/budget-status.js';
import type { BudgetInput, BudgetRow } from '../../src/ledger/budget-repository.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import { createPricer } from '../../src/pricing/create-pricer.js';
import { usage, writeUsage } from '../ledger/jsonl/jsonl-helpers.js';

const HOUR = 3_600_000;
// Wednesday 2026-12-16, 12:00 UTC.
const NOW = Date.UTC(2026, 11, 16, 12);
const ORIGIN = { machine: 'm', user: 'u' };
const pricer = createPricer();

let dir: string;
let store: SqliteStore;
let n = 0;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-budget-spend-'));
  store = SqliteStore.open(path.join(dir, 'ledger.db'));
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function at(ts: number, input: number, project = '/home/dev/app') {
  n++;
  return usage({ dedupKey: `m${n}:r${n}`, ts, input, output: 0, project });
}

function ctx(now: number, cached: boolean): BudgetContext {
  return { store, pricer: () => pricer, stageMap: {}, clock: new ZonedClock('UTC'), now, cached };
}

async function both(b: BudgetRow, now: number) {
  const fresh = await budgetStatus(ctx(now, false), b);
  const cached = await budgetStatus(ctx(now, true), b);
  return { fresh, cached };
}

const BUDGETS: BudgetInput[] = [
  { name: 'all', unit: 'tokens', limit: 10_000, period: 'month', scope: { kind: 'all', value: null } },
  { name: 'app', unit: 'usd', limit: 1, period: 'week', scope: { kind: 'project', value: '/home/dev/app' } },
];

describe('the spend hooks use', () => {
  it('equals the whole period summed afresh while only the last hour changes', async () => {
    await writeUsage(
      store,
      [at(NOW - 50 * HOUR, 1000), at(NOW - 2 * HOUR, 500), at(NOW - 10 * 60_000, 200)],
      ORIGIN,
    );
    for (const input of BUDGETS) {
      const b = await store.saveBudget(input, NOW - 100 * HOUR);
      const first = await both(b, NOW);
      expect(first.cached).toEqual(first.fresh);
      // New usage in the last hour, then a later call: the sum of the settled part is reused.
      await writeUsage(store, [at(NOW + 60_000, 300, '/home/dev/app/sub')], ORIGIN);
      const later = await both(b, NOW + 5 * 60_000);
      expect(later.cached.spent).toBeCloseTo(later.fresh.spent, 12);
      expect(later.cached.reached).toEqual(later.fresh.reached);
      expect(later.cached.forecast.basis.from).toBe(later.fresh.forecast.basis.from);
    }
    expect(JSON.parse((await store.metaValue('budget-spend:all')) ?? '{}')).toMatchObject({
      period: '2026-12',
      spent: 1500,
      watermark: NOW - HOUR,
    });
  });

  it('counts usage imported late for an older hour within 15 minutes, and starts over with a new limit or period', async () => {
    const input = BUDGETS[0] as BudgetInput;
    let b = await store.saveBudget(input, NOW - 100 * HOUR);
    await writeUsage(store, [at(NOW - 3 * HOUR, 4000)], ORIGIN);
    expect((await both(b, NOW)).cached.spent).toBe(4000);
    // Another machine imports usage of the morning.
    await writeUsage(store, [at(NOW - 5 * HOUR, 2000)], ORIGIN);
    const soon = await both(b, NOW + 60_000);
    expect(soon.fresh.spent).toBe(6000);
    expect(soon.cached.spent).toBe(4000);
    const after = await both(b, NOW + 15 * 60_000);
    expect(after.cached).toEqual(after.fresh);
    // A new limit: summed afresh at once.
    await writeUsage(store, [at(NOW - 4 * HOUR, 1000)], ORIGIN);
    b = await store.saveBudget({ ...input, limit: 8000 }, NOW + 16 * 60_000);
    const relimited = await both(b, NOW + 16 * 60_000);
    expect(relimited.cached).toEqual(relimited.fresh);
    expect(relimited.cached).toMatchObject({ spent: 7000, reached: [50, 75] });
    // The next month starts from nothing.
    const next = await both(b, Date.UTC(2027, 0, 1, 0, 30));
    expect(next.cached).toMatchObject({ periodKey: '2027-01', spent: 0 });
    expect(next.cached).toEqual(next.fresh);
  });
});
