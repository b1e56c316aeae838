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
  /**
   * With `selection.activeOnly`: leave `largestCompleted` at 0 (nothing asks for `--token-limit max`),
   * so only the responses since the last pause longer than the session length are read.
   */
  skipLargestCompleted?: boolean;
}

export interface BlocksReport {
  /** Oldest first. */
  blocks: BlockSummary[];
  /** The usage of the blocks shown. */
  totals: UsageRow;
  /**
   * The most tokens a completed block used in the report's date range (--since, --until, --recent),
   * whether or not --active hides it: what `--token-limit max` means. 0 when there is none (or when
   * the query skips it).
   */
  largestCompleted: number;
}

export async function blocksReport(
  ctx: { store: LedgerStore; pricer: Pricer; mode: CostMode },
  q: BlocksQuery,
): Promise<BlocksReport> {
  const { activeOnly, ...range } = q.selection;
  if (activeOnly === true && q.skipLargestCompleted === true) return activeBlockReport(ctx, q);
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

/** Instants read per chunk, going backwards from the newest response: at most this many… */
const CHUNK = 20_000;
/**
 * …and this many first, doubling from chunk to chunk: the last long pause is nearly always within a
 * day or two (a heavy user's day is a few thousand responses), and reading 20,000 instants to find it
 * took most of `blocks --active`'s time (and the dashboard's current block).
 */
const FIRST_CHUNK = 1_000;

/**
 * The times of the responses since the last pause longer than `sessionMs` that ended at least a
 * session length before `nowMs`, oldest first (all of them when there is no such pause). Such a
 * pause always ends a block, and the next block starts afresh at the response after it, so the
 * blocks drawn from these times are the last blocks drawn from all times; every block before the
 * pause ended its last response a session length or more before `nowMs`, so none of them is active.
 */
export async function recentResponseTimes(
  store: Pick<LedgerStore, 'responseTimesBefore'>,
  sessionMs: number,
  nowMs: number,
  chunkSize: number = CHUNK,
  firstChunkSize: number = FIRST_CHUNK,
): Promise<number[]> {
  const newestFirst: number[] = [];
  let later: number | null = null;
  let before: number | null = null;
  let size = Math.min(firstChunkSize, chunkSize);
  for (;;) {
    const chunk = await store.responseTimesBefore(before, size);
    for (const { ts, responses } of chunk) {
      if (responses === 0) continue;
      if (later !== null && later - ts > sessionMs && nowMs - ts >= sessionMs) return newestFirst.reverse();
      for (let i = 0; i < responses; i++) newestFirst.push(ts);
      later = ts;
    }
    const oldest = chunk[chunk.length - 1];
    if (chunk.length < size || oldest === undefined) return newestFirst.reverse();
    before = oldest.ts;
    size = Math.min(size * 2, chunkSize);
  }
}

/** `--active` alone: the active block from the recent responses, and only its sums read. */
async function activeBlockReport(
  ctx: { store: LedgerStore; pricer: Pricer; mode: CostMode },
  q: BlocksQuery,
): Promise<BlocksReport> {
  const { activeOnly: _activeOnly, ...range } = q.selection;
  const times = await recentResponseTimes(ctx.store, q.sessionMs, q.nowMs);
  timing(`${times.length} recent response times read`);
  const active = selectBlocks(identifyBlocks(times, q.sessionMs, q.nowMs), range).filter((b) => b.isActive);
  const sums = await ctx.store.usageInSpans(
    active.map((b) => ({ fromMs: b.firstMs ?? b.startMs, toMs: b.actualEndMs ?? b.startMs })),
  );
  const usage = active.map((_, i) =>
    (sums[i] ?? []).map((r): PricedUsage => ({ ...r, atMs: r.bucket * BUCKET_MS })),
  );
  return { ...summarizeBlocks(active, usage, ctx.pricer, ctx.mode, q.nowMs), largestCompleted: 0 };
}
