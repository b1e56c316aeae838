/**
 * The usage the periodic review and the daily insights work from: the ledger's groups by task, agent,
 * agent id and model over a time range, each priced once, plus the helpers both need (cost sums that
 * may be partly unavailable, model families).
 *
 * A group's cost follows the report's cost mode (see {@link UsageTableBuilder.costOf}); when that
 * gives none because the model is not in the price table, a cost the source reported (a declared
 * `estimated_cost`, an old transcript's `costUSD`) is used instead. Otherwise the cost is unavailable
 * (null): never counted as $0.
 * @module
 */

import type { GroupRow, UsageFilter } from '../ledger/usage-repository.js';
import { BUCKET_MS } from '../ledger/usage-sums.js';
import { totalTokens } from '../util/token-counts.js';
import type { ReportContext } from './reports.js';
import type { UnpricedUsage } from './review-model.js';
import { UsageTableBuilder } from './usage-table.js';

/** One ledger group (task × agent × agent id × model × UTC day × pricing key), priced. */
export interface PricedGroup {
  /** The task id, or '' when the usage is not attributed to a task. */
  task: string;
  /** `main` for the main thread, else the agent type (a declared agent's name for telemetry). */
  agent: string;
  /** `main` for the main thread, else the subagent's id (a declared agent's name for telemetry). */
  agentId: string;
  model: string;
  row: GroupRow;
  /** A time inside the group, for dated prices. */
  atMs: number;
  /** input + output + cache writes + cache reads. */
  tokens: number;
  /** USD, or null when unavailable. */
  cost: number | null;
}

/** The cost of one group: the cost mode's, else a reported cost, else null. */
export function groupCost(builder: UsageTableBuilder, row: GroupRow, atMs: number): number | null {
  const cost = builder.costOf(row, atMs);
  if (cost !== null) return cost;
  return row.reportedRows > 0 ? row.reportedCost : null;
}

function groupKey(g: PricedGroup): string {
  const r = g.row;
  return JSON.stringify([
    g.task,
    g.agent,
    g.agentId,
    g.model,
    r.bucket,
    r.sizeClass,
    r.speed,
    r.geo,
    r.reportedRows,
  ]);
}

/**
 * The usage in `filter`'s range grouped by task, agent, agent id and model (UTC-day grain: fine
 * enough for dated prices), priced and in a fixed order, so the same ledger gives the same result.
 */
export async function pricedGroups(ctx: ReportContext, filter: UsageFilter): Promise<PricedGroup[]> {
  const rows = await ctx.store.groups({
    dimensions: ['task', 'agent', 'agentId', 'model'],
    filter,
    grain: 'day',
    ...(ctx.stageMap ? { stageMap: ctx.stageMap } : {}),
  });
  const builder = new UsageTableBuilder(ctx.pricer, ctx.mode);
  const out = rows.map((row): PricedGroup => {
    const atMs = row.bucket * BUCKET_MS;
    return {
      task: row.values.task ?? '',
      agent: row.values.agent ?? '',
      agentId: row.values.agentId ?? '',
      model: row.model,
      row,
      atMs,
      tokens: totalTokens(row),
      cost: groupCost(builder, row, atMs),
    };
  });
  const keyed = out.map((g) => ({ g, key: groupKey(g) }));
  keyed.sort((a, b) => compareText(a.key, b.key));
  return keyed.map((k) => k.g);
}

/** A sum of costs some of which may be unavailable, and the usage those leave out. */
export class CostSum {
  #usd = 0;
  #known = false;
  #unknown = false;
  #unpricedTokens = 0;
  #unpricedModels = new Set<string>();

  /** Adds a cost; `usage` (a group, or its tokens and model) says what an unavailable cost was for. */
  add(cost: number | null, usage?: { tokens: number; model: string }): this {
    if (cost === null) {
      this.#unknown = true;
      if (usage !== undefined) {
        this.#unpricedTokens += usage.tokens;
        this.#unpricedModels.add(usage.model);
      }
    } else {
      this.#usd = roundUsd(this.#usd + cost);
      this.#known = true;
    }
    return this;
  }

  /** The sum of the known costs; null only when there were costs and none of them is known. */
  get value(): number | null {
    return this.#known || !this.#unknown ? this.#usd : null;
  }

  /** True when every cost added was known. */
  get complete(): boolean {
    return !this.#unknown;
  }

  /**
   * The usage of the unavailable costs added with their usage (models sorted), or null when there
   * is none.
   */
  get unpriced(): UnpricedUsage | null {
    if (this.#unpricedModels.size === 0) return null;
    return { totalTokens: this.#unpricedTokens, models: [...this.#unpricedModels].sort(compareText) };
  }
}

/** A dollar amount rounded to 1e-10 USD, so float noise does not depend on the order of a sum. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}

/** Model families by strength, weakest first. */
export const FAMILIES = ['haiku', 'sonnet', 'opus'] as const;
export type Family = (typeof FAMILIES)[number];

/** The family a model id belongs to by name (`opus`, `claude-opus-4-5`, ...), or null. */
export function familyOf(model: string): Family | null {
  const id = model.toLowerCase();
  for (const f of FAMILIES) if (id.includes(f)) return f;
  return null;
}

/** The family one step cheaper, or null for the cheapest (or an unknown) family. */
export function cheaperFamily(family: Family): Family | null {
  const i = FAMILIES.indexOf(family);
  return i > 0 ? (FAMILIES[i - 1] ?? null) : null;
}

/** Locale-independent string order (UTF-16 code units). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
