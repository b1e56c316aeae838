/**
 * Starting and stopping tasks. Starting one makes it the project's active task: an attribution span
 * from now on covers the project's usage (usage imported before or after lands on it, by time);
 * stopping ends the span and marks the task done.
 * @module
 */
import type { Estimate } from '../capture/context/estimate.js';
import { ExitCode, UserError } from '../errors.js';
import type { LedgerStore, StageMap, TaskRow } from './store.js';

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
    (s) => s.source === 'task' && s.project === t.project && s.taskId !== null && s.taskId !== t.id,
  );
  await store.closeSpans({ scope: 'project', project: t.project, source: 'task' }, t.at);
  for (const s of replaced)
    if (s.taskId !== null && s.taskId !== undefined) await store.saveTask({ id: s.taskId, status: 'paused' });
  await store.openSpan({
    scope: 'project',
    project: t.project,
    fromTs: t.at,
    taskId: task.id,
    stage: task.stage,
    labels: task.labels,
    source: 'task',
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
    const active = (await store.openProjectSpans(project)).find((s) => s.source === 'task' && s.taskId);
    if (active?.taskId == null) {
      throw new UserError(
        `no task is active in ${project}; name the one to stop: tokenledger task stop ID.`,
        ExitCode.usage,
      );
    }
    taskId = active.taskId;
  }
  const task = await store.task(taskId);
  if (task === null)
    throw new UserError(`there is no task ${taskId}; see \`tokenledger task list\`.`, ExitCode.usage);
  await store.closeSpans({ scope: 'project', taskId, source: 'task' }, at);
  const done = await store.saveTask({ id: taskId, status: 'done', endedAt: at });
  await store.attributePending(stageMap);
  return done;
}

/** The project's active task (the latest started one covering the dir), if any. */
export async function activeTask(store: LedgerStore, project: string): Promise<TaskRow | null> {
  const span = (await store.openProjectSpans(project)).find((s) => s.source === 'task' && s.taskId);
  return span?.taskId ? store.task(span.taskId) : null;
}
