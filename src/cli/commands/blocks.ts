/**
 * `tokenledger blocks`: usage by billing block (the 5-hour windows a Claude subscription's limits are
 * counted in), with the active block's burn rate and projection; ccusage-compatible JSON.
 * @module
 */

import { DEFAULT_SESSION_HOURS, HOUR_MS } from '../../analysis/blocks.js';
import { type BlocksQuery, blocksReport } from '../../analysis/blocks-report.js';
import type { CostMode } from '../../analysis/usage-table.js';
import { addDays, parseDateFlag } from '../../analysis/zoned-time.js';
import { parseEstimate } from '../../capture/context/estimate.js';
import { ExitCode, UserError } from '../../errors.js';
import { timing } from '../../util/timing.js';
import { blockJson } from '../blocks-json.js';
import {
  type CliSession,
  type CommonOptions,
  clockOf,
  importNow,
  openSession,
  pricerOf,
} from '../context.js';
import { writeErr, writeJson, writeOut } from '../io.js';
import { totalsJson } from '../usage-json.js';

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
export type TokenLimitFlag = 'max' | number;

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

/** The limit in force: the number given, or for `max` the largest completed block (null when there is none). */
export function resolveTokenLimit(flag: TokenLimitFlag | null, largestCompleted: number): number | null {
  if (flag === null) return null;
  if (flag === 'max') return largestCompleted > 0 ? largestCompleted : null;
  return flag;
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

export async function runBlocks(opts: BlocksOptions): Promise<number> {
  if (opts.live === true) return (await import('./blocks-live.js')).runBlocksLive(opts);
  const tokenLimit = parseTokenLimit(opts.tokenLimit);
  const session = await openSession(opts);
  try {
    blocksQueryOf(session, opts, Date.now()); // bad flags fail before the import
    if (opts.import !== false) await importNow(session, opts);
    const nowMs = Date.now();
    const query = blocksQueryOf(session, opts, nowMs);
    const pricer = pricerOf(session);
    const report = await blocksReport({ store: session.store, pricer, mode: opts.mode }, query);
    timing(`report (${report.blocks.length} blocks)`);
    const limit = resolveTokenLimit(tokenLimit, report.largestCompleted);
    if (tokenLimit === 'max' && limit === null && opts.json !== true) {
      writeErr(
        'tokenledger: --token-limit max: no completed block to take the largest from yet, so no limit applies.\n',
      );
    }
    if (opts.order === 'desc') report.blocks.reverse();
    const clock = clockOf(session, opts);
    if (opts.json === true) {
      return await writeJson({
        blocks: report.blocks.map((b) => blockJson(b, limit)),
        totals: totalsJson(report.totals),
        meta: {
          sessionLengthHours: query.sessionMs / HOUR_MS,
          tokenLimit: limit,
          timezone: clock.tz,
          costMode: opts.mode,
          priceTable: pricer.version,
        },
      }).then(() => 0);
    }
    const { blocksText } = await import('../blocks-output.js');
    const { detectTerminal } = await import('../render/terminal.js');
    const term = detectTerminal(process.env, process.stdout, opts.color);
    const view = { report, clock, nowMs, limit, breakdown: opts.breakdown === true, mode: opts.mode };
    const { text, warning } = blocksText(view, {
      ...term,
      compact: opts.compact === true,
      activeOnly: opts.active === true,
    });
    await writeOut(text);
    if (warning !== null) writeErr(`tokenledger: warning: ${warning}\n`);
    return 0;
  } finally {
    await session.store.close();
  }
}
