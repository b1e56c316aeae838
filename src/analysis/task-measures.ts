/**
 * What each task used, as the per-task distributions of `compare` and `estimate` need it: tokens,
 * cost, API calls (turns) and duration, from the per-task rollup rows (`taskDayGroups`).
 * @module
 */
import type { GroupRow } from '../ledger/usage-repository.js';
import { BUCKET_MS } from '../ledger/usage-sums.js';
import type { Pricer } from '../pricing/pricer.js';
import { totalTokens } from '../util/token-counts.js';
import { type CostMode, type UsageRow, UsageTableBuilder } from './usage-table.js';

/** One task's usage. */
export interface TaskMeasure {
  id: string;
  /** Its priced usage row. */
  row: UsageRow;
  tokens: number;
  /** Dollars of its priced usage. */
  cost: number;
  /** Its API calls. */
  turns: number;
  /** From its first API call to its last, ms. */
  durationMs: number;
  firstTs: number;
  /** The model of most of its API calls (ties: the first by name). */
  mainModel: string | null;
}

/**
 * Each task's usage from rollup rows keyed by task (`values.task`). With `parentOf`, a row counts
 * for its task and every ancestor (the subtree's usage, what an estimate covers); without, for its
 * own task only.
 */
export function measureTasks(
  rows: readonly GroupRow[],
  pricer: Pricer,
  mode: CostMode,
  parentOf?: ReadonlyMap<string, string | null>,
): Map<string, TaskMeasure> {
  const builder = new UsageTableBuilder(pricer, mode);
  for (const r of rows) {
    const id = r.values.task ?? '';
    if (id === '') continue;
    const at = { atMs: r.bucket * BUCKET_MS, firstTs: r.firstTs, lastTs: r.lastTs };
    const seen = new Set<string>();
    for (let t: string | null | undefined = id; t && !seen.has(t); t = parentOf?.get(t)) {
      seen.add(t);
      builder.add(t, { task: t }, r, at);
    }
  }
  const out = new Map<string, TaskMeasure>();
  for (const row of builder.build().rows) {
    const id = row.label.task ?? '';
    let mainModel: string | null = null;
    let most = -1;
    for (const m of [...row.models].sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0))) {
      if (m.sums.responses > most) {
        most = m.sums.responses;
        mainModel = m.model;
      }
    }
    out.set(id, {
      id,
      row,
      tokens: totalTokens(row.sums),
      cost: row.cost,
      turns: row.sums.responses,
      durationMs: Math.max(0, row.lastTs - row.firstTs),
      firstTs: row.firstTs,
      mainModel,
    });
  }
  return out;
}

/** The value of most API calls per task, from rows grouped by task and one dimension (ties: the first by name). */
export function mainValues(rows: readonly GroupRow[], dimension: 'branch'): Map<string, string> {
  const calls = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const task = r.values.task ?? '';
    if (task === '') continue;
    const byValue = calls.get(task) ?? new Map<string, number>();
    const value = r.values[dimension] ?? '';
    byValue.set(value, (byValue.get(value) ?? 0) + r.responses);
    calls.set(task, byValue);
  }
  const out = new Map<string, string>();
  for (const [task, byValue] of calls) {
    const best = [...byValue.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    if (best !== undefined && best[0] !== '') out.set(task, best[0]);
  }
  return out;
}
