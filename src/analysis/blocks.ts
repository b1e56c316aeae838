/**
 * Billing blocks: the 5-hour windows a Claude subscription's usage limits are counted in, drawn as
 * ccusage draws them. A block starts at its first response, floored to the UTC hour, and lasts the
 * session length (5 h). A response more than that after the block's start, or after the previous
 * response, starts a new block; a pause longer than the session length leaves a gap block between
 * the two. The block holding a response less than a session length ago, and not yet ended, is active:
 * it gets a burn rate and a projection to its end.
 * @module
 */
import { addSums, BUCKET_MS, type PricingKey, type UsageSums } from '../ledger/usage-sums.js';
import type { Pricer } from '../pricing/pricer.js';
import { totalTokens } from '../util/token-counts.js';
import { type CostMode, emptyUsageRow, type UsageRow, UsageTableBuilder } from './usage-table.js';

export const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** ccusage's default session length. */
export const DEFAULT_SESSION_HOURS = 5;
/** Projected usage above this share of the token limit is a warning; above the limit, it exceeds it. */
export const TOKEN_LIMIT_WARNING = 0.8;

/** A block of responses, or a gap between two blocks (no responses). */
export interface Block {
  /** The start as ISO 8601 (`gap-` and the start, for a gap), as ccusage names blocks. */
  id: string;
  startMs: number;
  /** Start + session length for a block; the next block's first response for a gap. */
  endMs: number;
  /** The first response's time; null for a gap. The block holds every response from it to actualEndMs. */
  firstMs: number | null;
  /** The last response's time; null for a gap. */
  actualEndMs: number | null;
  /** How many responses the block holds. */
  responses: number;
  isActive: boolean;
  isGap: boolean;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function floorToHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/**
 * Splits the times of responses, sorted oldest first, into blocks of `sessionMs` and the gaps
 * between them, oldest first. `nowMs` decides which block is active. Responses at the same instant
 * always share a block, so each block holds exactly the responses from its first to its last time.
 */
export function identifyBlocks(times: readonly number[], sessionMs: number, nowMs: number): Block[] {
  const blocks: Block[] = [];
  let startMs = 0;
  let first = 0;
  let last = 0;
  let count = 0;
  const close = () => {
    const endMs = startMs + sessionMs;
    blocks.push({
      id: iso(startMs),
      startMs,
      endMs,
      firstMs: first,
      actualEndMs: last,
      responses: count,
      isActive: nowMs - last < sessionMs && nowMs < endMs,
      isGap: false,
    });
  };
  for (const ts of times) {
    // Responses of the same millisecond never part (with a block shorter than an hour, the first one
    // can already lie past the block's end): each block then spans times no other block has.
    if (count > 0 && ts > last && (ts - startMs > sessionMs || ts - last > sessionMs)) {
      close();
      if (ts - last > sessionMs) {
        const gapStart = last + sessionMs;
        blocks.push({
          id: `gap-${iso(gapStart)}`,
          startMs: gapStart,
          endMs: ts,
          firstMs: null,
          actualEndMs: null,
          responses: 0,
          isActive: false,
          isGap: true,
        });
      }
      count = 0;
    }
    if (count === 0) {
      startMs = floorToHour(ts);
      first = ts;
    }
    last = ts;
    count++;
  }
  if (count > 0) close();
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
export interface BlockSummary extends Omit<Block, 'responses'> {
  /** Number of API responses (ccusage's name). */
  entries: number;
  usage: UsageRow;
  /** Models in the order the block first used them (to the 15 minutes). */
  models: string[];
  burnRate: BurnRate | null;
  projection: Projection | null;
}

/**
 * The burn rate over the span from a block's first to its last response; null for a gap, or when
 * that span is empty (one response, or all at the same instant).
 */
export function burnRateOf(block: Block, usage: UsageRow): BurnRate | null {
  if (block.isGap || block.firstMs === null || block.actualEndMs === null) return null;
  const minutes = (block.actualEndMs - block.firstMs) / MINUTE_MS;
  if (minutes <= 0) return null;
  return {
    tokensPerMinute: totalTokens(usage.sums) / minutes,
    tokensPerMinuteForIndicator: (usage.sums.input + usage.sums.output) / minutes,
    costPerHour: (usage.cost / minutes) * 60,
  };
}

/** Where an active block ends up if its burn rate holds until its end; null for other blocks. */
export function projectionOf(
  block: Pick<Block, 'isActive' | 'isGap' | 'endMs'>,
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

/**
 * Responses of one block that share a price, summed, with a time inside them (for dated prices): a
 * row of the 15-minute rollup, or a part of one, as the ledger gives them.
 */
export interface PricedUsage extends PricingKey, UsageSums {
  atMs: number;
}

/** One response with its time and price facts (`responses` is 1): for tests and small inputs. */
export interface TimedUsage extends PricingKey, UsageSums {
  ts: number;
}

/**
 * Responses summed per pricing key and 15-minute bucket, as the ledger's rollup groups them (the
 * same sums {@link summarizeBlocks} gets from the ledger).
 */
export function priceGroups(entries: readonly TimedUsage[]): PricedUsage[] {
  const groups = new Map<string, PricedUsage>();
  for (const e of entries) {
    const bucket = Math.floor(e.ts / BUCKET_MS);
    const key = `${bucket}\u0000${e.model}\u0000${e.sizeClass}\u0000${e.speed}\u0000${e.geo}\u0000${e.reportedRows > 0}`;
    const g = groups.get(key);
    if (g === undefined) {
      const { ts: _ts, ...rest } = e;
      groups.set(key, { ...rest, atMs: bucket * BUCKET_MS });
    } else addSums(g, e);
  }
  return [...groups.values()];
}

/**
 * Prices blocks under a cost mode: per block its token sums (from `usage[i]`, the price groups of
 * `blocks[i]`; none for a gap), cost, per-model breakdown and unpriced models, plus burn rate and
 * projection for the active one. `totals` sums every block.
 */
export function summarizeBlocks(
  blocks: readonly Block[],
  usage: readonly (readonly PricedUsage[])[],
  pricer: Pricer,
  mode: CostMode,
  nowMs: number,
): { blocks: BlockSummary[]; totals: UsageRow } {
  const builder = new UsageTableBuilder(pricer, mode);
  // Keyed by position: with a session length under an hour, two blocks can share a start (and id).
  blocks.forEach((_, i) => {
    const label = { block: String(i) };
    for (const { usage: g, lastMs } of byDay(usage[i] ?? [])) {
      builder.add(label.block, label, g, { atMs: g.atMs, firstTs: g.atMs, lastTs: lastMs });
    }
  });
  const table = builder.build();
  const rows = new Map(table.rows.map((r) => [r.label.block, r]));
  const empty = emptyUsageRow();
  return {
    blocks: blocks.map((block, i) => {
      const u = rows.get(String(i)) ?? empty;
      const burnRate = block.isActive ? burnRateOf(block, u) : null;
      return {
        id: block.id,
        startMs: block.startMs,
        endMs: block.endMs,
        firstMs: block.firstMs,
        actualEndMs: block.actualEndMs,
        isActive: block.isActive,
        isGap: block.isGap,
        entries: block.responses,
        usage: u,
        models: modelsInOrder(usage[i] ?? []),
        burnRate,
        projection: projectionOf(block, u, burnRate, nowMs),
      };
    }),
    totals: table.totals,
  };
}

/**
 * Price groups merged per pricing key and UTC day (prices change by the day at most): fewer to
 * price. Each keeps the first and last quarter hour it covers.
 */
function byDay(groups: readonly PricedUsage[]): { usage: PricedUsage; lastMs: number }[] {
  const out = new Map<string, { usage: PricedUsage; lastMs: number }>();
  for (const g of groups) {
    const key = `${Math.floor(g.atMs / 86_400_000)}\u0000${g.model}\u0000${g.sizeClass}\u0000${g.speed}\u0000${g.geo}\u0000${g.reportedRows > 0}`;
    const have = out.get(key);
    if (have === undefined) out.set(key, { usage: { ...g }, lastMs: g.atMs });
    else {
      addSums(have.usage, g);
      have.usage.atMs = Math.min(have.usage.atMs, g.atMs);
      have.lastMs = Math.max(have.lastMs, g.atMs);
    }
  }
  return [...out.values()];
}

/** Models by the first 15 minutes they were used in (ties: most tokens first). */
function modelsInOrder(groups: readonly PricedUsage[]): string[] {
  const first = new Map<string, { at: number; tokens: number }>();
  for (const g of groups) {
    const f = first.get(g.model);
    if (f === undefined) first.set(g.model, { at: g.atMs, tokens: totalTokens(g) });
    else {
      f.at = Math.min(f.at, g.atMs);
      f.tokens += totalTokens(g);
    }
  }
  return [...first].sort(([, a], [, b]) => a.at - b.at || b.tokens - a.tokens).map(([m]) => m);
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
