/**
 * Billing blocks: the 5-hour windows a Claude subscription's usage limits are counted in, drawn as
 * ccusage draws them. A block starts at its first response, floored to the UTC hour, and lasts the
 * session length (5 h). A response more than that after the block's start, or after the previous
 * response, starts a new block; a pause longer than the session length leaves a gap block between
 * the two. The block holding a response less than a session length ago, and not yet ended, is active:
 * it gets a burn rate and a projection to its end.
 * @module
 */
import { addSums, type UsageEntry } from '../ledger/store.js';
import type { Pricer } from '../pricing/pricer.js';
import {
  type CostMode,
  emptyUsageRow,
  totalTokens,
  type UsageRow,
  UsageTableBuilder,
} from './usage-table.js';

export const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** ccusage's default session length. */
export const DEFAULT_SESSION_HOURS = 5;
/** Projected usage above this share of the token limit is a warning; above the limit, it exceeds it. */
export const TOKEN_LIMIT_WARNING = 0.8;

/** A block of time-stamped entries, or a gap between two blocks (no entries). */
export interface Block<E extends { ts: number }> {
  /** The start as ISO 8601 (`gap-` and the start, for a gap), as ccusage names blocks. */
  id: string;
  startMs: number;
  /** Start + session length for a block; the next block's first entry for a gap. */
  endMs: number;
  /** The last entry's time; null for a gap. */
  actualEndMs: number | null;
  isActive: boolean;
  isGap: boolean;
  /** Oldest first. */
  entries: E[];
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function floorToHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

function closeBlock<E extends { ts: number }>(
  startMs: number,
  entries: E[],
  sessionMs: number,
  nowMs: number,
): Block<E> {
  const endMs = startMs + sessionMs;
  const last = (entries[entries.length - 1] as E).ts;
  return {
    id: iso(startMs),
    startMs,
    endMs,
    actualEndMs: last,
    isActive: nowMs - last < sessionMs && nowMs < endMs,
    isGap: false,
    entries,
  };
}

/**
 * Splits entries, sorted oldest first, into blocks of `sessionMs` and the gaps between them, oldest
 * first. `nowMs` decides which block is active.
 */
export function identifyBlocks<E extends { ts: number }>(
  sorted: readonly E[],
  sessionMs: number,
  nowMs: number,
): Block<E>[] {
  const blocks: Block<E>[] = [];
  let startMs = 0;
  let current: E[] = [];
  for (const entry of sorted) {
    const last = current[current.length - 1];
    if (last === undefined) startMs = floorToHour(entry.ts);
    else if (entry.ts - startMs > sessionMs || entry.ts - last.ts > sessionMs) {
      blocks.push(closeBlock(startMs, current, sessionMs, nowMs));
      if (entry.ts - last.ts > sessionMs) {
        const gapStart = last.ts + sessionMs;
        blocks.push({
          id: `gap-${iso(gapStart)}`,
          startMs: gapStart,
          endMs: entry.ts,
          actualEndMs: null,
          isActive: false,
          isGap: true,
          entries: [],
        });
      }
      startMs = floorToHour(entry.ts);
      current = [];
    }
    current.push(entry);
  }
  if (current.length > 0) blocks.push(closeBlock(startMs, current, sessionMs, nowMs));
  return blocks;
}

export interface BurnRate {
  /** All tokens (cache included) per minute, between the block's first and last response. */
  tokensPerMinute: number;
  /** Input and output tokens only, per minute (ccusage's indicator rate). */
  tokensPerMinuteForIndicator: number;
  costPerHour: number;
}

export interface Projection {
  /** The block's tokens at its end if the burn rate holds. */
  totalTokens: number;
  /** Dollars at the block's end if the burn rate holds, rounded to cents. */
  totalCost: number;
  remainingMinutes: number;
}

/** A block priced: its usage (tokens, cost, models), and for the active block its burn rate and projection. */
export interface BlockSummary extends Omit<Block<UsageEntry>, 'entries'> {
  /** Number of API responses. */
  entries: number;
  usage: UsageRow;
  /** Models in the order the block first used them. */
  models: string[];
  burnRate: BurnRate | null;
  projection: Projection | null;
}

/**
 * The burn rate over the span from a block's first to its last response; null for a gap, or when
 * that span is empty (one response, or all at the same instant).
 */
export function burnRateOf(block: Block<{ ts: number }>, usage: UsageRow): BurnRate | null {
  const first = block.entries[0];
  const last = block.entries[block.entries.length - 1];
  if (block.isGap || first === undefined || last === undefined) return null;
  const minutes = (last.ts - first.ts) / MINUTE_MS;
  if (minutes <= 0) return null;
  return {
    tokensPerMinute: totalTokens(usage.sums) / minutes,
    tokensPerMinuteForIndicator: (usage.sums.input + usage.sums.output) / minutes,
    costPerHour: (usage.cost / minutes) * 60,
  };
}

/** Where an active block ends up if its burn rate holds until its end; null for other blocks. */
export function projectionOf(
  block: Pick<Block<{ ts: number }>, 'isActive' | 'isGap' | 'endMs'>,
  usage: UsageRow,
  rate: BurnRate | null,
  nowMs: number,
): Projection | null {
  if (!block.isActive || block.isGap || rate === null) return null;
  const remainingMinutes = Math.max(0, Math.round((block.endMs - nowMs) / MINUTE_MS));
  return {
    totalTokens: Math.round(totalTokens(usage.sums) + rate.tokensPerMinute * remainingMinutes),
    totalCost: Math.round((usage.cost + (rate.costPerHour / 60) * remainingMinutes) * 100) / 100,
    remainingMinutes,
  };
}

const DAY_MS = 86_400_000;

/** Whether two responses share a price: the same pricing key and UTC day (for dated prices). */
function samePrice(a: UsageEntry, b: UsageEntry): boolean {
  return (
    a.sizeClass === b.sizeClass &&
    a.speed === b.speed &&
    a.geo === b.geo &&
    a.reportedRows === b.reportedRows &&
    Math.floor(a.ts / DAY_MS) === Math.floor(b.ts / DAY_MS)
  );
}

/** A block's responses summed per price group (model, pricing key, UTC day): what gets priced. */
function priceGroups(entries: readonly UsageEntry[]): UsageEntry[] {
  const byModel = new Map<string, UsageEntry[]>();
  for (const e of entries) {
    let groups = byModel.get(e.model);
    if (groups === undefined) {
      groups = [];
      byModel.set(e.model, groups);
    }
    const g = groups.find((x) => samePrice(x, e));
    if (g === undefined) groups.push({ ...e });
    else addSums(g, e);
  }
  return [...byModel.values()].flat();
}

/**
 * Prices blocks under a cost mode: per block its token sums, cost, per-model breakdown and unpriced
 * models, plus burn rate and projection for the active one. `totals` sums every block.
 */
export function summarizeBlocks(
  blocks: readonly Block<UsageEntry>[],
  pricer: Pricer,
  mode: CostMode,
  nowMs: number,
): { blocks: BlockSummary[]; totals: UsageRow } {
  const builder = new UsageTableBuilder(pricer, mode);
  // Keyed by position: with a session length under an hour, two blocks can share a start (and id).
  blocks.forEach((block, i) => {
    const label = { block: String(i) };
    for (const g of priceGroups(block.entries)) {
      builder.add(label.block, label, g, { atMs: g.ts, firstTs: g.ts, lastTs: g.ts });
    }
  });
  const table = builder.build();
  const rows = new Map(table.rows.map((r) => [r.label.block, r]));
  const empty = emptyUsageRow();
  return {
    blocks: blocks.map((block, i) => {
      const usage = rows.get(String(i)) ?? empty;
      const burnRate = block.isActive ? burnRateOf(block, usage) : null;
      return {
        id: block.id,
        startMs: block.startMs,
        endMs: block.endMs,
        actualEndMs: block.actualEndMs,
        isActive: block.isActive,
        isGap: block.isGap,
        entries: block.entries.length,
        usage,
        models: [...new Set(block.entries.map((e) => e.model))],
        burnRate,
        projection: projectionOf(block, usage, burnRate, nowMs),
      };
    }),
    totals: table.totals,
  };
}

export type TokenLimitState = 'ok' | 'warning' | 'exceeds';

/** ccusage's `tokenLimitStatus`: a block's (projected) tokens against a limit. */
export interface TokenLimitStatus {
  limit: number;
  projectedUsage: number;
  /** projectedUsage / limit × 100. */
  percentUsed: number;
  /** `warning` above {@link TOKEN_LIMIT_WARNING} of the limit, `exceeds` above the limit. */
  status: TokenLimitState;
}

export function tokenLimitStatus(projectedUsage: number, limit: number): TokenLimitStatus {
  const status: TokenLimitState =
    projectedUsage > limit ? 'exceeds' : projectedUsage > limit * TOKEN_LIMIT_WARNING ? 'warning' : 'ok';
  return { limit, projectedUsage, percentUsed: (projectedUsage / limit) * 100, status };
}

/** The most tokens a completed block used (not a gap, not the active block); 0 when there is none. */
export function largestCompletedBlock(blocks: readonly BlockSummary[]): number {
  let max = 0;
  for (const b of blocks) if (!b.isGap && !b.isActive) max = Math.max(max, totalTokens(b.usage.sums));
  return max;
}

/** Which blocks a report shows. */
export interface BlockSelection {
  /** Only blocks starting at or after this instant (e.g. local midnight of --since). */
  fromMs?: number;
  /** Only blocks starting before this instant (e.g. local midnight after --until). */
  toMs?: number;
  /** Only blocks starting at or after this instant, and the active block (--recent). */
  recentFromMs?: number;
  /** Only the active block. */
  activeOnly?: boolean;
}

export function selectBlocks<B extends Pick<BlockSummary, 'startMs' | 'isActive'>>(
  blocks: readonly B[],
  sel: BlockSelection,
): B[] {
  return blocks.filter(
    (b) =>
      (sel.fromMs === undefined || b.startMs >= sel.fromMs) &&
      (sel.toMs === undefined || b.startMs < sel.toMs) &&
      (sel.recentFromMs === undefined || b.startMs >= sel.recentFromMs || b.isActive) &&
      (sel.activeOnly !== true || b.isActive),
  );
}
