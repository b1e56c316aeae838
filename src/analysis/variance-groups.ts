/**
 * The group totals of `tokenledger variance`, where no token is counted twice.
 *
 * A task's own variance compares its estimate with its whole subtree's usage (a plan's estimate
 * covers its parts). Group totals cannot simply add those up: a plan and its part would both count
 * the part's tokens. So in group totals each token counts once, for the nearest task with a token
 * estimate that covers it: the task it was used in, else its nearest parent, grandparent, … with a
 * token estimate. Such a task's estimate counts less the estimates of the nearest tasks below it
 * that have one (and have usage), never below 0: those tasks' tokens and estimates count for them.
 * Without `--by`, the totals are then those of the outermost estimated tasks, each counted once.
 * A task with an estimate but no usage yet adds nothing to the totals (its estimate has nothing to
 * be compared with yet); groups count such tasks apart.
 * @module
 */

import { median } from './statistics.js';

/** A task as the group totals need it. */
export interface ShareTask {
  id: string;
  parentId: string | null;
  estimateTokens: number | null;
  /** Tokens used by the task itself, not by its descendants. */
  ownTokens: number;
}

/** What one task adds to its group's totals. */
export interface TokenShare {
  /** Its own tokens and those of the tasks below it up to the next ones with a token estimate. */
  tokens: number;
  /** Its token estimate less those of the nearest tasks below it with one and with usage, ≥ 0. */
  estimate: number;
}

function estimated(t: ShareTask | undefined): boolean {
  return t !== undefined && t.estimateTokens !== null && t.estimateTokens > 0;
}

/**
 * The share of each task that has a token estimate and usage in its subtree (tasks without one add
 * nothing and are left out). Guards against cycles in the parent links.
 */
export function tokenShares(tasks: readonly ShareTask[]): Map<string, TokenShare> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  /** `id` and its ancestors, nearest first, each once. */
  const chain = (id: string): string[] => {
    const out: string[] = [];
    const seen = new Set<string>();
    for (let t: string | null | undefined = id; t != null && !seen.has(t); t = byId.get(t)?.parentId) {
      seen.add(t);
      out.push(t);
    }
    return out;
  };
  const subtree = new Map<string, number>();
  for (const t of tasks)
    if (t.ownTokens > 0) for (const a of chain(t.id)) subtree.set(a, (subtree.get(a) ?? 0) + t.ownTokens);

  const shares = new Map<string, TokenShare>();
  for (const t of tasks) {
    if (!estimated(t) || (subtree.get(t.id) ?? 0) === 0) continue;
    shares.set(t.id, { tokens: 0, estimate: t.estimateTokens ?? 0 });
  }
  for (const t of tasks) {
    if (t.ownTokens <= 0) continue;
    const holder = chain(t.id).find((a) => shares.has(a));
    const share = holder === undefined ? undefined : shares.get(holder);
    if (share !== undefined) share.tokens += t.ownTokens;
  }
  for (const id of shares.keys()) {
    const above = chain(id)
      .slice(1)
      .find((a) => shares.has(a));
    const outer = above === undefined ? undefined : shares.get(above);
    if (outer !== undefined) outer.estimate -= byId.get(id)?.estimateTokens ?? 0;
  }
  for (const share of shares.values()) share.estimate = Math.max(0, share.estimate);
  return shares;
}

/** One task in a group: its share of the totals (null when it adds none) and its own ratio. */
export interface GroupMember {
  share: TokenShare | null;
  /** actual / estimate of the task itself (tokens, else dollars); null while it has no usage. */
  ratio: number | null;
  noUsageYet: boolean;
  overrun: boolean;
}

export interface VarianceGroup {
  group: string;
  tasks: number;
  /** Tasks with an estimate and no usage yet: in `tasks`, not in the totals or the median. */
  noUsageYet: number;
  estimatedTokens: number;
  actualTokens: number;
  /** actualTokens / estimatedTokens, or null without an estimate to compare with. */
  ratio: number | null;
  /** The median of the tasks' own ratios: multiply the next estimate by it. */
  medianMultiplier: number | null;
  overruns: number;
}

/** The totals of one group of tasks. */
export function varianceGroup(group: string, members: readonly GroupMember[]): VarianceGroup {
  const estimatedTokens = members.reduce((n, m) => n + (m.share?.estimate ?? 0), 0);
  const actualTokens = members.reduce((n, m) => n + (m.share?.tokens ?? 0), 0);
  return {
    group,
    tasks: members.length,
    noUsageYet: members.filter((m) => m.noUsageYet).length,
    estimatedTokens,
    actualTokens,
    ratio: estimatedTokens > 0 ? actualTokens / estimatedTokens : null,
    medianMultiplier: medianMultiplier(members.map((m) => m.ratio)),
    overruns: members.filter((m) => m.overrun).length,
  };
}

/** The median of tasks' actual ÷ estimate ratios (null ones, tasks without usage, left out): multiply the next estimate by it. */
export function medianMultiplier(ratios: readonly (number | null)[]): number | null {
  return median(ratios.filter((r): r is number => r !== null));
}

/** How often estimates were about right: tasks whose actual was within ±50% of their estimate. */
export interface ForecastAccuracy {
  /** Tasks with an estimate and usage to compare it with. */
  tasks: number;
  /** Of those, the tasks whose actual ÷ estimate lies in [0.5, 1.5]. */
  within50: number;
  /** within50 ÷ tasks, or null without tasks. */
  share: number | null;
}

export function forecastAccuracy(ratios: readonly (number | null)[]): ForecastAccuracy {
  const known = ratios.filter((r): r is number => r !== null);
  const within50 = known.filter((r) => r >= 0.5 && r <= 1.5).length;
  return { tasks: known.length, within50, share: known.length === 0 ? null : within50 / known.length };
}
