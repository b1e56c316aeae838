/**
 * Estimated against actual usage of tasks with an estimate (`tokenledger variance`), per task and per
 * group (a label's value, or the parent), with the median multiplier that makes the next estimate
 * better. Group totals count each token once (see analysis/variance-groups.ts).
 * @module
 */
import { type TaskVariance, taskTotals, taskVariance } from '../analysis/tasks.js';
import { emptyUsageRow } from '../analysis/usage-table.js';
import {
  type ForecastAccuracy,
  forecastAccuracy,
  type TokenShare,
  tokenShares,
  type VarianceGroup,
  varianceGroup,
} from '../analysis/variance-groups.js';
import type { TaskRow } from '../ledger/task-repository.js';
import { ExitCode, UserError } from '../util/errors.js';
import { totalTokens } from '../util/token-counts.js';
import { type LedgerSession, pricerOf } from './ledger-session.js';

export interface VarianceEntry {
  task: TaskRow;
  group: string;
  /** The task's own tokens (not its descendants'). */
  ownTokens: number;
  /** The whole subtree's, which the estimate covers. */
  tokens: number;
  usd: number;
  variance: TaskVariance;
  /** What it adds to its group's totals; null when it adds nothing. */
  share: TokenShare | null;
}

function groupOf(task: TaskRow, by: string | undefined): string {
  if (by === undefined) return 'all';
  if (by === 'parent') return task.parentId ?? '(no parent)';
  return task.labels[by.slice(6)] ?? '(none)';
}

/** One task of {@link VarianceJson}. */
export interface VarianceTaskJson {
  id: string;
  group: string;
  estimatedTokens: number | null;
  /** The whole subtree's tokens, which the estimate covers. */
  actualTokens: number;
  /** The task's own tokens (not its descendants'). */
  ownTokens: number;
  estimatedUsd: number | null;
  actualUsd: number;
  variance: TaskVariance;
  /** What it adds to its group's totals; null when it adds nothing. */
  inGroupTotals: { estimatedTokens: number; actualTokens: number } | null;
}

/** What `variance --json` prints. */
export interface VarianceJson {
  by: string | null;
  overrunMultiple: number;
  groups: VarianceGroup[];
  tasks: VarianceTaskJson[];
  forecastAccuracy: ForecastAccuracy;
}

/** Checks a grouping: `label:KEY`, `parent`, or none. */
export function checkVarianceBy(by: string | undefined, what = '--by'): string | undefined {
  if (by !== undefined && by !== 'parent' && !/^label:[A-Za-z0-9_.-]+$/.test(by)) {
    throw new UserError(`${what} "${by}": use label:KEY (e.g. label:category) or parent.`, ExitCode.usage);
  }
  return by;
}

export interface VarianceReport {
  /** The overrun multiple in force. */
  multiple: number;
  entries: VarianceEntry[];
  groups: VarianceGroup[];
  /** The share of tasks whose actual was within ±50% of their estimate. */
  accuracy: ForecastAccuracy;
  /** What `variance --json` prints. */
  json: () => VarianceJson;
}

/** The tasks with an estimate, grouped `by` a `label:KEY`, `parent`, or not at all. */
export async function varianceReport(
  session: LedgerSession,
  by: string | undefined,
): Promise<VarianceReport> {
  const multiple = session.loaded.config.overrunMultiple ?? 4;
  const totals = await taskTotals({ store: session.store, pricer: pricerOf(session), mode: 'auto' });
  const all = await session.store.tasks();
  const ownTokens = (id: string) => {
    const own = totals.own.get(id);
    return own === undefined ? 0 : totalTokens(own.sums);
  };
  const shares = tokenShares(
    all.map((t) => ({
      id: t.id,
      parentId: t.parentId,
      estimateTokens: t.estimateTokens,
      ownTokens: ownTokens(t.id),
    })),
  );
  const entries: VarianceEntry[] = all
    .filter((t) => t.estimateTokens !== null || t.estimateUsd !== null)
    .map((task) => {
      const total = totals.subtree.get(task.id) ?? emptyUsageRow();
      return {
        task,
        group: groupOf(task, by),
        ownTokens: ownTokens(task.id),
        tokens: totalTokens(total.sums),
        usd: total.cost,
        variance: taskVariance(task, total, multiple),
        share: shares.get(task.id) ?? null,
      };
    });
  const groups = new Map<string, VarianceEntry[]>();
  for (const e of entries) groups.set(e.group, [...(groups.get(e.group) ?? []), e]);
  const summary = [...groups.entries()].map(([group, list]) =>
    varianceGroup(
      group,
      list.map((e) => ({
        share: e.share,
        ratio: e.variance.tokens?.ratio ?? e.variance.usd?.ratio ?? null,
        noUsageYet: e.variance.noUsageYet,
        overrun: e.variance.overrun,
      })),
    ),
  );
  const accuracy = forecastAccuracy(
    entries.map((e) => e.variance.tokens?.ratio ?? e.variance.usd?.ratio ?? null),
  );
  const json = (): VarianceJson => ({
    by: by ?? null,
    overrunMultiple: multiple,
    groups: summary,
    tasks: entries.map((e) => ({
      id: e.task.id,
      group: e.group,
      estimatedTokens: e.task.estimateTokens,
      actualTokens: e.tokens,
      ownTokens: e.ownTokens,
      estimatedUsd: e.task.estimateUsd,
      actualUsd: Math.round(e.usd * 1e6) / 1e6,
      variance: e.variance,
      inGroupTotals:
        e.share === null ? null : { estimatedTokens: e.share.estimate, actualTokens: e.share.tokens },
    })),
    forecastAccuracy: accuracy,
  });
  return { multiple, entries, groups: summary, accuracy, json };
}
