/**
 * Usage text for orchestrator log files: the footer a step's log ends with and the
 * usage lines of a task log's header. Pure functions; numbers are printed plainly
 * (`12345`, no digit grouping) so the lines stay easy to grep and parse.
 * @module
 */
import type { ClaudeRunResult } from '../capture/claude/stream/types.js';
import { checkAmountOrNull, showValue } from '../util/checked-numbers.js';
import { formatPercent, NOT_AVAILABLE } from '../util/format.js';
import { cacheHitRate } from '../util/token-counts.js';
import {
  addModelUsage,
  checkModelUsage,
  type ModelTokenUsage,
  type TokenUsage,
  zeroTokenUsage,
} from './state-files.js';
import { type TaskUsage, toTaskUsage } from './task-usage.js';

/** The service tier printed when the caller does not know the run's (orchestrators print this one). */
export const DEFAULT_SERVICE_TIER = 'standard';

/** The dashed line that opens the footer. */
export const FOOTER_RULE = '-------------------------------------------------';

/** Options of {@link formatTokenFooter}. */
export interface TokenFooterOptions {
  /** The run's service tier (`usage.service_tier`); {@link DEFAULT_SERVICE_TIER} when null or absent. */
  serviceTier?: string | null;
}

/** The four count lines of one {@link TokenUsage}. */
function countLines(u: TokenUsage): string[] {
  return [
    `Input Tokens: ${u.inputTokens}`,
    `Output Tokens: ${u.outputTokens}`,
    `Cache Creation Input Tokens: ${u.cacheCreationInputTokens}`,
    `Cache Read Input Tokens: ${u.cacheReadInputTokens}`,
  ];
}

/**
 * The `--- Token Usage ---` block of a step's log footer, without a leading or trailing newline.
 *
 * With one model (or none: all counts 0) it is exactly the orchestrators' block:
 * ```text
 * --- Token Usage ---
 * Input Tokens: 1200
 * Output Tokens: 340
 * Cache Creation Input Tokens: 5000
 * Cache Read Input Tokens: 80000
 * Service Tier: standard
 * ```
 * With several models, each model's four lines follow a `Model: <name>` line (in `usage`'s order),
 * then a `Total (<n> models):` line and the four lines of their sum, then the one `Service Tier` line.
 * Throws when a count is not a non-negative integer.
 */
export function formatTokenFooter(usage: ModelTokenUsage, opts: TokenFooterOptions = {}): string {
  const models = Object.entries(checkModelUsage(usage));
  const lines = ['--- Token Usage ---'];
  if (models.length <= 1) {
    lines.push(...countLines(models[0]?.[1] ?? zeroTokenUsage()));
  } else {
    let total: ModelTokenUsage = {};
    for (const [model, counts] of models) {
      lines.push(`Model: ${model}`, ...countLines(counts));
      total = addModelUsage(total, { total: counts });
    }
    lines.push(`Total (${models.length} models):`, ...countLines(total.total ?? zeroTokenUsage()));
  }
  lines.push(`Service Tier: ${serviceTier(opts.serviceTier)}`);
  return lines.join('\n');
}

function serviceTier(tier: string | null | undefined): string {
  return tier === undefined || tier === null || tier.trim() === '' ? DEFAULT_SERVICE_TIER : tier.trim();
}

/** What {@link formatLogFooter} needs. */
export interface LogFooterInput {
  /** When the process finished: a Date, or a date string `Date` can parse. Printed as ISO 8601 UTC. */
  endTime: Date | string;
  /** Wall time of the step in seconds (printed with 2 decimals). */
  durationSec: number;
  /** The process's exit code; null when it was ended by a signal (printed as `null`, as Node gives it). */
  exitCode: number | null;
  /** The signal that ended the process, printed after the exit code when given. */
  signal?: string | null;
  /** The step's per-model token counts; null or absent: no token block (no usage data). */
  usage?: ModelTokenUsage | null;
  /** See {@link TokenFooterOptions.serviceTier}. */
  serviceTier?: string | null;
}

