/**
 * The per-task rollup's invariant: for every task the ledger knows or has usage for, its rows equal
 * what grouping the usage itself gives.
 */
import { expect } from 'vitest';
import type { LedgerStore } from '../../src/ledger/store.js';
import type { GroupRow } from '../../src/ledger/usage-repository.js';

const key = (r: GroupRow) =>
  [r.values.task, r.bucket, r.model, r.sizeClass, r.speed, r.geo, r.reportedRows > 0].join('|');
const sorted = (rows: GroupRow[]) =>
  [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

export async function expectTaskRollupConsistent(store: LedgerStore): Promise<number> {
  const known = (await store.tasks()).map((t) => t.id);
  const used = (await store.groups({ dimensions: ['task'], filter: {} })).map((r) => r.values.task ?? '');
  const tasks = [...new Set([...known, ...used])].filter((t) => t !== '' && t !== '-');
  const fromUsage = await store.groups({ dimensions: ['task'], filter: { tasks }, grain: 'day' });
  const fromRollup = await store.taskDayGroups(tasks);
  expect(sorted(fromRollup)).toEqual(sorted(fromUsage));
  return fromRollup.length;
}
