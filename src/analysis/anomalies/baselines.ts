/**
 * Judging values against robust baselines (median and MAD, from `statistics.ts`): each candidate
 * names the groups it may be compared within, most specific first (e.g. its labels, then all tasks);
 * the first with enough values is its baseline. A value is far above when both its robust score and
 * its ratio to the median pass the thresholds: both are unchanged when every value is multiplied by
 * the same constant, so scaling all usage raises no new flag.
 * @module
 */
import { type RobustBaseline, robustBaseline, scoreAgainst } from '../statistics.js';
import type { AnomalyThresholds, BaselineEvidence } from './anomaly.js';

/** One value to compare, with the groups it belongs to (most specific first). */
export interface Measured<T> {
  item: T;
  value: number;
  /** The groups whose values form its possible baselines, e.g. `[{ stage: 'review' }]` or `[{…labels}, {}]`. */
  groups: readonly Record<string, string>[];
  /** Whether it may be flagged (active in the window); every value counts in its baselines. */
  flaggable: boolean;
}

export interface Judged<T> {
  item: T;
  value: number;
  baseline: BaselineEvidence;
  score: number;
  ratio: number | null;
}

/** A group's key: its sorted entries. */
function keyOf(group: Record<string, string>): string {
  return JSON.stringify(Object.entries(group).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The evidence form of a robust baseline. */
export function baselineEvidence(
  b: RobustBaseline,
  metric: string,
  groupedBy: Record<string, string>,
  scaledBy: 'estimate' | null = null,
): BaselineEvidence {
  return { metric, median: b.median, mad: b.mad, n: b.n, groupedBy, scaledBy };
}

/** value ÷ median; null when the median is 0. */
export function ratioOf(value: number, median: number): number | null {
  return median === 0 ? null : value / median;
}

/**
 * The flaggable values far above their baseline, among `measured` of one metric (one call per
 * metric: values of different metrics never share a baseline).
 */
export function farAbove<T>(
  measured: readonly Measured<T>[],
  metric: string,
  scaledBy: 'estimate' | null,
  t: AnomalyThresholds,
): Judged<T>[] {
  const members = new Map<string, number[]>();
  for (const m of measured) {
    for (const g of m.groups) {
      const k = keyOf(g);
      const list = members.get(k);
      if (list === undefined) members.set(k, [m.value]);
      else list.push(m.value);
    }
  }
  const baselines = new Map<string, RobustBaseline | null>();
  const baselineOf = (k: string): RobustBaseline | null => {
    let b = baselines.get(k);
    if (b === undefined) {
      b = robustBaseline(members.get(k) ?? []);
      baselines.set(k, b);
    }
    return b;
  };
  const out: Judged<T>[] = [];
  for (const m of measured) {
    if (!m.flaggable) continue;
    const group = m.groups.find((g) => (members.get(keyOf(g))?.length ?? 0) >= t.minBaseline);
    if (group === undefined) continue;
    const b = baselineOf(keyOf(group));
    if (b === null || b.median <= 0) continue;
    const score = scoreAgainst(m.value, b);
    const ratio = ratioOf(m.value, b.median);
    if (score >= t.minScore && ratio !== null && ratio >= t.minRatio) {
      out.push({
        item: m.item,
        value: m.value,
        baseline: baselineEvidence(b, metric, group, scaledBy),
        score,
        ratio,
      });
    }
  }
  return out;
}
