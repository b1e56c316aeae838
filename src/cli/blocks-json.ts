/**
 * The `blocks --json` shape: ccusage's field names (`blocks[]: id, startTime, endTime, actualEndTime,
 * isActive, isGap, entries, tokenCounts, totalTokens, costUSD, models, burnRate, projection`,
 * `tokenLimitStatus` with a limit), then ours.
 * @module
 */
import { type BlockSummary, type TokenLimitStatus, tokenLimitStatus } from '../analysis/blocks.js';
import { ccusageTokenFields, usageFields } from '../app/usage-json.js';
import { totalTokens } from '../util/token-counts.js';

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
