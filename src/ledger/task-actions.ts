/**
 * Starting and stopping tasks, and the one definition of an active task. Starting one makes it the
 * project's active task: an attribution span from now on covers the project's usage (usage imported
 * before or after lands on it, by time); stopping ends the span and marks the task done. Every other
 * way a task gets known (`run --task`, a hook, a `--parent`, `task estimate --create`) leaves it open:
 * known, but not active.
 * @module
 */
import type { Estimate } from '../capture/context/estimate.js';
import { ExitCode, UserError } from '../errors.js';
import type { LedgerStore } from './store.js';
import type { SpanRow, StageMap, TaskRow, TaskStatus } from './task-repository.js';

/** The spans `task start` opens. */
const TASK_SOURCE = 'task';

/**
 * The definition of "active": a task is active while a span `task start` opened for it is open (no
 * `task stop`, and no other task started in that project since). `task list`, `task stop`, the
 * status line and `run` all go through this.
 */
export function isActiveSpan(span: SpanRow): boolean {
  return (
    span.scope === 'project' && span.source === TASK_SOURCE && span.toTs === null && span.taskId !== null
  );
}

/** The ids of every active task (of every project). */
export async function activeTaskIds(store: LedgerStore): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const span of await store.openProjectSpans())
    if (isActiveSpan(span) && span.taskId) ids.add(span.taskId);
  return ids;
}

/**
 * The task's status as users see it: `active` exactly when it is active by the definition above;
 * otherwise the stored one (a row stored as active without its span, as older versions left tasks
 * named by `run` or `task estimate`, is open, or paused once it was started).
 */
export function taskStatus(task: TaskRow, active: ReadonlySet<string>): TaskStatus {
  if (active.has(task.id)) return 'active';
  if (task.status !== 'active') return task.status;
  return task.startedAt === null ? 'open' : 'paused';
}

/**
 * A task by id: its row, or for an id that only usage names (a task id found in a subagent's
 * prompt, declared telemetry), an open task with nothing else known. Null when the ledger has never
 * heard of it.
 */
export async function knownTask(store: LedgerStore, id: string): Promise<TaskRow | null> {
  const row = await store.task(id);
  if (row !== null) return row;
  const used = await store.groups({ dimensions: [], filter: { tasks: [id] } });
  if (used.length === 0) return null;
  return {
    id,
    title: null,
    parentId: null,
    status: 'open',
    estimateTokens: null,
    estimateUsd: null,
    labels: {},
    stage: null,
    project: null,
    createdAt: 0,
    startedAt: null,
    endedAt: null,
  };
}

/** The error for an id the ledger has never heard of, saying how to create the task. */
export function noSuchTask(id: string): UserError {
  return new UserError(
    `there is no task ${id} (see \`tokenledger task list\`). To create it: \`tokenledger task start ${id}\` starts it, \`tokenledger task estimate ${id} 40k --create\` creates it without starting it.`,
    ExitCode.usage,
  );
}

/** {@link knownTask}, or the error saying how to create it. */
export async function requireTask(store: LedgerStore, id: string): Promise<TaskRow> {
  const task = await knownTask(store, id);
  if (task === null) throw noSuchTask(id);
  return task;
}

export interface StartTask {
  id: string;
  title?: string;
  stage?: string;
  estimate?: Estimate;
  parentId?: string;
  labels?: Record<string, string>;
  /** The project dir the task works in (its usage is attributed to it). */
  project: string;
  at: number;
}

/** Checks that making `parentId` the parent of `id` creates no cycle. */
async function checkParent(store: LedgerStore, id: string, parentId: string): Promise<void> {
  if (parentId === id) throw new UserError(`task ${id} cannot be its own parent.`, ExitCode.usage);
  const seen = new Set<string>();
  for (let p: string | null = parentId; p !== null; ) {
    if (p === id)
      throw new UserError(
        `--parent ${parentId} would make a cycle: ${id} is already above ${parentId}.`,
        ExitCode.usage,
      );
    if (seen.has(p)) break;
    seen.add(p);
    p = (await store.task(p))?.parentId ?? null;
  }
}

/** Checks that `parentId` can be the parent of `id`, and creates it if it is new. */
export async function ensureParent(
  store: LedgerStore,
  id: string,
  parentId: string,
  project: string,
): Promise<void> {
  await checkParent(store, id, parentId);
  // Plans and sections may be named before they are started: create the parent if needed.
  if ((await store.task(parentId)) === null) await store.saveTask({ id: parentId, project });
}

export async function startTask(store: LedgerStore, t: StartTask, stageMap: StageMap): Promise<TaskRow> {
  if (t.parentId !== undefined) await ensureParent(store, t.id, t.parentId, t.project);
  const old = await store.task(t.id);
  const task = await store.saveTask({
    id: t.id,
    ...(t.title !== undefined ? { title: t.title } : {}),
    ...(t.stage !== undefined ? { stage: t.stage } : {}),
    ...(t.parentId !== undefined ? { parentId: t.parentId } : {}),
    ...(t.estimate?.tokens !== undefined ? { estimateTokens: t.estimate.tokens } : {}),
    ...(t.estimate?.usd !== undefined ? { estimateUsd: t.estimate.usd } : {}),
    ...(t.labels !== undefined ? { labels: t.labels } : {}),
    project: t.project,
    status: 'active',
    ...(old?.startedAt == null ? { startedAt: t.at } : {}),
    endedAt: null,
  });
  // One active task per project: the previous one's span ends here, and it is paused (`task start`
  // resumes it, `task stop` finishes it).
  const replaced = (await store.openProjectSpans(t.project)).filter(
    (s) => isActiveSpan(s) && s.project === t.project && s.taskId !== t.id,
  );
  await store.closeSpans({ scope: 'project', project: t.project, source: TASK_SOURCE }, t.at);
  for (const s of replaced)
    if (s.taskId !== null && s.taskId !== undefined) await store.saveTask({ id: s.taskId, status: 'paused' });
  await store.openSpan({
    scope: 'project',
    project: t.project,
    fromTs: t.at,
    taskId: task.id,
    stage: task.stage,
    labels: task.labels,
    source: TASK_SOURCE,
  });
  await store.attributePending(stageMap);
  return task;
}

/** Stops `id`, or the project's active task when `id` is not given. */
export async function stopTask(
  store: LedgerStore,
  id: string | undefined,
  project: string,
  at: number,
  stageMap: StageMap,
): Promise<TaskRow> {
  let taskId = id;
  if (taskId === undefined) {
    const active = await activeTask(store, project);
    if (active === null) {
      throw new UserError(
        `no task is active in ${project}; name the one to stop: tokenledger task stop ID.`,
        ExitCode.usage,
      );
    }
    taskId = active.id;
  } else await requireTask(store, taskId);
  await store.closeSpans({ scope: 'project', taskId, source: TASK_SOURCE }, at);
  const done = await store.saveTask({ id: taskId, status: 'done', endedAt: at });
  await store.attributePending(stageMap);
  return done;
}

/** The project's active task (the latest started one covering the dir), if any. */
export async function activeTask(store: LedgerStore, project: string): Promise<TaskRow | null> {
  const span = (await store.openProjectSpans(project)).find(isActiveSpan);
  return span?.taskId ? store.task(span.taskId) : null;
}
