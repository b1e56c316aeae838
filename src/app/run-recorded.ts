/**
 * Running a headless agent and recording the run: the one implementation behind `tokenledger run`
 * and the library's `runClaude({ record })`.
 *
 * Before the run, the ledger learns the task (so hooks firing during the run see it and its
 * estimate), an active task of the project is taken when none is named, and the session's transcript
 * sizes are noted (to find the run's session even without structured output). The command then runs
 * with the attribution in its environment. After it, its transcripts are imported and attributed,
 * Claude Code's own figures are kept beside them, and the run is summarized (`run-summary.ts`).
 * @module
 */
import { resolveClaudeRoots } from '../capture/claude/paths.js';
import { type CommandRun, type RunCommandOptions, runClaudeCommand } from '../capture/claude/run-command.js';
import { sessionTranscriptSizes } from '../capture/claude/session-files.js';
import {
  type AttributionContext,
  type ContextLayer,
  contextFromEnv,
  envWithContext,
  resolveContext,
} from '../capture/context/attribution-context.js';
import type { Estimate } from '../capture/context/estimate.js';
import { projectRoot } from '../capture/context/project-root.js';
import { ExitCode, UserError } from '../util/errors.js';
import {
  type LedgerSession,
  type LedgerSessionOptions,
  stageMapOf,
  withLedgerSession,
} from './ledger-session.js';
import { type RecordedRun, recordHeadlessRun } from './run-actions.js';
import { type RunSummary, summarizeRun } from './run-summary.js';
import { activeTask, ensureParent } from './task-actions.js';
import { projectTaskPattern } from './trackers/beads.js';
import { runTasksEnded } from './trackers/task-end-calls.js';

/** What the task named in the attribution is saved with before the run (`run --estimate --parent --title`). */
export interface RunTaskDetails {
  title?: string | undefined;
  parentId?: string | undefined;
  estimate?: Estimate | undefined;
}

export interface RecordedRunRequest {
  /** The program and its arguments. */
  command: string;
  args: readonly string[];
  /** The attribution the caller declares (flags or options), already checked. */
  layer: ContextLayer;
  task?: RunTaskDetails;
  /** Where the ledger and the config are; `env` is also the run's environment. */
  ledger: LedgerSessionOptions & { env: NodeJS.ProcessEnv };
  cwd: string;
  /** How the child's streams are wired. */
  io: Omit<RunCommandOptions, 'env' | 'cwd'>;
  /**
   * After the ledger could not be prepared: `true` runs and then records anyway (the ledger may be
   * free by then: the CLI), `false` runs without recording (the library).
   */
  recordAfterFailedPrepare: boolean;
  /** Told when preparing failed, before the command starts (the command runs anyway). */
  onPrepareError?: (error: Error) => void;
  /** Runs on the recording's session after the run is recorded (the CLI's metrics line and summary). */
  afterRecord?: (
    session: LedgerSession,
    outcome: RecordedRunOutcome & { recorded: RecordedRun; summary: RunSummary },
  ) => Promise<void>;
}

export interface RecordedRunOutcome {
  run: CommandRun;
  /** The task, stage and labels the run was attributed to (also in the child's environment). */
  context: AttributionContext;
  /** The run as recorded, or null (not recorded: the command could not start, or recording failed). */
  recorded: RecordedRun | null;
  /** Where the run leaves its task and plan (the running total), when it was recorded; else null. */
  summary: RunSummary | null;
  /** Why the ledger could not be prepared or the run recorded, or null. */
  recordError: Error | null;
}

/** A usage error (a bad task, stage, estimate) ends the call; anything else is the ledger's. */
function isUsageError(error: unknown): boolean {
  return error instanceof UserError && error.exitCode === ExitCode.usage;
}

/**
 * Saves the task before the run, and finds the project's active task when none is named. Returns
 * the attribution and the configured Claude dirs (undefined when the config could not be read).
 */
