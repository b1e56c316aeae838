/**
 * One `tokenledger hook` call, start to end: read the config and the environment's context, parse the
 * hook JSON, replay earlier failed calls, apply this one to the ledger, and decide what (if anything)
 * to print. Nothing here may throw: every failure becomes an error-log entry (and a `problems` row
 * and a queued retry when it can), because a hook must never fail the agent it observes.
 * @module
 */

import { type HookInput, HookInputError, parseHookInput } from '../../capture/claude/hook-input.js';
import {
  type AttributionContext,
  compileTaskPattern,
  contextFromEnv,
  resolveContext,
} from '../../capture/context/attribution-context.js';
import type { Config } from '../../config/config.js';
import { loadConfig } from '../../config/config.js';
import { ledgerLocation } from '../../config/paths.js';
import { openLedger } from '../../ledger/open-ledger.js';
import type { LedgerStore } from '../../ledger/store.js';
import { createPricer } from '../../pricing/create-pricer.js';
import type { Pricer } from '../../pricing/pricer.js';
import { replaySpool } from '../../util/spool.js';
import { budgetClock } from '../budget-status.js';
import { dueBudgetWarnings } from '../budget-warnings.js';
import { applyHook } from '../hook-actions.js';
import { appendMetrics, metricsFile } from '../metrics-log.js';
import { originOf } from '../origin.js';
import { withProjectTaskIds } from '../trackers/hook-task-ids.js';
import { subagentTasksEnded } from '../trackers/task-end-calls.js';
import { agentMetrics } from './agent-metrics.js';
import { appendErrorLog, type ErrorLogEntry } from './error-log.js';
import { hookSpool } from './hook-spool.js';
import { hookWarnings } from './hook-warnings.js';

export interface HookFlags {
  db?: string;
  config?: string;
}

/** The config file as the call read it once: its config, or why it could not be used. */
export type HookConfig = { config: Config } | { error: unknown };

/**
 * Reads the config for a hook call. A `--config` written by `hooks install` before the file existed
 * means the defaults.
 */
export async function loadHookConfig(flags: HookFlags, env: NodeJS.ProcessEnv): Promise<HookConfig> {
  try {
    return { config: (await loadConfig(flags.config, env, { missingIsDefault: true })).config };
  } catch (error) {
    return { error };
  }
}

export interface HookCall {
  flags: HookFlags;
  /** Read once per process, by {@link loadHookConfig}. */
  config: HookConfig;
  stdin: string;
  env: NodeJS.ProcessEnv;
  /** The data dir (error log, retry queue), from `env`. */
  home: string;
  now: number;
  /** When the call must be done (ms since epoch): lock waits stop here. */
  deadline: number;
}

