/**
 * "A task ended": a subagent working on it stopped (SubagentStop), `task stop`, or the end of a
 * `run`. Its numbers then go where the team plans: the actuals section of its Markdown file
 * (`taskFiles`), one workflow metrics line per stage, one beads comment (`bd comments add`) when the
 * project uses beads, and the `onTaskEnd` command. Each is written once per set of numbers, so a
 * repeated end adds nothing, even two ends at once (see {@link claimNumbers}). Nothing here throws: a failure goes to the error log and `problems`,
 * and the rest goes on.
 * @module
 */
import { type TaskSummary, taskSummary } from '../../analysis/tasks.js';
import { projectRoot } from '../../capture/context/project-root.js';
import type { Config } from '../../config/config.js';
import type { LedgerStore } from '../../ledger/store.js';
import type { StageMap, TaskRow } from '../../ledger/task-repository.js';
import { summaryKey, taskEndText } from '../../outputs/tracker-texts.js';
import type { Pricer } from '../../pricing/pricer.js';
import { totalTokens } from '../../util/token-counts.js';
import { appendErrorLog, type ErrorLogKind } from '../hook/error-log.js';
import { ensureParent } from '../task-actions.js';
import {
  addBeadsComment,
  type BeadsCall,
  beadsIdPattern,
  beadsIssue,
  beadsPrefix,
  findBeadsProject,
} from './beads.js';
import { claimNumbers } from './numbers-claim.js';
import { DEFAULT_ON_TASK_END_TIMEOUT_MS, onTaskEndCommand, runOnTaskEnd } from './on-task-end.js';
import { taskFileFor, writeTaskActuals } from './task-file.js';
import { appendStageLines, workflowMetricsPath } from './workflow-metrics.js';

export type TaskEndEvent = 'subagent_stop' | 'task_stop' | 'run_end';

export interface TaskEndContext {
  store: LedgerStore;
  pricer: Pricer;
  config: Config;
  stageMap: StageMap;
  /** The overrun multiple (config `overrunMultiple`, default 4). */
  multiple: number;
  machine: string;
  env: NodeJS.ProcessEnv;
  /** The data dir whose error log gets failures, or null when there is none. */
  home: string | null;
  /** The directory the end comes from (a hook's cwd, the run's or the command's); else the task's project. */
  cwd: string | null;
  event: TaskEndEvent;
  now: number;
  /** When the caller must be done (a hook's time cap): external programs get what is left. */
  deadline?: number;
  sessionId?: string | null;
}

export interface TaskEndOutcome {
  taskId: string;
  /** The task file and what happened to it, or null when none is configured or found. */
  taskFile: { file: string; result: 'updated' | 'unchanged' } | null;
  stageLines: number;
  beadsComment: boolean;
  command: boolean;
  problems: string[];
}

const BD_TIMEOUT_MS = 5_000;
/** Time kept back before a deadline for the caller's own work after this (a hook's warnings, closing the ledger). */
const DEADLINE_MARGIN_MS = 1_500;
const LABEL_KEY = /^[A-Za-z0-9_.-]+$/;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Title, parent and labels from beads, saved on the task when they differ. */
async function syncBeads(ctx: TaskEndContext, task: TaskRow, call: BeadsCall): Promise<TaskRow> {
  const issue = await beadsIssue(task.id, call);
  if (issue === null) return task;
  const labels = Object.fromEntries(
    issue.labels.filter((l) => LABEL_KEY.test(l) && task.labels[l] === undefined).map((l) => [l, 'true']),
  );
  const update: Parameters<LedgerStore['saveTask']>[0] = { id: task.id };
  if (issue.title !== null && issue.title !== task.title) update.title = issue.title;
  if (Object.keys(labels).length > 0) update.labels = labels;
  if (issue.parentId !== null && issue.parentId !== task.parentId) {
    await ensureParent(ctx.store, task.id, issue.parentId, task.project ?? call.project);
    update.parentId = issue.parentId;
    const parent = await ctx.store.task(issue.parentId);
    if (parent !== null && parent.title === null) {
      const epic = await beadsIssue(issue.parentId, call);
      if (epic?.title) await ctx.store.saveTask({ id: parent.id, title: epic.title });
    }
  }
  return Object.keys(update).length > 1 ? ctx.store.saveTask(update) : task;
}

function metaKey(kind: string, id: string): string {
  return `tracker.${kind}:${JSON.stringify(id)}`;
}

/** Writes the finished task's numbers everywhere configured. Never throws. */
export async function taskEnded(ctx: TaskEndContext, taskId: string): Promise<TaskEndOutcome> {
  const out: TaskEndOutcome = {
    taskId,
    taskFile: null,
    stageLines: 0,
    beadsComment: false,
    command: false,
    problems: [],
  };
  try {
    return await endTask(ctx, taskId, out);
  } catch (error) {
    const text = `task end ${taskId} failed: ${message(error)}`;
    out.problems.push(text);
    if (ctx.home !== null)
      appendErrorLog(ctx.home, {
        kind: 'failure',
        at: Date.now(),
        what: `task end ${taskId}`,
        message: text,
      });
    return out;
  }
}

