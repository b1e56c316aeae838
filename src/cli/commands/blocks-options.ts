/**
 * The flags of `tokenledger blocks` (and `blocks --live`): parsed and checked, and the report query
 * they ask for.
 * @module
 */
import { DEFAULT_SESSION_HOURS, HOUR_MS } from '../../analysis/blocks.js';
import type { BlocksQuery } from '../../analysis/blocks-report.js';
import type { CostMode } from '../../analysis/usage-table.js';
import { addDays, parseDateFlag } from '../../analysis/zoned-time.js';
import type { TokenLimit } from '../../app/blocks-usage.js';
import { parseEstimate } from '../../capture/context/estimate.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { type CliSession, type CommonOptions, clockOf } from '../context.js';

export interface BlocksOptions extends CommonOptions {
  since?: string;
  until?: string;
  mode: CostMode;
  order?: 'asc' | 'desc';
  breakdown?: boolean;
  active?: boolean;
  recent?: boolean;
  tokenLimit?: string;
  sessionLength: string;
  live?: boolean;
  refreshInterval: string;
}

/** --recent: blocks that started in the last 3 days, and the active one. */
const RECENT_MS = 3 * 24 * HOUR_MS;

/** `max`, or a token count (500000, 500k, 1.2M). */
export type TokenLimitFlag = TokenLimit;

export function parseTokenLimit(value: string | undefined): TokenLimitFlag | null {
  if (value === undefined) return null;
  if (value.trim().toLowerCase() === 'max') return 'max';
  const fail = () =>
    new UserError(
      `--token-limit "${value}" is not a token count; use a number of tokens (500000, 500k, 1.2M) or "max" (the largest completed block).`,
      ExitCode.usage,
    );
  let parsed: ReturnType<typeof parseEstimate>;
  try {
    parsed = parseEstimate(value, '--token-limit');
  } catch {
    throw fail();
  }
  if (parsed.tokens === undefined) throw fail();
  return parsed.tokens;
}

export function parseSessionLength(value: string): number {
  const hours = Number(value);
  if (value.trim() === '' || !Number.isFinite(hours) || hours <= 0 || hours > 24 * 30) {
    throw new UserError(
      `--session-length "${value}" is not a length in hours; use a positive number up to 720 (default ${DEFAULT_SESSION_HOURS}).`,
      ExitCode.usage,
    );
  }
  return hours;
}

/** The query the flags ask for, at `nowMs`. */
export function blocksQueryOf(session: CliSession, opts: BlocksOptions, nowMs: number): BlocksQuery {
  const clock = clockOf(session, opts);
  const since = opts.since === undefined ? undefined : parseDateFlag(opts.since, '--since');
  const until = opts.until === undefined ? undefined : parseDateFlag(opts.until, '--until');
  if (since !== undefined && until !== undefined && since > until) {
    throw new UserError(`--since ${since} is after --until ${until}; swap them.`, ExitCode.usage);
  }
  const selection: BlocksQuery['selection'] = {};
  if (since !== undefined) selection.fromMs = clock.startOf(since);
  if (until !== undefined) selection.toMs = clock.startOf(addDays(until, 1));
  if (opts.recent === true) selection.recentFromMs = nowMs - RECENT_MS;
  if (opts.active === true) selection.activeOnly = true;
  return { sessionMs: parseSessionLength(opts.sessionLength) * HOUR_MS, nowMs, selection };
}
