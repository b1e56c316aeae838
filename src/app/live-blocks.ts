/**
 * The live view of the active billing block (`tokenledger blocks --live`, a dashboard's panel): each
 * refresh is a warm report: an incremental import (only what changed in the transcripts), then the
 * sums of the current window from the ledger's index, never a rescan. The largest completed block
 * of all history (the default yardstick) is read once, at the start.
 * @module
 */
import type { BlockSummary } from '../analysis/blocks.js';
import { blocksReport } from '../analysis/blocks-report.js';
import type { CostMode } from '../analysis/usage-table.js';
import { resolveTokenLimit, type TokenLimit } from './blocks-usage.js';
import { importHistory, importNotes } from './import-history.js';
import { type LedgerSession, pricerOf } from './ledger-session.js';

export interface LiveBlocksOptions {
  mode: CostMode;
  /** The limit the active block is measured against: a token count, or `max` (the largest completed block). */
  tokenLimit: TokenLimit;
  /** The length of a billing block (ms). */
  sessionMs: number;
  /** Import new history before each refresh (default true). */
  importFirst?: boolean;
  /** The clock (default `Date.now`). */
  now?: () => number;
}

/** One refresh of the live view. */
export interface LiveBlocksFrame {
  /** When the window was read (ms). */
  nowMs: number;
  /** The active block, or null when nothing was used in the last block length. */
  active: BlockSummary | null;
  /** The token limit in force, or null (none: no completed block yet for `max`). */
  limit: number | null;
  /** Where the limit comes from: the largest completed block (`max`) or the number given. */
  limitFrom: 'largest-completed' | 'given';
  sessionMs: number;
  /** Notes of this refresh's import (warnings, new problems), for the user. */
  importNotes: string[];
}

export interface LiveBlocks {
  refresh(): Promise<LiveBlocksFrame>;
}

/** Reads the largest completed block once, and returns the refresh step. */
export async function startLiveBlocks(
  session: LedgerSession,
  options: LiveBlocksOptions,
): Promise<LiveBlocks> {
  const now = options.now ?? Date.now;
  const ctx = { store: session.store, pricer: pricerOf(session), mode: options.mode };
  const { sessionMs } = options;
  const limitFrom = options.tokenLimit === 'max' ? 'largest-completed' : 'given';
  // Of all history, once; each refresh then sums only the current window.
  let largest =
    options.tokenLimit === 'max'
      ? (await blocksReport(ctx, { sessionMs, nowMs: now(), selection: {} })).largestCompleted
      : 0;
  return {
    async refresh(): Promise<LiveBlocksFrame> {
      const notes = options.importFirst === false ? [] : importNotes(await importHistory(session));
      const nowMs = now();
      const report = await blocksReport(ctx, {
        sessionMs,
        nowMs,
        selection: { recentFromMs: nowMs - sessionMs, activeOnly: true },
        skipLargestCompleted: options.tokenLimit !== 'max',
      });
      largest = Math.max(largest, report.largestCompleted);
      return {
        nowMs,
        active: report.blocks[0] ?? null,
        limit: resolveTokenLimit(options.tokenLimit, largest),
        limitFrom,
        sessionMs,
        importNotes: notes,
      };
    },
  };
}
