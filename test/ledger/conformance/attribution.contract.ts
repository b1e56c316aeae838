/**
 * Attribution: which task, stage and labels each API call lands on, whichever order usage and
 * declarations arrive in: agent spans over session spans over project spans (the deepest directory
 * first), then the latest; stages through the stage map; labels merged per key.
 * @module
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTask, stopTask } from '../../../src/ledger/task-actions.js';
import { World } from '../../attribution/world.js';
import { expectTaskRollupConsistent } from '../../helpers/task-rollup-check.js';
import type { OpenLedger } from './describe-ledger.js';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const MIN = 60_000;
const P = '/home/dev/app';

export function attributionContract(open: OpenLedger): void {
  describe('attribution', () => {
    let world: World;
    afterEach(async () => {
      // Whatever a test did to attribution, the per-task rollup agrees with the usage rows.
      await expectTaskRollupConsistent(world.store);
      await world.close();
    });

    describe('project spans (task start / stop)', () => {
      it('attributes a project’s usage between start and stop, and nothing else', async () => {
        world = new World(await open());
        world.call({ session: 's1', cwd: P, at: T0 - MIN, input: 1 }); // before the start
        world.call({ session: 's1', cwd: P, at: T0 + MIN, input: 10 }); // during
        world.call({ session: 's2', cwd: `${P}/packages/api`, at: T0 + 2 * MIN, input: 100 }); // during, a subdir
        world.call({ session: 's3', cwd: '/home/dev/other', at: T0 + MIN, input: 1000 }); // another project
        world.call({ session: 's1', cwd: P, at: T0 + 10 * MIN, input: 10_000 }); // after the stop
        await world.import();
        await startTask(world.store, { id: 'T-1', project: P, at: T0 }, {});
        await stopTask(world.store, undefined, P, T0 + 5 * MIN, {});
        expect(await world.inputBy(['task'])).toEqual({ '-': 11_001, 'T-1': 110 });
      });

      it('lands usage imported after the declaration on the task too (order does not matter)', async () => {
        world = new World(await open());
        await world.import();
        await startTask(world.store, { id: 'T-2', project: P, at: T0 }, {});
        world.call({ session: 's1', cwd: P, at: T0 + MIN, input: 7 });
        world.call({ session: 's1', cwd: P, at: T0 - MIN, input: 3 });
        await world.import();
        expect(await world.inputBy(['task'])).toEqual({ '-': 3, 'T-2': 7 });
      });

      it('starting a second task in the project ends the first; a deeper directory’s task wins inside it', async () => {
        world = new World(await open());
        world.call({ session: 's1', cwd: P, at: T0 + MIN, input: 1 });
        world.call({ session: 's1', cwd: P, at: T0 + 3 * MIN, input: 10 });
        world.call({ session: 's2', cwd: `${P}/web`, at: T0 + 3 * MIN, input: 100 });
        await world.import();
        await startTask(world.store, { id: 'A', project: P, at: T0 }, {});
        await startTask(world.store, { id: 'B', project: P, at: T0 + 2 * MIN }, {});
        await startTask(world.store, { id: 'W', project: `${P}/web`, at: T0 + 2 * MIN }, {});
        expect(await world.inputBy(['task'])).toEqual({ A: 1, B: 10, W: 100 });
        // A was replaced in its project: paused, not done; B is the active one.
        expect((await world.store.task('A'))?.status).toBe('paused');
        expect((await world.store.task('B'))?.status).toBe('active');
      });
    });

    describe('session and agent spans, and tasks named in prompts', () => {
      it('a session span beats the project’s task; an agent span beats the session’s', async () => {
        world = new World(await open());
        world.call({ session: 's1', cwd: P, at: T0 + MIN, input: 1 });
        world.call({ session: 's1', cwd: P, at: T0 + MIN, input: 10, agentId: 'a1' });
        world.call({ session: 's2', cwd: P, at: T0 + MIN, input: 100 });
        await world.import();
        await startTask(world.store, { id: 'PROJ', project: P, at: T0 }, {});
        await world.store.openSpan({
          scope: 'session',
          sessionId: 's1',
          fromTs: T0,
          taskId: 'RUN',
          stage: 'build',
          source: 'run',
        });
        await world.store.openSpan({
          scope: 'agent',
          sessionId: 's1',
          agentId: 'a1',
          fromTs: T0,
          taskId: 'AGENT',
          source: 'hook',
        });
        await world.store.attributePending({});
        expect(await world.inputBy(['task'])).toEqual({ RUN: 1, AGENT: 10, PROJ: 100 });
      });

      it('a subagent whose prompt names a task (taskPattern) is attributed to it, over the session’s task', async () => {
        world = new World(await open());
        world.spawn({
          session: 's1',
          cwd: P,
          at: T0,
          agentId: 'a1',
          agentType: 'implementer',
          prompt: 'Implement TASK-919: the parser',
        });
        world.call({ session: 's1', cwd: P, at: T0 + MIN, input: 10, agentId: 'a1' });
        world.call({ session: 's1', cwd: P, at: T0 + MIN, input: 100 });
        await world.store.openSpan({
          scope: 'session',
          sessionId: 's1',
          fromTs: T0 - MIN,
          taskId: 'SPRINT',
          source: 'run',
        });
        await world.import({}, 'TASK-\\d+');
        expect(await world.inputBy(['task'])).toEqual({ 'TASK-919': 10, SPRINT: 101 });
      });
    });

    describe('the latest span of a scope', () => {
      it('wins from its start; a closed span covers up to its end, not beyond', async () => {
        world = new World(await open());
        world.call({ session: 's1', cwd: P, at: T0 + MIN, input: 1 });
        world.call({ session: 's1', cwd: P, at: T0 + 6 * MIN, input: 10 });
        world.call({ session: 's1', cwd: P, at: T0 + 12 * MIN, input: 100 });
        await world.import();
        await world.store.openSpan({
          scope: 'session',
          sessionId: 's1',
          fromTs: T0,
          taskId: 'X',
          source: 'run',
        });
        await world.store.openSpan({
          scope: 'session',
          sessionId: 's1',
          fromTs: T0 + 5 * MIN,
          taskId: 'Y',
          source: 'run',
        });
        // Declared later with the same start: it wins over X.
        await world.store.openSpan({
          scope: 'session',
          sessionId: 's1',
          fromTs: T0,
          taskId: 'Z',
          source: 'hook',
        });
        await world.store.attributePending({});
        expect(await world.inputBy(['task'])).toEqual({ Z: 1, Y: 110 });
        await world.store.closeSpans({ scope: 'session', sessionId: 's1', taskId: 'Y' }, T0 + 12 * MIN);
        await world.store.attributePending({});
        expect(await world.inputBy(['task'])).toEqual({ Z: 101, Y: 10 });
      });
    });

    describe('stages', () => {
      it('maps agent types through the stage map, gives the main thread the declared stage, keeps unmapped types as their own stage', async () => {
        world = new World(await open());
        const map = { implementer: 'implementation' };
        world.spawn({ session: 's1', cwd: P, at: T0, agentId: 'a1', agentType: 'implementer', prompt: 'x' });
        world.spawn({ session: 's1', cwd: P, at: T0, agentId: 'a2', agentType: 'reviewer', prompt: 'x' });
        world.call({ session: 's1', cwd: P, at: T0 + MIN, input: 10, agentId: 'a1' });
        world.call({ session: 's1', cwd: P, at: T0 + MIN, input: 100, agentId: 'a2' });
        world.call({ session: 's1', cwd: P, at: T0 + MIN, input: 1000 });
        await world.import(map);
        // Before any span: stages come from agent types at query time.
        expect(await world.inputBy(['stage'], map)).toEqual({ '-': 1002, implementation: 10, reviewer: 100 });
        await world.store.openSpan({
          scope: 'session',
          sessionId: 's1',
          fromTs: T0,
          stage: 'planning',
          source: 'run',
        });
        await world.store.attributePending(map);
        // The mapped type keeps its stage; the unmapped one takes the declared stage; the main thread too.
        expect(await world.inputBy(['stage'], map)).toEqual({ implementation: 10, planning: 1102 });
      });

      it('reattributeAll applies a changed stage map to rows attributed before', async () => {
        world = new World(await open());
        world.spawn({ session: 's1', cwd: P, at: T0, agentId: 'a1', agentType: 'reviewer', prompt: 'x' });
        world.call({ session: 's1', cwd: P, at: T0 + MIN, input: 10, agentId: 'a1' });
        await world.import();
        await startTask(world.store, { id: 'T', project: P, at: T0 - MIN }, {});
        expect(await world.inputBy(['stage'])).toEqual({ '-': 1, reviewer: 10 });
        await world.store.reattributeAll({ reviewer: 'review' });
        expect(await world.inputBy(['stage'], { reviewer: 'review' })).toEqual({ '-': 1, review: 10 });
      });
    });

    describe('labels and the task tree', () => {
      it('merges labels from project, session and agent spans (the more specific wins per key)', async () => {
        world = new World(await open());
        world.call({ session: 's1', cwd: P, at: T0 + MIN, input: 10, agentId: 'a1' });
        await world.import();
        await world.store.openSpan({
          scope: 'project',
          project: P,
          fromTs: T0,
          labels: { team: 'core', env: 'dev' },
          source: 'task',
        });
        await world.store.openSpan({
          scope: 'session',
          sessionId: 's1',
          fromTs: T0,
          labels: { env: 'ci' },
          source: 'run',
        });
        await world.store.openSpan({
          scope: 'agent',
          sessionId: 's1',
          agentId: 'a1',
          fromTs: T0,
          labels: { role: 'impl' },
          source: 'hook',
        });
        await world.store.attributePending({});
        expect(await world.inputBy(['label:team', 'label:env', 'label:role'])).toEqual({
          'core|ci|impl': 10,
        });
      });

      it('rolls children up into plans: taskTree holds the subtree; cycles are refused', async () => {
        world = new World(await open());
        await world.import();
        await startTask(world.store, { id: 'PLAN', project: '/p', at: T0 }, {});
        await startTask(world.store, { id: 'SEC-1', parentId: 'PLAN', project: '/p', at: T0 }, {});
        await startTask(world.store, { id: 'T-1', parentId: 'SEC-1', project: '/p', at: T0 }, {});
        await startTask(world.store, { id: 'T-2', parentId: 'NEW-SECTION', project: '/p', at: T0 }, {});
        expect((await world.store.taskTree('PLAN')).sort()).toEqual(['PLAN', 'SEC-1', 'T-1']);
        expect(await world.store.task('NEW-SECTION')).not.toBeNull();
        await expect(
          startTask(world.store, { id: 'PLAN', parentId: 'T-1', project: '/p', at: T0 }, {}),
        ).rejects.toThrow(/cycle/);
      });
    });

    describe('a task named in a subagent prompt, before any span exists', () => {
      it('attributes the subagent rows written in the same import after the spawn', async () => {
        world = new World(await open());
        const at = Date.parse('2026-11-20T10:00:00Z');
        world.spawn({
          session: 's1',
          cwd: '/p',
          at,
          agentId: 'a1',
          agentType: 'implementer',
          prompt: 'Do TASK-7 now',
        });
        world.call({ session: 's1', cwd: '/p', at: at + 10, input: 10, agentId: 'a1' });
        await world.import({}, 'TASK-\\d+');
        expect(await world.inputBy(['task'])).toEqual({ '-': 1, 'TASK-7': 10 });
      });
    });
  });
}
