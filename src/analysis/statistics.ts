/**
 * The robust statistics every analysis shares: quantiles, the median and its absolute deviation
 * (robust baselines), and seeded bootstrap confidence intervals (A/B verdicts, checking a
 * recommendation's saving). Seeded, so the same ledger always gives the same interval.
 * @module
 */
import { Prng } from '../util/prng.js';

/** The q-quantile (0 ≤ q ≤ 1) by linear interpolation between order statistics; null for no values. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sortedQuantile(sorted, q);
}

/** {@link quantile} of values already sorted ascending. */
export function sortedQuantile(sorted: readonly number[], q: number): number {
  const at = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
  const lo = Math.floor(at);
  const low = sorted[lo] ?? 0;
  const high = sorted[Math.min(lo + 1, sorted.length - 1)] ?? low;
  return low + (high - low) * (at - lo);
}

export function median(values: readonly number[]): number | null {
  return quantile(values, 0.5);
}

/** The median absolute deviation from the median (unscaled); null for no values. */
export function medianAbsoluteDeviation(values: readonly number[]): number | null {
  const m = median(values);
  if (m === null) return null;
  return median(values.map((v) => Math.abs(v - m)));
}

/** A robust baseline: the median and the median absolute deviation of `n` values. */
export interface RobustBaseline {
  median: number;
  /** The median absolute deviation from the median (unscaled). */
  mad: number;
  n: number;
}

/** The {@link RobustBaseline} of `values`; null for no values. Sorts once per statistic. */
export function robustBaseline(values: readonly number[]): RobustBaseline | null {
  const m = median(values);
  if (m === null) return null;
  return { median: m, mad: median(values.map((v) => Math.abs(v - m))) ?? 0, n: values.length };
}

/**
 * How many robust standard deviations `value` lies above the baseline's median (MAD × 1.4826, the
 * normal-consistent scale). A zero MAD (most values equal) falls back to 1% of the median, so one
 * outlier over identical values still scores high instead of dividing by zero.
 */
export function scoreAgainst(value: number, baseline: RobustBaseline): number {
  const scale =
    baseline.mad > 0 ? baseline.mad * 1.4826 : Math.max(Math.abs(baseline.median) * 0.01, Number.EPSILON);
  return (value - baseline.median) / scale;
}

/** {@link scoreAgainst} the baseline of `baseline`'s values; null with no baseline. */
export function robustScore(value: number, baseline: readonly number[]): number | null {
  const b = robustBaseline(baseline);
  return b === null ? null : scoreAgainst(value, b);
}

/** An estimate with its confidence interval. */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
  /** The confidence level, e.g. 0.95. */
  level: number;
}

export interface BootstrapOptions {
  /** Resamples; 2,000 by default. */
  resamples?: number;
  /** 0.95 by default. */
  level?: number;
  /** The PRNG seed; 1 by default, so results are reproducible. */
  seed?: number;
}

function resample(values: readonly number[], random: () => number): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[Math.floor(random() * values.length)] ?? 0;
  return out;
}

function percentileInterval(estimate: number, draws: number[], level: number): Interval {
  draws.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return { estimate, low: sortedQuantile(draws, tail), high: sortedQuantile(draws, 1 - tail), level };
}

/**
 * The percentile-bootstrap interval of `statistic(a, b)` over two independent samples (each resampled
 * with replacement). Null when either sample is empty or the statistic is undefined on the data.
 * Resamples where the statistic is undefined are skipped.
 */
export function bootstrapTwoSample(
  a: readonly number[],
  b: readonly number[],
  statistic: (a: readonly number[], b: readonly number[]) => number | null,
  options: BootstrapOptions = {},
): Interval | null {
  if (a.length === 0 || b.length === 0) return null;
  const estimate = statistic(a, b);
  if (estimate === null || !Number.isFinite(estimate)) return null;
  const prng = new Prng(options.seed ?? 1);
  const random = () => prng.next();
  const draws: number[] = [];
  for (let i = 0; i < (options.resamples ?? 2000); i++) {
    const value = statistic(resample(a, random), resample(b, random));
    if (value !== null && Number.isFinite(value)) draws.push(value);
  }
  if (draws.length === 0) return null;
  return percentileInterval(estimate, draws, options.level ?? 0.95);
}

/**
 * The relative change of B's median against A's: (median B − median A) ÷ median A, so −0.38 means
 * "B costs 38% less". Null when A's median is 0.
 */
export function medianChange(a: readonly number[], b: readonly number[]): number | null {
  const ma = median(a);
  const mb = median(b);
  if (ma === null || mb === null || ma === 0) return null;
  return (mb - ma) / ma;
}