/**
 * The footer appended to a step's log, byte for byte as orchestrators write it: it starts
 * with two newlines and has no trailing newline.
 * ```text
 *
 *
 * -------------------------------------------------
 * --- Process finished at: 2025-01-02T03:04:05.678Z ---
 * --- Duration: 12.34s, Exit Code: 0 ---
 * --- Token Usage ---
 * …
 * Service Tier: standard
 * ```
 * Throws when `endTime` is not a valid date, `durationSec` is negative or not finite, `exitCode` is
 * not an integer or null, or a count is bad.
 */
export function formatLogFooter(input: LogFooterInput): string {
  const end = input.endTime instanceof Date ? input.endTime : new Date(input.endTime);
  if (Number.isNaN(end.getTime()))
    throw new Error(`endTime is not a valid date: ${showValue(input.endTime)}`);
  const duration = checkAmountOrNull(input.durationSec, 'durationSec');
  if (duration === null) throw new Error('durationSec must be a finite number ≥ 0, got null');
  if (input.exitCode !== null && !Number.isSafeInteger(input.exitCode)) {
    throw new Error(`exitCode must be an integer or null, got ${showValue(input.exitCode)}`);
  }
  const signal = input.signal ? `, Signal: ${input.signal}` : '';
  const token =
    input.usage === undefined || input.usage === null
      ? ''
      : `\n${formatTokenFooter(input.usage, { serviceTier: input.serviceTier ?? null })}`;
  return (
    `\n\n${FOOTER_RULE}\n` +
    `--- Process finished at: ${end.toISOString()} ---\n` +
    `--- Duration: ${duration.toFixed(2)}s, Exit Code: ${input.exitCode}${signal} ---` +
    token
  );
}

/** Options of {@link formatLogHeaderUsage}: the header's existing lines, printed first when given. */
export interface LogHeaderOptions {
  /** Wall time of the task in seconds: a `Duration: 12.34s` line. */
  durationSec?: number;
  /** The process's return code: a `Return code: 0` line. */
  returnCode?: number | null;
}

/**
 * The usage lines of a task log's header, joined with `\n`, no trailing newline:
 * ```text
 * Duration: 95.20s          (only with opts.durationSec)
 * Return code: 0            (only with opts.returnCode)
 * Input tokens: 1200
 * Output tokens: 340
 * Cache read tokens: 80000
 * Cache write tokens: 5000
 * Cache hit rate: 98.5%     (cache read / (cache read + input); n/a when both are 0)
 * Cost: $0.4213             (the CLI's total_cost_usd; "unknown" when not reported)
 * Turns: 7                  ("unknown" when not reported)
 * API duration: 80.12s      ("unknown" when not reported)
 * ```
 * Throws when a number of `usage` or `opts` is invalid.
 */
export function formatLogHeaderUsage(
  usage: ClaudeRunResult | TaskUsage,
  opts: LogHeaderOptions = {},
): string {
  const u = toTaskUsage(usage);
  const lines: string[] = [];
  if (opts.durationSec !== undefined) {
    const d = checkAmountOrNull(opts.durationSec, 'durationSec');
    lines.push(`Duration: ${d === null ? 'unknown' : `${d.toFixed(2)}s`}`);
  }
  if (opts.returnCode !== undefined) {
    if (opts.returnCode !== null && !Number.isSafeInteger(opts.returnCode)) {
      throw new Error(`returnCode must be an integer or null, got ${showValue(opts.returnCode)}`);
    }
    lines.push(`Return code: ${opts.returnCode}`);
  }
  lines.push(
    `Input tokens: ${u.inputTokens}`,
    `Output tokens: ${u.outputTokens}`,
    `Cache read tokens: ${u.cacheReadTokens}`,
    `Cache write tokens: ${u.cacheCreationTokens}`,
    `Cache hit rate: ${formatPercent(cacheHitRate(u.cacheReadTokens, u.inputTokens), NOT_AVAILABLE)}`,
    `Cost: ${u.totalCostUsd === null ? 'unknown' : `$${u.totalCostUsd.toFixed(4)}`}`,
    `Turns: ${u.numTurns ?? 'unknown'}`,
    `API duration: ${u.durationApiMs === null ? 'unknown' : `${(u.durationApiMs / 1000).toFixed(2)}s`}`,
  );
  return lines.join('\n');
}
