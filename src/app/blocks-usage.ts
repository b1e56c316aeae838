/**
 * Usage by billing block (the 5-hour windows a Claude subscription's limits are counted in), with
 * the active block's burn rate and projection: the report behind `tokenledger blocks`, and its JSON
 * shape: ccusage's field names (`blocks[]: id, startTime, endTime, actualEndTime, isActive, isGap,
 * entries, tokenCounts, totalTokens, costUSD, models, burnRate, projection`, `tokenLimitStatus` with
 * a limit), then ours.
 * @module
 */
import { type BlockSummary, HOUR_MS, type TokenLimitStatus, tokenLimitStatus } from '../analysis/blocks.js';
import { type BlocksQuery, type BlocksReport, blocksReport } from '../analysis/blocks-report.js';
import type { CostMode } from '../analysis/usage-table.js';
import type { ZonedClock } from '../analysis/zoned-time.js';
import { totalTokens } from '../util/token-counts.js';
import { type LedgerSession, pricerOf } from './ledger-session.js';
import { ccusageTokenFields, totalsJson, type UsageFieldsJson, usageFields } from './usage-json.js';

function money(n: number): number {
  return Math.round(n * 1e10) / 1e10;
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The token-limit status of the active block: its projection against the limit (its usage so far without one). */
export function limitStatusOf(b: BlockSummary, limit: number | null): TokenLimitStatus | null {
  if (limit === null || !b.isActive) return null;
  return tokenLimitStatus(b.projection?.totalTokens ?? totalTokens(b.usage.sums), limit);
}

/** ccusage's `blocks --json` fields, then ours. */
export function blockJson(b: BlockSummary, limit: number | null): Record<string, unknown> {
  const f = usageFields(b.usage);
  const status = limitStatusOf(b, limit);
  return {
    id: b.id,
    startTime: new Date(b.startMs).toISOString(),
    endTime: new Date(b.endMs).toISOString(),
    actualEndTime: isoOrNull(b.actualEndMs),
    isActive: b.isActive,
    isGap: b.isGap,
    entries: b.entries,
    tokenCounts: {
      inputTokens: f.inputTokens,
      outputTokens: f.outputTokens,
      cacheCreationInputTokens: f.cacheCreationTokens,
      cacheReadInputTokens: f.cacheReadTokens,
    },
    totalTokens: f.totalTokens,
    costUSD: f.totalCost,
    models: b.models,
    burnRate: b.burnRate,
    projection: b.projection,
    ...(status === null ? {} : { tokenLimitStatus: status }),
    cacheCreation1hTokens: f.cacheCreation1hTokens,
    webSearchRequests: f.webSearchRequests,
    cacheHitRate: f.cacheHitRate,
    outputLowerBoundResponses: f.outputLowerBoundResponses,
    unpricedModels: f.unpricedModels,
    modelBreakdowns: b.usage.models.map((m) => ({
      modelName: m.model,
      ...ccusageTokenFields(m.sums),
      cost: m.cost === null ? null : money(m.cost),
    })),
  };
}

/** `max` (the largest completed block), or a token count. */
export type TokenLimit = 'max' | number;

/** The limit in force: the number given, or for `max` the largest completed block (null when there is none). */
export function resolveTokenLimit(flag: TokenLimit | null, largestCompleted: number): number | null {
  if (flag === null) return null;
  if (flag === 'max') return largestCompleted > 0 ? largestCompleted : null;
  return flag;
}

/** What `blocks --json` prints. */
export interface BlocksJson {
  blocks: Record<string, unknown>[];
  totals: UsageFieldsJson;
  meta: {
    sessionLengthHours: number;
    tokenLimit: number | null;
    timezone: string;
    costMode: CostMode;
    priceTable: string;
  };
}

export interface BlocksUsage {
  report: BlocksReport;
  /** The token limit in force (null: none). */
  limit: number | null;
  json: () => BlocksJson;
}

/** The blocks `query` selects, oldest first unless `order` is `desc`. */
export async function blocksUsage(
  session: LedgerSession,
  query: BlocksQuery,
  options: {
    mode: CostMode;
    tokenLimit: TokenLimit | null;
    order?: 'asc' | 'desc' | undefined;
    clock: ZonedClock;
  },
): Promise<BlocksUsage> {
  const pricer = pricerOf(session);
  const report = await blocksReport(
    { store: session.store, pricer, mode: options.mode },
    { ...query, skipLargestCompleted: options.tokenLimit !== 'max' },
  );
  const limit = resolveTokenLimit(options.tokenLimit, report.largestCompleted);
  if (options.order === 'desc') report.blocks.reverse();
  const json = (): BlocksJson => ({
    blocks: report.blocks.map((b) => blockJson(b, limit)),
    totals: totalsJson(report.totals),
    meta: {
      sessionLengthHours: query.sessionMs / HOUR_MS,
      tokenLimit: limit,
      timezone: options.clock.tz,
      costMode: options.mode,
      priceTable: pricer.version,
    },
  });
  return { report, limit, json };
}
