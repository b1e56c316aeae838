/**
 * JSON shapes of the usage reports. Field names follow ccusage (`inputTokens`, `outputTokens`,
 * `cacheCreationTokens`, `cacheReadTokens`, `totalTokens`, `totalCost`, `modelsUsed`,
 * `modelBreakdowns`, `totals`) so existing jq scripts keep working; ours are added beside them.
 * @module
 */
import type { ModelBreakdown, UsageRow } from '../analysis/usage-table.js';
import { cacheHitRate, type TokenCounts, totalTokens } from '../util/token-counts.js';

/** Rounds away float noise (costs are sums of products) without losing meaningful digits. */
function money(n: number): number {
  return Math.round(n * 1e10) / 1e10;
}

function rate(r: number | null): number | null {
  return r === null ? null : Math.round(r * 1e6) / 1e6;
}

/** ccusage's four token fields, in its order, from internal counts: how every JSON output names tokens. */
export function ccusageTokenFields(t: TokenCounts) {
  return {
    inputTokens: t.input,
    outputTokens: t.output,
    cacheCreationTokens: t.cacheWrite,
    cacheReadTokens: t.cacheRead,
  };
}

export interface UsageFieldsJson {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  totalCost: number;
  /** Ours from here on. */
  cacheCreation1hTokens: number;
  webSearchRequests: number;
  responses: number;
  /** cacheRead / (cacheRead + input); null when there was no prompt input. */
  cacheHitRate: number | null;
  /** Responses whose output count is only a lower bound (the transcript never got the final count). */
  outputLowerBoundResponses: number;
  /** Models with tokens that are counted but have no price (all or part of them); `totalCost` leaves those out. */
  unpricedModels: string[];
  /** That usage per model and speed, with a hint on how to price it; empty when all is priced. */
  unpricedUsage: UnpricedUsageJson[];
}

export interface UnpricedUsageJson {
  model: string;
  /** `fast`: fast-mode requests on a model without a fast rate (at their date); else `standard`. */
  speed: 'fast' | 'standard';
  totalTokens: number;
  responses: number;
  hint: string;
}

// usageFields and breakdown write ccusageTokenFields' four fields out instead of spreading them: a
// year's daily report makes thousands of these, and a spread copy took microseconds each.

export function usageFields(row: UsageRow): UsageFieldsJson {
  const s = row.sums;
  return {
    inputTokens: s.input,
    outputTokens: s.output,
    cacheCreationTokens: s.cacheWrite,
    cacheReadTokens: s.cacheRead,
    totalTokens: totalTokens(s),
    totalCost: money(row.cost),
    cacheCreation1hTokens: s.cacheWrite1h,
    webSearchRequests: s.webSearch,
    responses: s.responses,
    cacheHitRate: rate(cacheHitRate(s.cacheRead, s.input)),
    outputLowerBoundResponses: s.lowerBound,
    unpricedModels: row.unpriced,
    unpricedUsage: row.unpricedParts.map((u) => ({
      model: u.model,
      speed: u.fast ? 'fast' : 'standard',
      totalTokens: totalTokens(u.sums),
      responses: u.sums.responses,
      hint: u.hint,
    })),
  };
}

function breakdown(m: ModelBreakdown) {
  return {
    modelName: m.model,
    inputTokens: m.sums.input,
    outputTokens: m.sums.output,
    cacheCreationTokens: m.sums.cacheWrite,
    cacheReadTokens: m.sums.cacheRead,
    /** the priced part; null when none of the model's usage is priced */
    cost: m.cost === null ? null : money(m.cost),
    /** tokens left out of `cost` (e.g. fast-mode requests without a fast rate) */
    unpricedTokens: m.unpricedTokens,
    cacheCreation1hTokens: m.sums.cacheWrite1h,
    responses: m.sums.responses,
    outputLowerBoundResponses: m.sums.lowerBound,
  };
}

/** A report row: its label fields first, then the usage fields, models used and the per-model breakdown. */
export function rowJson(label: Record<string, unknown>, row: UsageRow): Record<string, unknown> {
  return {
    ...label,
    ...usageFields(row),
    modelsUsed: row.models.map((m) => m.model),
    modelBreakdowns: row.models.map(breakdown),
  };
}

export function totalsJson(row: UsageRow): UsageFieldsJson {
  return usageFields(row);
}
