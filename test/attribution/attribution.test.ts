/**
 * Attribution in SQLite: the per-task rollup follows changes made to usage rows behind the store's
 * back (its triggers). The rules themselves are checked for every backend by the conformance suite
 * (test/ledger/conformance/attribution.contract.ts).
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startTask } from '../../src/ledger/task-actions.js';
import { expectTaskRollupConsistent } from '../helpers/task-rollup-check.js';
import { World } from './world.js';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const MIN = 60_000;
const P = '/home/dev/app';

let world: World;
afterEach(async () => {
  // Whatever a test did to attribution, the per-task rollup agrees with the usage rows.
  await expectTaskRollupConsistent(world.store);
  await world.close();
});

describe('the per-task rollup', () => {
  it('follows merges, moves and deletions of attributed rows', async () => {
    world = new World();
    world.call({ session: 's1', cwd: P, at: T0 + MIN, input: 10 });
    world.call({ session: 's1', cwd: P, at: T0 + 2 * MIN, input: 20 });
    world.call({ session: 's1', cwd: P, at: T0 + 25 * 60 * MIN, input: 40 }); // the next UTC day
    await world.import();
    await startTask(world.store, { id: 'T-9', project: P, at: T0 }, {});
    expect(await expectTaskRollupConsistent(world.store)).toBe(2);
    const db = new Database(world.store.location);
    try {
      // A later line of the same response (max-merge), a timestamp moved a day earlier, a row gone.
      db.prepare('UPDATE usage SET input_tokens = input_tokens + 5 WHERE input_tokens = 10').run();
      db.prepare('UPDATE usage SET ts = ts - 86400000 WHERE input_tokens = 20').run();
      db.prepare('DELETE FROM usage WHERE input_tokens = 40').run();
    } finally {
      db.close();
    }
    expect(await expectTaskRollupConsistent(world.store)).toBe(2);
    const rows = await world.store.taskDayGroups(['T-9']);
    expect(rows.reduce((n, r) => n + r.input, 0)).toBe(35);
  });
});