export const DEFAULT_HOOK_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_MB = 64;
/** How long a Stop may wait for Claude Code to write the answer it names, and the time it keeps after. */
const ANSWER_WAIT_MS = 1_500;
const ANSWER_WAIT_MARGIN_MS = 1_000;
/** Queued calls replayed per hook call, so a long queue never makes one call slow. */
const REPLAY_PER_CALL = 8;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs the call. Returns what to print on stdout: '' or one JSON object for Claude Code. */
export async function runHookCall(call: HookCall): Promise<string> {
  const home = call.home;
  const log = (e: Omit<ErrorLogEntry, 'at'> & { at?: number }) =>
    appendErrorLog(home, { at: call.now, ...e });

  let config: Config = {};
  if ('error' in call.config)
    log({
      kind: 'failure',
      what: 'hook',
      message: `${message(call.config.error)} Using the defaults for this call.`,
    });
  else config = call.config.config;
  let pattern: RegExp | null = null;
  try {
    pattern = compileTaskPattern(config.taskPattern, '"taskPattern" in the config file');
  } catch (error) {
    log({ kind: 'failure', what: 'hook', message: message(error) });
  }
  let context: AttributionContext = resolveContext();
  try {
    context = resolveContext(contextFromEnv(call.env));
  } catch (error) {
    log({
      kind: 'failure',
      what: 'hook',
      message: `${message(error)} The call goes on without that context.`,
    });
  }

  let input: HookInput | null = null;
  let inputError: string | null = null;
  let taskPattern: string | undefined;
  try {
    input = parseHookInput(call.stdin, pattern);
    ({ input, taskPattern } = withProjectTaskIds(call.stdin, input, config, pattern));
  } catch (error) {
    inputError =
      error instanceof HookInputError ? error.message : `cannot read the hook input: ${message(error)}`;
    log({ kind: 'failure', what: 'hook', message: `${inputError}. Nothing was recorded for this call.` });
  }

  let store: LedgerStore | null = null;
  const what = `hook ${input?.eventName ?? '(unknown event)'}`;
  try {
    store = await openLedger(ledgerLocation(call.flags.db, call.env), {
      busyTimeoutMs: Math.max(100, call.deadline - Date.now()),
    });
  } catch (error) {
    const spooled = input === null ? null : spool(home, call, input, context, message(error));
    log({
      kind: 'failure',
      what,
      sessionId: input?.sessionId ?? null,
      message: `${message(error)}${spooled ? ` Queued for retry (${spooled}); the next hook call replays it.` : ''}`,
    });
    return '';
  }

  const options = {
    stageMap: config.stages ?? {},
    ...(taskPattern === undefined ? {} : { taskPattern }),
    origin: originOf(config, call.env),
    maxBytesPerFile: Math.round((config.hook?.maxMegabytesPerFile ?? DEFAULT_MAX_MB) * 1048576),
  };
  try {
    if (inputError !== null) {
      await store.writeProblems([
        { file: '(hook stdin)', line: null, offset: null, severity: 'error', reason: inputError },
      ]);
      return '';
    }
    if (input === null) return '';
    await replayQueued(store, home, options, call, log);
    let outcome: Awaited<ReturnType<typeof applyHook>>;
    try {
      outcome = await applyHook(store, input, {
        ...options,
        context,
        now: call.now,
        answerWaitUntil: Math.min(call.now + ANSWER_WAIT_MS, call.deadline - ANSWER_WAIT_MARGIN_MS),
      });
    } catch (error) {
      const spooled = spool(home, call, input, context, message(error));
      log({
        kind: 'failure',
        what,
        sessionId: input.sessionId,
        message: `${message(error)}${spooled ? ` Queued for retry (${spooled}).` : ''}`,
      });
      await store
        .writeProblems([
          {
            file: input.transcriptPath ?? '(hook stdin)',
            line: null,
            offset: null,
            severity: 'error',
            reason: `${what} failed: ${message(error)}; it will be retried on the next hook call`,
          },
        ])
        .catch(() => undefined);
      return '';
    }
    if (outcome.import.bytesLeft > 0) {
      log({
        kind: 'skipped',
        what,
        sessionId: input.sessionId,
        message: `${(outcome.import.bytesLeft / 1048576).toFixed(1)} MiB of transcript left over the per-call budget (hook.maxMegabytesPerFile); the next hook call or \`tokenledger import\` reads it.`,
      });
    }
    let made: Pricer | undefined;
    const pricer = () => {
      made ??= createPricer(config.pricing?.overrides);
      return made;
    };
    if (input.event === 'SubagentStop' && input.agentId !== null) {
      const line = await agentMetrics(store, input.sessionId, input.agentId, {
        pricer: pricer(),
        stageMap: options.stageMap,
        now: call.now,
      });
      if (line !== null) appendMetrics(metricsFile(config.metricsFile, call.env), line);
      await subagentTasksEnded({
        store,
        sessionId: input.sessionId,
        agentId: input.agentId,
        cwd: input.cwd,
        config,
        pricer: pricer(),
        stageMap: options.stageMap,
        machine: options.origin.machine,
        env: call.env,
        home,
        now: call.now,
        deadline: call.deadline,
      });
    }
    // A task's standing and a budget's change only with new usage. Nobody sees what SessionEnd prints,
    // so its warnings stay unclaimed for the next call that shows them.
    if (outcome.import.records === 0 || config.hook?.warnings === false || input.event === 'SessionEnd')
      return '';
    const warnings =
      outcome.taskId === null
        ? []
        : await hookWarnings(store, outcome.taskId, {
            pricer,
            stageMap: options.stageMap,
            multiple: config.overrunMultiple,
          });
    const budgetCheck = hookBudgetWarnings(store, config, pricer, call.now).catch((error: unknown) => {
      log({ kind: 'failure', what, sessionId: input.sessionId, message: `budgets: ${message(error)}` });
      return [];
    });
    warnings.push(...(await budgetCheck));
    return warnings.length === 0
      ? ''
      : `${JSON.stringify({ systemMessage: `tokenledger: ${warnings.join('; ')}` })}\n`;
  } catch (error) {
    log({ kind: 'failure', what, sessionId: input?.sessionId ?? null, message: message(error) });
    return '';
  } finally {
    await store.close().catch(() => undefined);
  }
}

/** The budget warnings newly due (`budget-warnings.ts`). */
async function hookBudgetWarnings(
  store: LedgerStore,
  config: Config,
  pricer: () => Pricer,
  now: number,
): Promise<string[]> {
  return dueBudgetWarnings({
    store,
    pricer,
    stageMap: config.stages ?? {},
    clock: budgetClock(config.timezone),
    now,
    cached: true,
  });
}

/** Queues the call for the next one; returns the queued file, or null when it cannot be queued. */
function spool(
  home: string,
  call: HookCall,
  input: HookInput,
  context: AttributionContext,
  error: string,
): string | null {
  try {
    return hookSpool(home).add({ version: 1, at: call.now, input, context, error, attempts: 1 });
  } catch {
    return null;
  }
}

/**
 * Replays queued calls (oldest first) with their own time and context; logs each recovery. A call
 * that fails again goes back with its new error, and the rest wait for the next call.
 */
async function replayQueued(
  store: LedgerStore,
  home: string,
  options: Omit<Parameters<typeof applyHook>[2], 'context' | 'now'>,
  call: HookCall,
  log: (e: Omit<ErrorLogEntry, 'at'>) => void,
): Promise<void> {
  try {
    await replaySpool(hookSpool(home), {
      limit: REPLAY_PER_CALL,
      deadline: call.deadline,
      replay: async (queued) => {
        await applyHook(store, queued.input, { ...options, context: queued.context, now: queued.at });
        log({
          kind: 'recovered',
          what: `hook ${queued.input.eventName} of ${new Date(queued.at).toISOString()}`,
          sessionId: queued.input.sessionId,
          message: `replayed after ${queued.attempts} failed attempt(s) (last error: ${queued.error})`,
        });
      },
      requeue: (queued, error) => ({ ...queued, error: message(error), attempts: queued.attempts + 1 }),
    });
  } catch {
    // Put back with its error; the next hook call tries again.
  }
}
