/**
 * The finished tasks and what each used: what `compare` and `estimate` measure distributions over.
 * A task is finished when it is not in progress: not active and not paused (a task `task start`
 * started and no `task stop` ended). Tasks only ever named by `run --task` or a hook count once they
 * have usage. Each task's usage comes from the per-task rollup, so this stays fast on a large ledger.
 * @module
 */
import { mainValues, measureTasks, type TaskMeasure } from '../analysis/task-measures.js';
import type { TaskRow } from '../ledger/task-repository.js';
import { type LedgerSession, pricerOf } from './ledger-session.js';
import { activeTaskIds, taskStatus } from './task-actions.js';

export interface FinishedTask {
  task: TaskRow;
  measure: TaskMeasure;
}

export interface FinishedTasksOptions {
  /** Measure each task's subtree (what its estimate covers) instead of its own usage. */
  subtree?: boolean;
  /** Also find each task's main git branch (a read of the usage by branch). */
  branches?: boolean;
}

export interface FinishedTasks {
  tasks: FinishedTask[];
  /** Task → the git branch of most of its API calls (only with `branches`). */
  branches: Map<string, string>;
  /** Every task the ledger knows, finished or not. */
  all: TaskRow[];
}

/** The finished tasks with usage, by id, each with what it used. */
export async function finishedTasks(
  session: LedgerSession,
  options: FinishedTasksOptions = {},
): Promise<FinishedTasks> {
  const all = await session.store.tasks();
  const active = await activeTaskIds(session.store);
  const rows = await session.store.taskDayGroups(all.map((t) => t.id).sort());
  const parents = new Map(all.map((t) => [t.id, t.parentId]));
  const measures = measureTasks(rows, pricerOf(session), 'auto', options.subtree ? parents : undefined);
  const tasks: FinishedTask[] = [];
  for (const task of all) {
    const status = taskStatus(task, active);
    const measure = measures.get(task.id);
    if (status === 'active' || status === 'paused' || measure === undefined || measure.tokens === 0) continue;
    tasks.push({ task, measure });
  }
  tasks.sort((a, b) => (a.task.id < b.task.id ? -1 : a.task.id > b.task.id ? 1 : 0));
  const branches = options.branches
    ? mainValues(
        await session.store.groups({ dimensions: ['task', 'branch'], filter: {}, grain: 'day' }),
        'branch',
      )
    : new Map<string, string>();
  return { tasks, branches, all };
}
