/**
 * The `blocks` report: billing blocks computed from the ledger's responses, priced, and selected by
 * date range, recency and activity. Only the responses the selection can depend on are read: blocks
 * after a pause longer than the session length do not depend on anything before it.
 * @module
 */
import type { LedgerStore } from '../ledger/store.js';
import type { Pricer } from '../pricing/pricer.js';
import { timing } from '../util/timing.js';
import {
  type BlockSelection,
  type BlockSummary,
  identifyBlocks,
  largestCompletedBlock,
  selectBlocks,
  summarizeBlocks,
} from './blocks.js';
import type { CostMode, UsageRow } from './usage-table.js';

export interface BlocksQuery {
  sessionMs: number;
  nowMs: number;
  selection: BlockSelection;
}

export interface BlocksReport {
  /** Oldest first. */
  blocks: BlockSummary[];
  /** The usage of the blocks shown. */
  totals: UsageRow;
  /**
   * The most tokens a completed block used in the report's date range (--since, --until, --recent),
   * whether or not --active hides it: what `--token-limit max` means. 0 when there is none.
   */
  largestCompleted: number;
}

export async function blocksReport(
  ctx: { store: LedgerStore; pricer: Pricer; mode: CostMode },
  q: BlocksQuery,
): Promise<BlocksReport> {
  const { activeOnly, ...range } = q.selection;
  const cutoffs = [range.fromMs, range.recentFromMs].filter((x): x is number => x !== undefined);
  const from =
    cutoffs.length > 0 ? await ctx.store.resumeAfterPause(Math.max(...cutoffs), q.sessionMs) : null;
  const entries = await ctx.store.usageEntries(from === null ? {} : { fromMs: from });
  timing(`${entries.length} responses read`);
  const all = identifyBlocks(entries, q.sessionMs, q.nowMs);
  // Price only what is shown, and the completed blocks --token-limit max compares with.
  const inRange = selectBlocks(all, range);
  const summary = summarizeBlocks(inRange, ctx.pricer, ctx.mode, q.nowMs);
  const largestCompleted = largestCompletedBlock(summary.blocks);
  if (activeOnly !== true) return { ...summary, largestCompleted };
  const active = summarizeBlocks(
    inRange.filter((b) => b.isActive),
    ctx.pricer,
    ctx.mode,
    q.nowMs,
  );
  return { ...active, largestCompleted };
}
