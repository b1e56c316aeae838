/**
 * The library's run helper: runs `claude -p …` (or any command that prints Claude Code's
 * `--output-format json|stream-json`), tees its output, returns the usage, and, if asked, records the
 * run in the ledger attributed to a task and stage, the same way `tokenledger run` does (the same
 * engine and the same recording).
 * @module
 */
import { resolveClaudeRoots } from '../capture/claude/paths.js';
import { type CommandRun, type RunCommandOptions, runClaudeCommand } from '../capture/claude/run-command.js';
import { sessionTranscriptSizes } from '../capture/claude/session-files.js';
import {
  type AttributionContext,
  type ContextLayer,
  checkName,
  contextFromEnv,
  envWithContext,
  parseLabels,
  resolveContext,
} from '../capture/context/attribution-context.js';
import { projectRoot } from '../capture/context/project-root.js';
import { type LoadedConfig, loadConfig } from '../config/config.js';
import type { LedgerLocation } from '../config/ledger-location.js';
import { originOf } from '../config/origin.js';
import { ledgerLocation } from '../config/paths.js';
import { ExitCode, UserError } from '../errors.js';
import type { RecordedRun } from '../ledger/run-actions.js';

/** The ledger side, loaded only when a run is recorded: importing the library stays light. */
async function ledgerModules() {
  const [{ openLedger }, { recordHeadlessRun }, { activeTask }] = await Promise.all([
    import('../ledger/open-ledger.js'),
    import('../ledger/run-actions.js'),
    import('../ledger/task-actions.js'),
  ]);
  return { openLedger, recordHeadlessRun, activeTask };
}

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
  const cwd = options.cwd ?? process.cwd();
  const record = options.record;
  let context = resolveContext(record === undefined ? {} : layerOf(record), contextFromEnv(env));
  if (record === undefined) {
    const run = await runClaudeCommand(command, options.args, {
      ...options,
      env: envWithContext(env, context),
    });
    return { ...run, recorded: null, recordError: null, context };
  }

  // Declare the task before the run, so hooks firing during it see it; remember what the session's
  // transcripts looked like, to find the run's session even without structured output.
  let recordError: Error | null = null;
  let claudeRoots: readonly string[] = [];
  const project = projectRoot(cwd);
  let ledger: Awaited<ReturnType<typeof ledgerModules>> | null = null;
  let loaded: LoadedConfig | null = null;
  let location: LedgerLocation | null = null;
  try {
    ledger = await ledgerModules();
    const { openLedger, activeTask } = ledger;
    loaded = await loadConfig(record.config, env);
    claudeRoots = resolveClaudeRoots(loaded.config.claudeDirs, env).roots;
    location = ledgerLocation(record.ledger, env);
    const store = await openLedger(location);
    try {
      if (context.taskId === null) {
        const active = await activeTask(store, project);
        if (active !== null) context = resolveContext(context, { taskId: active.id });
      } else if ((await store.task(context.taskId)) === null) {
        await store.saveTask({ id: context.taskId, project });
      }
    } finally {
      await store.close();
    }
  } catch (error) {
    recordError = error as Error;
  }
  const transcriptSizesBefore = sessionTranscriptSizes(claudeRoots, cwd);
  const run = await runClaudeCommand(command, options.args, {
    ...options,
    env: envWithContext(env, context),
  });
  if (
    run.spawnError !== null ||
    recordError !== null ||
    ledger === null ||
    loaded === null ||
    location === null
  )
    return { ...run, recorded: null, recordError, context };

  // The config and modules loaded before the run serve the recording too.
  const { openLedger, recordHeadlessRun } = ledger;
  const config = loaded.config;
  try {
    const store = await openLedger(location);
    try {
      const recorded = await recordHeadlessRun(
        store,
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
          origin: originOf(loaded),
          stageMap: config.stages ?? {},
          ...(config.taskPattern === undefined ? {} : { taskPattern: config.taskPattern }),
        },
      );
      return { ...run, recorded, recordError: null, context };
    } finally {
      await store.close();
    }
  } catch (error) {
    return { ...run, recorded: null, recordError: error as Error, context };
  }
}
