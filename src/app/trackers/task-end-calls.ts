/**
 * Where a task ends: `task stop` and the end of a `run` (on a ledger session), and a subagent's
 * SubagentStop (in the hook call, within its time cap). Each finds the tasks that ended and calls
 * {@link taskEnded} for them.
 * @module
 */
import type { Config } from '../../config/config.js';
import { dataHome } from '../../config/paths.js';
import type { LedgerStore } from '../../ledger/store.js';
import type { StageMap } from '../../ledger/task-repository.js';
import type { Pricer } from '../../pricing/pricer.js';
import { appendErrorLog } from '../hook/error-log.js';
import { type LedgerSession, pricerOf, stageMapOf } from '../ledger-session.js';
import { overrunMultiple } from '../task-reports.js';
import { type TaskEndEvent, type TaskEndOutcome, taskEnded } from './task-end.js';

const DEFAULT_OVERRUN = 4;

function homeOf(env: NodeJS.ProcessEnv): string | null {
  try {
    return dataHome(env);
  } catch {
    return null;
  }
}

/** Ends tasks on an open ledger session (`task stop`, `run`). */
export async function tasksEndedInSession(
  session: LedgerSession,
  taskIds: readonly string[],
  event: TaskEndEvent,
  cwd: string | null,
): Promise<TaskEndOutcome[]> {
  const out: TaskEndOutcome[] = [];
  for (const id of new Set(taskIds))
    out.push(
      await taskEnded(
        {
          store: session.store,
          pricer: pricerOf(session),
          config: session.loaded.config,
          stageMap: stageMapOf(session),
          multiple: overrunMultiple(session),
          machine: session.origin.machine,
          env: process.env,
          home: homeOf(process.env),
          cwd,
          event,
          now: Date.now(),
        },
        id,
      ),
    );
  return out;
}

/** The tasks the usage of these sessions went to (a run's subagents may work on their own tasks). */
export async function sessionTasks(store: LedgerStore, sessionIds: readonly string[]): Promise<string[]> {
  const tasks = new Set<string>();
  for (const session of sessionIds) {
    const rows = await store.groups({ dimensions: ['task'], grain: 'day', filter: { session } });
    for (const r of rows) if (r.values.task) tasks.add(r.values.task);
  }
  return [...tasks].sort();
}

export interface SubagentStopEnd {
  store: LedgerStore;
  sessionId: string;
  agentId: string;
  cwd: string | null;
  config: Config;
  pricer: Pricer;
  stageMap: StageMap;
  machine: string;
  env: NodeJS.ProcessEnv;
  home: string;
  now: number;
  deadline: number;
}

/** A subagent stopped: the task(s) its usage went to ended (for now). Never throws. */
export async function subagentTasksEnded(e: SubagentStopEnd): Promise<TaskEndOutcome[]> {
  let rows: Awaited<ReturnType<LedgerStore['groups']>>;
  try {
    rows = await e.store.groups({
      dimensions: ['agentId', 'task'],
      grain: 'day',
      filter: { session: e.sessionId },
      stageMap: e.stageMap,
    });
  } catch (error) {
    appendErrorLog(e.home, {
      kind: 'failure',
      at: Date.now(),
      what: 'hook SubagentStop',
      sessionId: e.sessionId,
      message: `cannot find the subagent's task: ${error instanceof Error ? error.message : String(error)}`,
    });
    return [];
  }
  const tasks = [
    ...new Set(rows.filter((r) => r.values.agentId === e.agentId).map((r) => r.values.task ?? '')),
  ]
    .filter((t) => t !== '')
    .sort();
  const out: TaskEndOutcome[] = [];
  for (const id of tasks)
    out.push(
      await taskEnded(
        {
          store: e.store,
          pricer: e.pricer,
          config: e.config,
          stageMap: e.stageMap,
          multiple: e.config.overrunMultiple ?? DEFAULT_OVERRUN,
          machine: e.machine,
          env: e.env,
          home: e.home,
          cwd: e.cwd,
          event: 'subagent_stop',
          now: e.now,
          deadline: e.deadline,
          sessionId: e.sessionId,
        },
        id,
      ),
    );
  return out;
}

/**
 * A run ended: its task, and the tasks its sessions' usage went to (a subagent's own task), ended.
 * Their problems are returned as notes for the run's summary.
 */
export async function runTasksEnded(
  session: LedgerSession,
  run: { taskId: string | null; sessionIds: readonly string[]; cwd: string },
): Promise<string[]> {
  try {
    const ids = [
      ...(run.taskId === null ? [] : [run.taskId]),
      ...(await sessionTasks(session.store, run.sessionIds)),
    ];
    const ended = await tasksEndedInSession(session, ids, 'run_end', run.cwd);
    return ended.flatMap((e) => e.problems);
  } catch (error) {
    return [
      `the run's tasks were not written to the trackers: ${error instanceof Error ? error.message : String(error)}`,
    ];
  }
}