/** Ascending order of two samples already sorted: by length, then value by value. */
function compareSorted(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The median of one resample (with replacement) of `sorted` (ascending), in O(n) without sorting:
 * a resample of sorted values is sorted by index, so counting how often each index was drawn and
 * walking the counts finds its order statistics. The same value as `median(resample(sorted))`.
 */
function resampledMedian(sorted: readonly number[], prng: Prng, counts: Uint32Array): number {
  const n = sorted.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(prng.next() * n);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  const at = (n - 1) / 2;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  let low: number | null = null;
  let seen = 0;
  for (let i = 0; i < n; i++) {
    seen += counts[i] ?? 0;
    const value = sorted[i] ?? 0;
    if (low === null && lo < seen) low = value;
    if (hi < seen) return (low ?? value) + (value - (low ?? value)) * (at - lo);
  }
  return low ?? 0;
}

/** The change of B's median against A's, with its interval in log space (see {@link bootstrapMedianChange}). */
export interface MedianChange extends Interval {
  /** log(median B ÷ median A) and its interval: symmetric, so a half-width can be compared with it. */
  log: Interval;
}

/**
 * The relative change of B's median against A's (mB ÷ mA − 1, so −0.38 means "B is 38% lower")
 * with a seeded percentile-bootstrap interval. Each resample draws both samples with replacement
 * and takes log(median B ÷ median A); the interval is that of the log ratio, mapped back.
 *
 * Exactly antisymmetric: the two samples are always resampled in one canonical order (the smaller
 * sorted sample first), so swapping A and B gives the same resamples with the log ratio negated, and
 * an interval that excludes 0 for (A, B) excludes it on the other side for (B, A). Null when a
 * sample is empty or a median is not positive (a ratio needs both); resamples with a median of 0
 * are skipped.
 */
export function bootstrapMedianChange(
  a: readonly number[],
  b: readonly number[],
  options: BootstrapOptions = {},
): MedianChange | null {
  if (a.length === 0 || b.length === 0) return null;
  const sa = [...a].sort((x, y) => x - y);
  const sb = [...b].sort((x, y) => x - y);
  const ma = sortedQuantile(sa, 0.5);
  const mb = sortedQuantile(sb, 0.5);
  if (!(ma > 0 && mb > 0)) return null;
  const swapped = compareSorted(sa, sb) > 0;
  const [x, y] = swapped ? [sb, sa] : [sa, sb];
  const prng = new Prng(options.seed ?? 1);
  const cx = new Uint32Array(x.length);
  const cy = new Uint32Array(y.length);
  const draws: number[] = [];
  for (let i = 0; i < (options.resamples ?? 2000); i++) {
    const rx = resampledMedian(x, prng, cx);
    const ry = resampledMedian(y, prng, cy);
    if (rx > 0 && ry > 0) draws.push(Math.log(ry) - Math.log(rx));
  }
  if (draws.length === 0) return null;
  const level = options.level ?? 0.95;
  const [mx, my] = swapped ? [mb, ma] : [ma, mb];
  const canonical = percentileInterval(Math.log(my) - Math.log(mx), draws, level);
  const log = swapped
    ? { estimate: -canonical.estimate, low: -canonical.high, high: -canonical.low, level }
    : canonical;
  return { estimate: mb / ma - 1, low: Math.expm1(log.low), high: Math.expm1(log.high), level, log };
}

/** A percent for a verdict: whole numbers, one decimal below 10. */
function percentOf(fraction: number): string {
  const p = Math.abs(fraction) * 100;
  return p < 10 ? (Math.round(p * 10) / 10).toString() : Math.round(p).toString();
}

function signedPercent(fraction: number): string {
  return `${fraction < 0 ? '−' : fraction > 0 ? '+' : ''}${percentOf(fraction)}%`;
}

/**
 * A relative change (B against A, as {@link medianChange} gives it) in words, the wording every
 * verdict uses: `cost per task fell 41% (95% CI 28–55%, n=12/9)`; an interval that crosses 0 keeps
 * its signs: `turns per task rose 4% (95% CI −10% to +20%, n=12/9)`.
 */
export function describeChange(what: string, change: Interval, nA: number, nB: number): string {
  const verb = change.estimate < 0 ? 'fell' : change.estimate > 0 ? 'rose' : 'did not change';
  const level = `${Math.round(change.level * 100)}% CI`;
  const sameSide =
    (change.low > 0 && change.high > 0) ||
    (change.low < 0 && change.high < 0) ||
    (change.low === 0 && change.high === 0);
  const [a, b] = [Math.abs(change.low), Math.abs(change.high)].sort((x, y) => x - y) as [number, number];
  const range = sameSide
    ? `${percentOf(a)}–${percentOf(b)}%`
    : `${signedPercent(change.low)} to ${signedPercent(change.high)}`;
  const amount = change.estimate === 0 ? '' : ` ${percentOf(change.estimate)}%`;
  return `${what} ${verb}${amount} (${level} ${range}, n=${nA}/${nB})`;
}
