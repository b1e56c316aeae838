/**
 * Regression: merging a row again before any reader refreshed the rollups must not fail. A trigger
 * fired by the upsert takes the upsert's conflict handling, so the triggers' old INSERT OR IGNORE
 * raised UNIQUE when the bucket or (task, day) was marked already (found by the JSONL import work).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../src/capture/types.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import { HOUR, MIN, T0, usage } from './jsonl/jsonl-helpers.js';

const ORIGIN = { machine: 'm', user: 'u' };
let dir: string;
let store: SqliteStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-dirty-'));
  store = SqliteStore.open(path.join(dir, 'ledger.db'));
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** One writeFiles call, without the refresh a reader would do. */
async function write(records: UsageRecord[]): Promise<void> {
  await store.writeFiles(
    [
      {
        path: '/mem/t.jsonl',
        cursor: null,
        fromStart: false,
        readAt: Date.now(),
        bytesRead: 0,
        bytesLeft: 0,
        records,
        costCheckpoints: [],
        agentFacts: [],
        problems: [],
      },
    ],
    ORIGIN,
  );
}

describe('dirty-marking triggers under repeated merges', () => {
  it('a row whose time moves to an earlier bucket twice before a refresh', async () => {
    await write([usage({ dedupKey: 'k', ts: T0 + 40 * MIN })]);
    await write([usage({ dedupKey: 'other', ts: T0 + 40 * MIN })]);
    await write([usage({ dedupKey: 'k', ts: T0 + 20 * MIN, output: 6 })]);
    await write([usage({ dedupKey: 'k', ts: T0, output: 7 })]);
    const [row] = await store.groups({ dimensions: [], filter: {}, grain: 'day' });
    expect(row?.output).toBe(12);
    expect(row?.responses).toBe(2);
    expect((await store.buckets(null, null)).reduce((a, b) => a + b.output, 0)).toBe(12);
  });

  it("a task's row merged again while its (task, day) is still marked", async () => {
    await store.openSpan({
      scope: 'session',
      sessionId: 's1',
      fromTs: T0 - HOUR,
      taskId: 'T-1',
      source: 'task',
    });
    await write([usage({ dedupKey: 'k', ts: T0, output: 5, outputFinal: false })]);
    await store.attributePending({});
    // Not refreshed: the (T-1, day) pair is still marked when the row grows twice.
    await write([usage({ dedupKey: 'k', ts: T0, output: 50, outputFinal: false })]);
    await write([usage({ dedupKey: 'k', ts: T0 - MIN, output: 80 })]);
    const groups = await store.taskDayGroups(['T-1']);
    expect(groups.reduce((a, g) => a + g.output, 0)).toBe(80);
  });
});