async function endTask(ctx: TaskEndContext, taskId: string, out: TaskEndOutcome): Promise<TaskEndOutcome> {
  const report = async (file: string, text: string, kind: ErrorLogKind = 'failure') => {
    out.problems.push(text);
    if (ctx.home !== null)
      appendErrorLog(ctx.home, {
        kind,
        at: Date.now(),
        what: `task end ${taskId}`,
        sessionId: ctx.sessionId ?? null,
        message: text,
      });
    await ctx.store
      .writeProblems([{ file, line: null, offset: null, severity: 'warning', reason: text }])
      .catch(() => undefined);
  };
  /** The time cap for the next external program, or null when there is no time left. */
  const capFor = (wanted: number): number | null => {
    if (ctx.deadline === undefined) return wanted;
    const left = ctx.deadline - Date.now() - DEADLINE_MARGIN_MS;
    return left < 100 ? null : Math.min(wanted, left);
  };

  // A task named only in a subagent's prompt has usage but no task row yet: it becomes known (open).
  const cwdProject = ctx.cwd === null ? null : projectRoot(ctx.cwd);
  let task =
    (await ctx.store.task(taskId)) ??
    (await ctx.store.saveTask({ id: taskId, ...(cwdProject === null ? {} : { project: cwdProject }) }));
  const project = cwdProject ?? task.project;
  const beadsProject = ctx.config.beads === false ? null : findBeadsProject(ctx.cwd ?? project);
  const isBead =
    beadsProject !== null && new RegExp(`^(?:${beadsIdPattern(beadsPrefix(beadsProject))})$`).test(taskId);

  if (isBead && beadsProject !== null) {
    const cap = capFor(BD_TIMEOUT_MS);
    if (cap !== null) {
      try {
        task = await syncBeads(ctx, task, { project: beadsProject, timeoutMs: cap, env: ctx.env });
      } catch (error) {
        await report(beadsProject, `reading beads issue ${taskId}: ${message(error)}`);
      }
    }
  }

  // Summing a task up takes tens of ms on a big ledger: only when something takes its numbers.
  const taskFiles = project === null ? undefined : ctx.config.taskFiles;
  const metricsFile = workflowMetricsPath(ctx.config, project);
  const onTaskEnd = project === null ? undefined : ctx.config.onTaskEnd;
  if (taskFiles === undefined && metricsFile === null && !isBead && onTaskEnd === undefined) return out;

  let s: TaskSummary;
  try {
    s = await taskSummary(
      { store: ctx.store, pricer: ctx.pricer, mode: 'auto' },
      task,
      ctx.stageMap,
      ctx.multiple,
    );
  } catch (error) {
    await report('(task end)', `cannot sum up task ${taskId}: ${message(error)}`);
    return out;
  }

  if (taskFiles !== undefined && project !== null) {
    const found = taskFileFor(taskFiles, project, taskId);
    if ('problem' in found) await report(project, `task file: ${found.problem}`);
    else if ('file' in found) {
      try {
        out.taskFile = { file: found.file, result: writeTaskActuals(found.file, s, false) };
      } catch (error) {
        await report(found.file, `${message(error)}; its actuals were not written (taskFiles)`);
      }
    }
  }

  if (metricsFile !== null) {
    try {
      out.stageLines = await appendStageLines(ctx.store, s, {
        file: metricsFile,
        stageMap: ctx.stageMap,
        machine: ctx.machine,
        event: ctx.event,
        now: ctx.now,
      });
    } catch (error) {
      await report(metricsFile, `cannot append workflow metrics: ${message(error)}`);
    }
  }

  const used = totalTokens(s.total.sums) > 0;
  const numbers = summaryKey(s);
  if (isBead && beadsProject !== null && used) {
    const cap = capFor(BD_TIMEOUT_MS);
    const claim =
      cap === null ? null : await claimNumbers(ctx.store, metaKey('beadsComment', taskId), numbers);
    if (cap === null) {
      if ((await ctx.store.metaValue(metaKey('beadsComment', taskId))) !== numbers)
        await report(
          beadsProject,
          `no time left for bd comments add ${taskId}; the next end of the task adds it`,
          'skipped',
        );
    } else if (claim !== null) {
      const failed = await addBeadsComment(taskId, taskEndText(s), {
        project: beadsProject,
        timeoutMs: cap,
        env: ctx.env,
      }).catch((error: unknown) => message(error));
      if (failed === null) out.beadsComment = true;
      else {
        await claim.release();
        await report(beadsProject, failed);
      }
    }
  }

  if (onTaskEnd !== undefined && project !== null && used) {
    const cmd = onTaskEndCommand(onTaskEnd);
    const key = metaKey('onTaskEnd', taskId);
    const cap = capFor(cmd.timeoutMs ?? DEFAULT_ON_TASK_END_TIMEOUT_MS);
    const claim = cap === null ? null : await claimNumbers(ctx.store, key, numbers);
    if (cap === null) {
      if ((await ctx.store.metaValue(key)) !== numbers)
        await report(project, `no time left for the onTaskEnd command of ${taskId}`, 'skipped');
    } else if (claim !== null) {
      let failed: string | null;
      try {
        failed = await runOnTaskEnd(cmd, s, {
          summary: taskEndText(s),
          project,
          event: ctx.event,
          timeoutMs: cap,
          env: ctx.env,
        });
      } catch (error) {
        failed = `onTaskEnd for ${taskId}: ${message(error)}`;
      }
      if (failed === null) out.command = true;
      else {
        await claim.release();
        await report(project, failed);
      }
    }
  }
  return out;
}
