/**
 * Tasks, spans, runs and meta values: what "active" means (one definition: an open `task start`
 * span), the status users see, the tasks that get known without being started, the task tree, span
 * lookups, and runs by session or task.
 * @module
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src/ledger/run-repository.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import {
  activeTask,
  activeTaskIds,
  ensureParent,
  knownTask,
  requireTask,
  startTask,
  stopTask,
  taskStatus,
} from '../../../src/ledger/task-actions.js';
import type { TaskRow } from '../../../src/ledger/task-repository.js';
import type { OpenedLedger, OpenLedger } from './describe-ledger.js';

/** A run's outcome with every field set; `more` overrides. */
export function runOf(more: Partial<RunRecord> = {}): RunRecord {
  return {
    sessionId: 's1',
    taskId: 'T-1',
    stage: 'implementation',
    labels: { category: 'tooling' },
    startedAt: 1_000,
    endedAt: 2_000,
    exitCode: 0,
    signal: null,
    totalCostUsd: 0.25,
    costUsd: 0.25,
    modelUsage: { 'claude-sonnet-4-5-20250929': { inputTokens: 100, outputTokens: 1 } },
    numTurns: 3,
    durationMs: 1_000,
    durationApiMs: 500,
    isError: false,
    subtype: 'success',
    source: 'result',
    ...more,
  };
}

export function tasksContract(open: OpenLedger): void {
  describe('tasks, spans, runs and meta values', () => {
    let ledger: OpenedLedger;
    let store: LedgerStore;

    beforeEach(async () => {
      ledger = await open();
      store = ledger.store;
    });

    afterEach(async () => {
      await ledger.cleanup();
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

    describe('the task repository', () => {
      it('saves tasks field by field, merges labels, and lists them by status and project', async () => {
        const saved = await store.saveTask({
          id: 'T-1',
          title: 'the parser',
          labels: { a: '1' },
          project: '/p',
        });
        expect(saved).toMatchObject({
          id: 'T-1',
          title: 'the parser',
          status: 'open',
          labels: { a: '1' },
          project: '/p',
        });
        await store.saveTask({ id: 'T-1', estimateTokens: 40_000, labels: { b: '2' } });
        expect(await store.task('T-1')).toEqual({
          ...saved,
          estimateTokens: 40_000,
          labels: { a: '1', b: '2' },
        });
        await store.saveTask({ id: 'T-2', status: 'done', endedAt: 5, project: '/q', parentId: 'T-1' });
        expect((await store.tasks()).map((t) => t.id)).toEqual(['T-1', 'T-2']);
        expect((await store.tasks({ status: 'done' })).map((t) => t.id)).toEqual(['T-2']);
        expect((await store.tasks({ project: '/p' })).map((t) => t.id)).toEqual(['T-1']);
        expect((await store.taskTree('T-1')).sort()).toEqual(['T-1', 'T-2']);
        expect(await store.taskTree('T-2')).toEqual(['T-2']);
        expect(await store.task('NOPE')).toBeNull();
        await store.saveTask({ id: 'T-1', title: null });
        expect((await store.task('T-1'))?.title).toBeNull();
      });

      it('finds open spans by session and by project (most specific first), and closes them by match', async () => {
        const id1 = await store.openSpan({
          scope: 'project',
          project: '/p',
          fromTs: 10,
          taskId: 'A',
          source: 'task',
        });
        const id2 = await store.openSpan({
          scope: 'project',
          project: '/p/web',
          fromTs: 5,
          taskId: 'W',
          source: 'task',
        });
        await store.openSpan({ scope: 'project', project: '/pp', fromTs: 20, taskId: 'X', source: 'task' });
        const s1 = await store.openSpan({
          scope: 'session',
          sessionId: 's1',
          fromTs: 10,
          taskId: 'A',
          labels: { k: 'v' },
          source: 'run',
        });
        const s2 = await store.openSpan({
          scope: 'session',
          sessionId: 's1',
          fromTs: 30,
          stage: 'review',
          source: 'hook',
        });
        expect((await store.openProjectSpans('/p/web/src')).map((s) => s.id)).toEqual([id2, id1]);
        expect((await store.openProjectSpans('/p')).map((s) => s.taskId)).toEqual(['A']);
        expect((await store.openProjectSpans()).map((s) => s.taskId).sort()).toEqual(['A', 'W', 'X']);
        const sessions = await store.openSessionSpans('s1');
        expect(sessions.map((s) => s.id)).toEqual([s2, s1]);
        expect(sessions[1]).toMatchObject({
          scope: 'session',
          sessionId: 's1',
          fromTs: 10,
          toTs: null,
          taskId: 'A',
          labels: { k: 'v' },
          source: 'run',
        });
        expect(await store.closeSpans({ scope: 'session', sessionId: 's1', source: 'hook' }, 40)).toBe(1);
        expect((await store.openSessionSpans('s1')).map((s) => s.id)).toEqual([s1]);
        expect(await store.closeSpans({ scope: 'project', taskId: 'A' }, 50)).toBe(1);
        expect(await store.closeSpans({ scope: 'project', taskId: 'A' }, 60)).toBe(0);
        expect((await store.openProjectSpans('/p/web')).map((s) => s.taskId)).toEqual(['W']);
        expect(await store.openSessionSpans('s2')).toEqual([]);
      });

      it('records runs and lists them by session or task, oldest first', async () => {
        const a = await store.recordRun(runOf({ startedAt: 2_000 }));
        const b = await store.recordRun(
          runOf({ sessionId: 's2', taskId: 'T-2', startedAt: 1_000, labels: null, modelUsage: null }),
        );
        const c = await store.recordRun(
          runOf({
            sessionId: null,
            taskId: null,
            startedAt: 500,
            isError: true,
            exitCode: null,
            signal: 'SIGKILL',
          }),
        );
        expect(new Set([a, b, c]).size).toBe(3);
        expect(await store.runs({ sessionId: 's1' })).toEqual([{ ...runOf({ startedAt: 2_000 }), id: a }]);
        expect((await store.runs({ tasks: ['T-1', 'T-2'] })).map((r) => r.id)).toEqual([b, a]);
        expect(await store.runs({ tasks: [] })).toEqual([]);
        expect((await store.runs({})).map((r) => r.id)).toEqual([c, b, a]);
        expect((await store.runs({}))[0]).toMatchObject({
          isError: true,
          signal: 'SIGKILL',
          sessionId: null,
        });
      });

      it('keeps small values by key', async () => {
        expect(await store.metaValue('warned')).toBeNull();
        await store.setMetaValue('warned', 'T-1');
        await store.setMetaValue('warned', 'T-1,T-2');
        expect(await store.metaValue('warned')).toBe('T-1,T-2');
      });
    });
  });
}
