/**
 * The rollups' invariant, read through the contract only: the 15-minute rollup (`buckets`), the
 * local-day sums (`days`) and the per-task rollup (`taskDayGroups`) equal what grouping the usage
 * itself (`groups`) gives.
 * @module
 */
import { expect } from 'vitest';
import type { LedgerStore } from '../../../src/ledger/store.js';
import type { UsageSums } from '../../../src/ledger/usage-sums.js';
import { expectTaskRollupConsistent } from '../../helpers/task-rollup-check.js';
import { sumsOf } from './ledger-inputs.js';

const FAR = Date.UTC(2100, 0, 1);
const BUCKETS_PER_DAY = 96;

type Keyed = UsageSums & { model: string; sizeClass: number; speed: string; geo: string };

function sumByKey<T extends Keyed>(rows: readonly T[], at: (r: T) => number): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const r of rows) {
    const key = [at(r), r.model, r.sizeClass, r.speed, r.geo].join('|');
    const add = sumsOf(r);
    out[key] = (out[key] ?? add.map(() => 0)).map((x, i) => x + (add[i] ?? 0));
  }
  return out;
}

/** Checks every rollup against the usage; returns how many 15-minute groups the ledger has. */
export async function expectRollupsConsistent(store: LedgerStore): Promise<number> {
  const rows = await store.groups({ dimensions: [], filter: {} });
  const buckets = await store.buckets(null, null);
  expect(sumByKey(buckets, (r) => r.bucket)).toEqual(sumByKey(rows, (r) => r.bucket));
  const days = await store.days([{ fromMs: 0, toMs: FAR, offsetMs: 0 }]);
  expect(sumByKey(days, (r) => r.day)).toEqual(sumByKey(rows, (r) => Math.floor(r.bucket / BUCKETS_PER_DAY)));
  await expectTaskRollupConsistent(store);
  return rows.length;
}
