/**
 * The library's run helper: runs `claude -p …` (or any command that prints Claude Code's
 * `--output-format json|stream-json`), tees its output, returns the usage, and, if asked, records the
 * run in the ledger attributed to a task and stage, the same way `tokenledger run` does (the same
 * engine and the same recording).
 * @module
 */

import type { RecordedRun } from '../app/run-actions.js';
import type { RunSummary } from '../app/run-summary.js';
import { type CommandRun, type RunCommandOptions, runClaudeCommand } from '../capture/claude/run-command.js';
import {
  type AttributionContext,
  type ContextLayer,
  checkName,
  contextFromEnv,
  envWithContext,
  parseLabels,
  resolveContext,
} from '../capture/context/attribution-context.js';
import { ExitCode, UserError } from '../util/errors.js';
/** Where and how to record a run in the ledger. */
export interface RecordRunOptions {
  /**
   * The ledger: a file path (default: `$TOKENLEDGER_DB`, else `$TOKENLEDGER_HOME/ledger.db`, as the
   * CLI).
   */
  ledger?: string;
  /**
   * The config file (default: the CLI's, `$TOKENLEDGER_CONFIG` or the XDG config dir, from the
   * run's environment): Claude dirs, stage map, task pattern, machine and user.
   */
  config?: string;
  /** The task the run works on (created if the ledger does not know it yet). */
  task?: string;
  /** The workflow stage (e.g. `implement`). */
  stage?: string;
  labels?: Readonly<Record<string, string>>;
}

export interface RunClaudeOptions extends Omit<RunCommandOptions, 'stdout'> {
  /** The program (default `claude`). */
  command?: string;
  /** Its arguments, e.g. `['-p', 'Fix the bug', '--output-format', 'stream-json', '--verbose']`. */
  args: readonly string[];
  /**
   * Where the output goes besides the parser (a stream such as `process.stdout` or a log file's), or
   * `'ignore'` (the default).
   */
  stdout?: RunCommandOptions['stdout'];
  /** Record the run in the ledger (its transcripts imported and attributed). Off by default. */
  record?: RecordRunOptions;
}

export interface ClaudeRun extends CommandRun {
  /** The run as recorded, when `record` was given and recording worked. */
  recorded: RecordedRun | null;
  /**
   * Where the run leaves things, when it was recorded: its usage from the transcripts, Claude Code's
   * cost, its task's and plan's standing and overrun warnings (what `tokenledger run` prints); else null.
   */
  summary: RunSummary | null;
  /** Why recording failed (the run itself is unaffected), or null. */
  recordError: Error | null;
  /** The task, stage and labels the run was attributed to (also passed to the child's environment). */
  context: AttributionContext;
}

function layerOf(r: RecordRunOptions): ContextLayer {
  const layer: ContextLayer = {};
  if (r.task !== undefined) layer.taskId = checkName(r.task, 'task');
  if (r.stage !== undefined) layer.stage = checkName(r.stage, 'stage');
  if (r.labels !== undefined) {
    // The same rules as --label k=v: no separators or control characters in keys and values.
    const pairs = Object.entries(r.labels).map(([k, v]) => {
      if (k.includes('=') || k.includes(',') || v.includes(','))
        throw new UserError(`labels: "${k}=${v}" may not contain "," (or "=" in the key).`, ExitCode.usage);
      return `${k}=${v}`;
    });
    layer.labels = pairs.length === 0 ? {} : parseLabels(pairs, 'labels');
  }
  return layer;
}

/**
 * Runs the command to its end and returns its exit status and usage. Never rejects for the
 * command's sake: a command that cannot start is in `spawnError`, a failed recording (or a ledger
 * that cannot be loaded) in `recordError`. It rejects only for an invalid attribution: a task,
 * stage or label in `record`, or in `TOKENLEDGER_TASK`/`_STAGE`/`_LABELS` of the environment, with a
 * path separator, a control character, …. With `record`, the ledger and the task are written before
 * the command starts (so hooks firing during the run see the task), even if it then cannot start.
 */
export async function runClaude(options: RunClaudeOptions): Promise<ClaudeRun> {
  const command = options.command ?? 'claude';
  const env = options.env ?? process.env;
  const record = options.record;
  if (record === undefined) {
    const context = resolveContext({}, contextFromEnv(env));
    const run = await runClaudeCommand(command, options.args, {
      ...options,
      env: envWithContext(env, context),
    });
    return { ...run, recorded: null, summary: null, recordError: null, context };
  }
  const layer = layerOf(record);
  const { command: _command, args, record: _record, env: _env, cwd, ...io } = options;
  // The ledger side, loaded only when a run is recorded: importing the library stays light.
  let runRecorded: typeof import('../app/run-recorded.js').runRecorded;
  try {
    ({ runRecorded } = await import('../app/run-recorded.js'));
  } catch (error) {
    const context = resolveContext(layer, contextFromEnv(env));
    const run = await runClaudeCommand(command, args, { ...io, cwd, env: envWithContext(env, context) });
    return { ...run, recorded: null, summary: null, recordError: error as Error, context };
  }
  const outcome = await runRecorded({
    command,
    args,
    layer,
    ledger: { db: record.ledger, config: record.config, env },
    cwd: cwd ?? process.cwd(),
    io,
    recordAfterFailedPrepare: false,
  });
  return {
    ...outcome.run,
    recorded: outcome.recorded,
    summary: outcome.summary,
    recordError: outcome.recordError,
    context: outcome.context,
  };
}
