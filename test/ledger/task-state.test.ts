/**
 * Task state in a real SQLite ledger: what "active" means (one definition: an open `task start`
 * span), the status users see, and the tasks that get known without being started.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import {
  activeTask,
  activeTaskIds,
  ensureParent,
  knownTask,
  requireTask,
  startTask,
  stopTask,
  taskStatus,
} from '../../src/ledger/task-actions.js';
import type { TaskRow } from '../../src/ledger/task-repository.js';

let root: string;
let store: SqliteStore;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-task-state-'));
  store = SqliteStore.open(path.join(root, 'ledger.db'));
});

afterEach(async () => {
  await store.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const statuses = async () => {
  const active = await activeTaskIds(store);
  return Object.fromEntries((await store.tasks()).map((t) => [t.id, taskStatus(t, active)]));
};

describe('active tasks', () => {
  it('a task saved without being started is open; task start makes it active, a second start pauses it', async () => {
    await store.saveTask({ id: 'NAMED', estimateTokens: 5000 });
    expect((await store.task('NAMED'))?.status).toBe('open');
    expect(await activeTaskIds(store)).toEqual(new Set());

    await startTask(store, { id: 'A', project: '/p', at: 1000 }, {});
    await startTask(store, { id: 'B', project: '/q', at: 1001 }, {});
    expect(await statuses()).toEqual({ NAMED: 'open', A: 'active', B: 'active' });
    expect((await activeTask(store, '/p'))?.id).toBe('A');
    expect((await activeTask(store, '/p/sub'))?.id).toBe('A');

    await startTask(store, { id: 'C', project: '/p', at: 2000 }, {});
    expect(await statuses()).toEqual({ NAMED: 'open', A: 'paused', B: 'active', C: 'active' });
    await stopTask(store, undefined, '/p', 3000, {});
    expect(await statuses()).toEqual({ NAMED: 'open', A: 'paused', B: 'active', C: 'done' });
    expect(await activeTask(store, '/p')).toBeNull();
    expect([...(await activeTaskIds(store))]).toEqual(['B']);
  });

  it('a parent named by --parent is open', async () => {
    await ensureParent(store, 'T-1', 'PLAN', '/p');
    expect((await store.task('PLAN'))?.status).toBe('open');
  });

  it('a row stored as active without its span (older ledgers) shows as open, or paused once started', () => {
    const row = (o: Partial<TaskRow>): TaskRow => ({
      id: 'T',
      title: null,
      parentId: null,
      status: 'active',
      estimateTokens: null,
      estimateUsd: null,
      labels: {},
      stage: null,
      project: null,
      createdAt: 0,
      startedAt: null,
      endedAt: null,
      ...o,
    });
    expect(taskStatus(row({}), new Set())).toBe('open');
    expect(taskStatus(row({ startedAt: 5 }), new Set())).toBe('paused');
    expect(taskStatus(row({}), new Set(['T']))).toBe('active');
    expect(taskStatus(row({ status: 'done' }), new Set())).toBe('done');
  });
});

describe('unknown ids', () => {
  it('knownTask is null for an id the ledger never heard of; requireTask says how to create it', async () => {
    expect(await knownTask(store, 'NOPE')).toBeNull();
    await expect(requireTask(store, 'NOPE')).rejects.toThrow(
      'there is no task NOPE (see `tokenledger task list`). To create it: `tokenledger task start NOPE` starts it, `tokenledger task estimate NOPE 40k --create` creates it without starting it.',
    );
    await expect(stopTask(store, 'NOPE', '/p', 1, {})).rejects.toThrow('there is no task NOPE');
    expect(await store.tasks()).toEqual([]);
  });
});