async function prepare(
  request: RecordedRunRequest,
  project: string,
): Promise<{ context: AttributionContext; claudeDirs: readonly string[] | undefined }> {
  const { layer, task } = request;
  const envLayer = contextFromEnv(request.ledger.env);
  let context = resolveContext(layer, envLayer);
  let claudeDirs: readonly string[] | undefined;
  await withLedgerSession(request.ledger, async (session) => {
    claudeDirs = session.loaded.config.claudeDirs;
    const { store } = session;
    if (context.taskId === null) {
      const active = await activeTask(store, project);
      if (active !== null) context = resolveContext(layer, envLayer, { taskId: active.id });
    }
    const taskId = layer.taskId ?? undefined;
    if (taskId !== undefined) {
      const known = await store.task(taskId);
      if (task?.parentId !== undefined) await ensureParent(store, taskId, task.parentId, project);
      await store.saveTask({
        id: taskId,
        ...(known === null ? { project } : {}),
        ...(task?.title !== undefined ? { title: task.title } : {}),
        ...(task?.parentId !== undefined ? { parentId: task.parentId } : {}),
        ...(task?.estimate?.tokens !== undefined ? { estimateTokens: task.estimate.tokens } : {}),
        ...(task?.estimate?.usd !== undefined ? { estimateUsd: task.estimate.usd } : {}),
        ...(layer.labels !== undefined ? { labels: layer.labels } : {}),
      });
    }
  });
  return { context, claudeDirs };
}

/**
 * Runs the command to its end and records it. Rejects only for a usage error (an invalid task,
 * stage, label or estimate, before anything runs); a ledger that cannot be prepared or a run that
 * cannot be recorded is in `recordError`, a command that cannot start in `run.spawnError`.
 */
export async function runRecorded(request: RecordedRunRequest): Promise<RecordedRunOutcome> {
  const { env } = request.ledger;
  const cwd = request.cwd;
  const project = projectRoot(cwd);
  let context = resolveContext(request.layer, contextFromEnv(env));
  let prepareError: Error | null = null;
  let claudeDirs: readonly string[] | undefined;
  try {
    ({ context, claudeDirs } = await prepare(request, project));
  } catch (error) {
    if (isUsageError(error)) throw error;
    prepareError = error as Error;
    request.onPrepareError?.(prepareError);
  }
  let claudeRoots: readonly string[] = [];
  try {
    // No warning about a dir without projects/: the command about to run may create it.
    claudeRoots = resolveClaudeRoots(claudeDirs, env).roots;
  } catch (error) {
    prepareError ??= error as Error;
    request.onPrepareError?.(error as Error);
  }
  const transcriptSizesBefore = sessionTranscriptSizes(claudeRoots, cwd);
  const run = await runClaudeCommand(request.command, request.args, {
    ...request.io,
    cwd,
    env: envWithContext(env, context),
  });
  if (run.spawnError !== null || (prepareError !== null && !request.recordAfterFailedPrepare))
    return { run, context, recorded: null, summary: null, recordError: prepareError };

  try {
    const saved = await withLedgerSession(request.ledger, async (session) => {
      const config = session.loaded.config;
      const done = await recordHeadlessRun(
        session.store,
        {
          startedAt: run.startedAt,
          endedAt: run.endedAt,
          exitCode: run.exitCode,
          signal: run.signal,
          output: run.result,
          cwd,
          context,
          claudeRoots,
          transcriptSizesBefore,
        },
        {
          origin: session.origin,
          stageMap: stageMapOf(session),
          ...taskPatternOption(projectTaskPattern(config, cwd)),
        },
      );
      done.notes.push(
        ...(await runTasksEnded(session, { taskId: context.taskId, sessionIds: done.sessionIds, cwd })),
      );
      const summary = await summarizeRun(session, done, context.taskId, run);
      await request.afterRecord?.(session, { run, context, recorded: done, summary, recordError: null });
      return { recorded: done, summary };
    });
    return { run, context, ...saved, recordError: null };
  } catch (error) {
    return { run, context, recorded: null, summary: null, recordError: error as Error };
  }
}

function taskPatternOption(taskPattern: string | undefined): { taskPattern?: string } {
  return taskPattern === undefined ? {} : { taskPattern };
}
