/**
 * `tokenledger run [--task --stage --estimate --label] -- claude -p …`: runs a headless agent with its
 * stdin, stdout, stderr and exit code passed through unchanged (stdout byte for byte while a copy is
 * parsed), then records the run: the session's usage from its transcripts, attributed to the task,
 * and Claude Code's own result figures beside it. A one-line running total goes to stderr.
 * @module
 */

import { resolveClaudeRoots } from '../../capture/claude/paths.js';
import { runClaudeCommand } from '../../capture/claude/run-command.js';
import { sessionTranscriptSizes } from '../../capture/claude/session-files.js';
import {
  type ContextLayer,
  checkName,
  contextFromEnv,
  envWithContext,
  parseLabels,
  resolveContext,
} from '../../capture/context/attribution-context.js';
import { parseEstimates } from '../../capture/context/estimate.js';
import { projectRoot } from '../../capture/context/project-root.js';
import { ExitCode, UserError } from '../../errors.js';
import { recordHeadlessRun } from '../../ledger/run-actions.js';
import { activeTask, ensureParent } from '../../ledger/task-actions.js';
import { type CliSession, type CommonOptions, openSession, pricerOf, stageMapOf } from '../context.js';
import { writeErr } from '../io.js';
import { appendMetrics, metricsFile } from '../metrics-log.js';
import { runSummaryLine } from '../run-summary.js';

export interface RunOptions extends CommonOptions {
  task?: string;
  stage?: string;
  estimate?: string[];
  label?: string[];
  parent?: string;
  title?: string;
  quiet?: boolean;
}

/** The context the flags declare, checked before anything runs. */
function flagLayer(opts: RunOptions): ContextLayer {
  const layer: ContextLayer = {};
  if (opts.task !== undefined) layer.taskId = checkName(opts.task, '--task');
  if (opts.stage !== undefined) layer.stage = checkName(opts.stage, '--stage');
  if (opts.label !== undefined) layer.labels = parseLabels(opts.label, '--label');
  return layer;
}

export async function runRun(command: readonly string[], opts: RunOptions): Promise<number> {
  const [program, ...args] = command;
  if (program === undefined || program === '')
    throw new UserError('name the command to run after --, e.g. tokenledger run --task T-1 -- claude -p "…"');
  const layer = flagLayer(opts);
  const estimate = opts.estimate === undefined ? undefined : parseEstimates(opts.estimate);
  const parentId = opts.parent === undefined ? undefined : checkName(opts.parent, '--parent');
  const taskFlag = layer.taskId ?? undefined;
  if (
    (estimate !== undefined || parentId !== undefined || opts.title !== undefined) &&
    taskFlag === undefined
  )
    throw new UserError(
      '--estimate, --parent and --title describe a task: name it with --task ID.',
      ExitCode.usage,
    );
  const envLayer = contextFromEnv(process.env);
  const cwd = process.cwd();
  const project = projectRoot(cwd);

  // Declare the task before the run, so hooks firing during it already see its estimate.
  let session: CliSession | null = null;
  let context = resolveContext(layer, envLayer);
  let claudeDirs: readonly string[] | undefined;
  try {
    session = await openSession(opts);
    claudeDirs = session.loaded.config.claudeDirs;
    if (context.taskId === null) {
      const active = await activeTask(session.store, project);
      if (active !== null) context = resolveContext(layer, envLayer, { taskId: active.id });
    }
    if (taskFlag !== undefined) {
      const known = await session.store.task(taskFlag);
      if (parentId !== undefined) await ensureParent(session.store, taskFlag, parentId, project);
      await session.store.saveTask({
        id: taskFlag,
        ...(known === null ? { project } : {}),
        ...(opts.title !== undefined ? { title: opts.title } : {}),
        ...(parentId !== undefined ? { parentId } : {}),
        ...(estimate?.tokens !== undefined ? { estimateTokens: estimate.tokens } : {}),
        ...(estimate?.usd !== undefined ? { estimateUsd: estimate.usd } : {}),
        ...(layer.labels !== undefined ? { labels: layer.labels } : {}),
      });
    }
  } catch (error) {
    if (error instanceof UserError && error.exitCode === ExitCode.usage) throw error;
    // The run goes ahead whatever happens to the ledger; it is recorded afterwards if it can be.
    writeErr(`tokenledger: ${(error as Error).message} (running the command anyway)\n`);
  } finally {
    await session?.store.close();
  }

  let claudeRoots: readonly string[] = [];
  try {
    // No warning about a dir without projects/: the command about to run may create it.
    claudeRoots = resolveClaudeRoots(claudeDirs).roots;
  } catch (error) {
    writeErr(`tokenledger: ${(error as Error).message} (running the command anyway)\n`);
  }
  const transcriptSizesBefore = sessionTranscriptSizes(claudeRoots, cwd);
  const child = await runClaudeCommand(program, args, {
    env: envWithContext(process.env, context),
    stdout: process.stdout,
  });
  const { startedAt, endedAt } = child;
  if (child.spawnError !== null) {
    const code = child.spawnError.code;
    writeErr(
      code === 'ENOENT'
        ? `tokenledger: cannot run "${program}": not found (check PATH, or give its full path).\n`
        : `tokenledger: cannot run "${program}": ${child.spawnError.message}.\n`,
    );
    return code === 'ENOENT' ? 127 : 126;
  }

  try {
    const s = await openSession(opts);
    try {
      const config = s.loaded.config;
      const recorded = await recordHeadlessRun(
        s.store,
        {
          startedAt,
          endedAt,
          exitCode: child.exitCode,
          signal: child.signal,
          output: child.result,
          cwd,
          context,
          claudeRoots,
          transcriptSizesBefore,
        },
        {
          origin: s.origin,
          stageMap: stageMapOf(s),
          ...(config.taskPattern === undefined ? {} : { taskPattern: config.taskPattern }),
        },
      );
      const summary = await runSummaryLine(s, recorded, context.taskId, { startedAt, endedAt }, pricerOf(s));
      appendMetrics(metricsFile(config.metricsFile), summary.metrics);
      if (opts.quiet !== true) {
        for (const note of recorded.notes) writeErr(`tokenledger: ${note}\n`);
        writeErr(`${summary.line}\n`);
        for (const w of summary.warnings) writeErr(`tokenledger: ⚠ ${w}\n`);
      }
    } finally {
      await s.store.close();
    }
  } catch (error) {
    writeErr(
      `tokenledger: the run finished but could not be recorded: ${(error as Error).message}. Its transcript is imported by the next \`tokenledger\` command.\n`,
    );
  }

  if (child.signal !== null) {
    // Die the way the child died, so callers see the same status.
    process.kill(process.pid, child.signal);
    return 128;
  }
  return child.exitCode ?? 1;
}
