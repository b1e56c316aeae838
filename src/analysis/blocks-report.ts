/**
 * The `blocks` report: billing blocks drawn from the times of the ledger's responses, priced from
 * the ledger's sums over each block, and selected by date range, recency and activity. Only the
 * blocks shown (and, for `--token-limit max`, the completed ones of the range) are summed.
 * @module
 */

import type { LedgerStore } from '../ledger/store.js';
import { BUCKET_MS } from '../ledger/usage-sums.js';
import type { Pricer } from '../pricing/pricer.js';
import { timing } from '../util/timing.js';
import {
  type BlockSelection,
  type BlockSummary,
  identifyBlocks,
  largestCompletedBlock,
  type PricedUsage,
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
  const times = await ctx.store.responseTimes();
  timing(`${times.length} response times read`);
  const inRange = selectBlocks(identifyBlocks(times, q.sessionMs, q.nowMs), range);
  // The blocks' sums, from their first response to their last (gaps have none).
  const real = inRange.filter((b) => !b.isGap);
  const sums = await ctx.store.usageInSpans(
    real.map((b) => ({ fromMs: b.firstMs ?? b.startMs, toMs: b.actualEndMs ?? b.startMs })),
  );
  timing(`sums of ${real.length} blocks read`);
  const usage = new Map(
    real.map((b, i) => [b, (sums[i] ?? []).map((r): PricedUsage => ({ ...r, atMs: r.bucket * BUCKET_MS }))]),
  );
  const summary = summarizeBlocks(
    inRange,
    inRange.map((b) => usage.get(b) ?? []),
    ctx.pricer,
    ctx.mode,
    q.nowMs,
  );
  const largestCompleted = largestCompletedBlock(summary.blocks);
  if (activeOnly !== true) return { ...summary, largestCompleted };
  const active = inRange.filter((b) => b.isActive);
  return {
    ...summarizeBlocks(
      active,
      active.map((b) => usage.get(b) ?? []),
      ctx.pricer,
      ctx.mode,
      q.nowMs,
    ),
    largestCompleted,
  };
}
