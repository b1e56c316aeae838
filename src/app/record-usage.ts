/**
 * `recordUsage`: the usage-tracker telemetry contract in one call, shared by `tokenledger record`,
 * the MCP tool `record_usage` and library users. It takes a telemetry request and answers with the
 * contract's JSON.
 *
 * - `log_only` / `log_and_summarize`: the declaration goes into the ledger (captured usage of the
 *   same task wins, see `ledger/sqlite/telemetry.ts`), missing fields are noted in the error log,
 *   pending error-log entries are reconciled, and the task's file, its day's summary and
 *   error log are rewritten under the `.token-usage/` root.
 * - `review_period`: the last `days` days are analysed and `reports/usage-review-<date>.md` written.
 * - A request that is not valid answers `{status: "error", reason}` and records nothing; the
 *   failure is noted in the error log.
 * - When the ledger is locked or failing, the declaration goes to the spool (next to the ledger)
 *   and the answer is still `recorded`: the next call that reaches the ledger applies it (never
 *   block). The task file is written from the request meanwhile.
 * @module
 */
import path from 'node:path';
import { rejectedRequestError } from '../app/telemetry-actions.js';
import { projectRoot } from '../capture/context/project-root.js';
import {
  errorResponse,
  invalidRequestResponse,
  parseTelemetryRequest,
  parseTelemetryText,
  responseForRecorded,
  type TelemetryParseResult,
  type TelemetryRequest,
  type TelemetryResponse,
} from '../capture/telemetry/index.js';
import { isRecord } from '../capture/telemetry/telemetry-schema.js';
import { type LoadedConfig, loadConfig } from '../config/config.js';
import { ledgerLocation } from '../config/paths.js';
import { telemetrySpool } from '../ledger/telemetry-spool.js';
import { ExitCode } from '../util/errors.js';
import { originOf } from './origin.js';
import type { RecordContext } from './record-context.js';

/** Options of {@link recordUsage}. */
export interface RecordUsageOptions {
  /**
   * The ledger: a file path (default: `$TOKENLEDGER_DB`, else
   * `$TOKENLEDGER_HOME/ledger.db`, as the CLI).
   */
  ledger?: string;
  /** The config file (default: the CLI's). */
  config?: string;
  /**
   * Root of the `.token-usage/` tree (default: the config's `tokenUsageRoot`, else `.token-usage`,
   * relative to the project: the git work tree around `cwd`, or `cwd`).
   */
  root?: string;
  /** The directory the call is made from (default: `process.cwd()`). */
  cwd?: string;
  /** The environment to read `TOKENLEDGER_*` from (default: `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** The clock (tests). */
  now?: () => Date;
  /** How long to wait for another process's lock on the ledger before spooling, in ms (default 2000). */
  busyTimeoutMs?: number;
}

/** What {@link recordUsage} did. */
export interface RecordUsageResult {
  /** The contract's answer. */
  response: TelemetryResponse;
  /** Non-fatal notes (ignored keys, missing fields, spooling): for stderr, never for stdout. */
  warnings: string[];
  /** 0 when recorded or reported, 1 for an invalid request (the CLI's exit code). */
  exitCode: number;
  /** Files written under the root (absolute paths). */
  written: string[];
}

/** Where the `.token-usage/` tree goes. */
export function tokenUsageRoot(explicit: string | undefined, loaded: LoadedConfig, cwd: string): string {
  const project = projectRoot(cwd);
  if (explicit !== undefined) return path.resolve(cwd, explicit);
  return path.resolve(project, loaded.config.tokenUsageRoot ?? '.token-usage');
}

/** True for failures of the ledger itself (locked, read-only, full, corrupt, unopenable). */
export function isLedgerFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'LedgerError') return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

