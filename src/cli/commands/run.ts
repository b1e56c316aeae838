/**
 * `tokenledger run [--task --stage --estimate --label] -- claude -p …`: runs a headless agent with its
 * stdin, stdout, stderr and exit code passed through unchanged (stdout byte for byte while a copy is
 * parsed), then records the run: the session's usage from its transcripts, attributed to the task,
 * and Claude Code's own result figures beside it. A one-line running total goes to stderr.
 * @module
 */

import { runRecorded } from '../../app/run-recorded.js';
import { logRunMetrics } from '../../app/run-summary.js';
import { type ContextLayer, checkName, parseLabels } from '../../capture/context/attribution-context.js';
import { parseEstimates } from '../../capture/context/estimate.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { budgetNotes } from '../budget-notes.js';
import type { CommonOptions } from '../context.js';
import { writeErr } from '../io.js';
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
  const { run: child, recordError } = await runRecorded({
    command: program,
    args,
    layer,
    task: { title: opts.title, parentId, estimate },
    ledger: { db: opts.db, config: opts.config, env: process.env },
    cwd: process.cwd(),
    io: { stdout: process.stdout },
    recordAfterFailedPrepare: true,
    // The run goes ahead whatever happens to the ledger; it is recorded afterwards if it can be.
    onPrepareError: (error) => writeErr(`tokenledger: ${error.message} (running the command anyway)\n`),
    afterRecord: async (s, { recorded, summary }) => {
      logRunMetrics(s, summary);
      if (opts.quiet !== true) {
        for (const note of recorded.notes) writeErr(`tokenledger: ${note}\n`);
        writeErr(`${runSummaryLine(summary)}\n`);
        for (const w of summary.warnings) writeErr(`tokenledger: ⚠ ${w}\n`);
        // The run is recorded by now: a budget that cannot be checked is a note, not a failure.
        const budgets = await budgetNotes(s).catch((error: unknown) => [
          `budgets not checked: ${error instanceof Error ? error.message : String(error)}`,
        ]);
        for (const note of budgets) writeErr(`tokenledger: ${note}\n`);
      }
    },
  });
  if (child.spawnError !== null) {
    const code = child.spawnError.code;
    writeErr(
      code === 'ENOENT'
        ? `tokenledger: cannot run "${program}": not found (check PATH, or give its full path).\n`
        : `tokenledger: cannot run "${program}": ${child.spawnError.message}.\n`,
    );
    return code === 'ENOENT' ? 127 : 126;
  }
  if (recordError !== null) {
    writeErr(
      `tokenledger: the run finished but could not be recorded: ${recordError.message}. Its transcript is imported by the next \`tokenledger\` command.\n`,
    );
  }

  if (child.signal !== null) {
    // Die the way the child died, so callers see the same status.
    process.kill(process.pid, child.signal);
    return 128;
  }
  return child.exitCode ?? 1;
}