function taskIdOf(input: unknown): string | null {
  const raw = typeof input === 'string' ? safeJson(input) : input;
  return isRecord(raw) && typeof raw.task_id === 'string' && raw.task_id.trim() !== '' ? raw.task_id : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Records a usage-tracker telemetry request (a parsed object or its JSON text) and answers with
 * the contract's JSON. Never throws for bad input or a failing ledger: those are answers too.
 */
export async function recordUsage(
  input: unknown,
  options: RecordUsageOptions = {},
): Promise<RecordUsageResult> {
  const env = options.env ?? process.env;
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const now = options.now?.() ?? new Date();
  const loaded = await loadConfig(options.config, env);
  const ctx: RecordContext = {
    loaded,
    origin: originOf(loaded.config),
    ledger: ledgerLocation(options.ledger, env),
    root: tokenUsageRoot(options.root, loaded, cwd),
    project: projectRoot(cwd),
    now,
    busyTimeoutMs: options.busyTimeoutMs ?? 2000,
  };
  const parsed: TelemetryParseResult =
    typeof input === 'string' ? parseTelemetryText(input) : parseTelemetryRequest(input);
  if (!parsed.ok) return rejected(ctx, parsed, taskIdOf(input));
  const { request } = parsed;
  const warnings = [...parsed.warnings];
  const { withLedger } = await import('./record-ledger.js');
  try {
    const done = await withLedger(ctx, request, warnings);
    return { response: done.response, warnings, exitCode: ExitCode.ok, written: done.written };
  } catch (error) {
    if (!isLedgerFailure(error) || request.mode === 'review_period') {
      const reason = error instanceof Error ? error.message : String(error);
      return {
        response: errorResponse(
          `could not ${request.mode === 'review_period' ? 'review' : 'record'}: ${reason}`,
        ),
        warnings,
        exitCode: isLedgerFailure(error) ? ExitCode.ledger : ExitCode.internal,
        written: [],
      };
    }
    return spooled(ctx, request, warnings, error as Error);
  }
}

async function rejected(
  ctx: RecordContext,
  parsed: Extract<TelemetryParseResult, { ok: false }>,
  taskId: string | null,
): Promise<RecordUsageResult> {
  const response = invalidRequestResponse(parsed);
  const warnings: string[] = [];
  const written: string[] = [];
  // Log the failure. Best effort: a failing ledger must not hide the answer.
  try {
    const { logRejection } = await import('./record-ledger.js');
    written.push(
      ...(await logRejection(ctx, rejectedRequestError(response.reason, ctx.now.getTime(), taskId))),
    );
  } catch (error) {
    warnings.push(`the failure could not be noted in the error log: ${(error as Error).message}`);
  }
  return { response, warnings, exitCode: ExitCode.usage, written };
}

async function spooled(
  ctx: RecordContext,
  request: TelemetryRequest,
  warnings: string[],
  error: Error,
): Promise<RecordUsageResult> {
  const receivedAt = ctx.now.getTime();
  const spool = telemetrySpool(ctx.ledger);
  if (spool === null) {
    return {
      response: errorResponse(`could not record: ${error.message}`),
      warnings,
      exitCode: ExitCode.ledger,
      written: [],
    };
  }
  try {
    const file = spool.add({
      version: 1,
      receivedAt,
      project: ctx.project,
      reason: error.message,
      request,
    });
    warnings.push(
      `the ledger is busy or failing (${error.message}); the usage waits in ${file} and is added by the next call`,
    );
  } catch (spoolError) {
    return {
      response: errorResponse(
        `could not record: the ledger failed (${error.message}) and so did the spool (${(spoolError as Error).message})`,
      ),
      warnings,
      exitCode: ExitCode.ledger,
      written: [],
    };
  }
  const written: string[] = [];
  try {
    const { writeSpooledTaskFile } = await import('./record-ledger.js');
    written.push(writeSpooledTaskFile(ctx, request, receivedAt));
  } catch (writeError) {
    warnings.push(`the task file could not be written yet: ${(writeError as Error).message}`);
  }
  return { response: responseForRecorded(request), warnings, exitCode: ExitCode.ok, written };
}
