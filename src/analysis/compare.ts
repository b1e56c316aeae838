/**
 * The A/B verdict of `tokenledger compare`: per-task distributions of cost, tokens, API calls and
 * duration in two cohorts, the change of B's median against A's with a seeded bootstrap interval,
 * and a plain sentence.
 *
 * The rule. A metric gets a verdict when both cohorts have at least {@link MIN_TASKS} tasks, the
 * interval of the change excludes 0, and the change itself lies on the same side. Otherwise there is
 * no verdict, and the sentence says how many tasks per cohort would be needed: the interval's
 * half-width h in log space shrinks like the square root of 1/nA + 1/nB, so with n tasks in each
 * cohort it is about h·√(2/n ÷ (1/nA + 1/nB)); n is the smallest count that brings it below the
 * observed difference d = |log(median B ÷ median A)|, i.e. n = ⌈2·(h/d)² ÷ (1/nA + 1/nB)⌉, and at
 * least {@link MIN_TASKS}. With no observed difference (equal medians) no count is given: nothing
 * suggests a difference to find.
 * @module
 */
import { type BootstrapOptions, bootstrapMedianChange, type MedianChange, quantile } from './statistics.js';
import type { TaskMeasure } from './task-measures.js';

/** Fewer tasks than this in a cohort never gets a verdict. */
export const MIN_TASKS = 5;

export const METRICS = ['cost', 'tokens', 'turns', 'duration'] as const;
export type Metric = (typeof METRICS)[number];

/** A cohort's distribution of one metric over its tasks. */
export interface Distribution {
  tasks: number;
  median: number | null;
  p25: number | null;
  p75: number | null;
}

export type NoVerdictReason = 'too-few-tasks' | 'interval-spans-zero' | 'zero-median';

export interface MetricComparison {
  metric: Metric;
  a: Distribution;
  b: Distribution;
  /** B's median against A's: −0.38 = 38% lower; null when a median is 0 or a cohort is empty. */
  change: MedianChange | null;
  /** `lower` or `higher`: B's median against A's, when the data support a verdict. */
  verdict: 'lower' | 'higher' | null;
  /** Why there is no verdict; null with one. */
  reason: NoVerdictReason | null;
  /** Tasks per cohort that would make the interval narrower than the observed difference; null with a verdict or no difference. */
  tasksNeededPerCohort: number | null;
  /** The plain sentence. */
  text: string;
}

/** The value of one metric for a task. */
export function metricValue(t: TaskMeasure, metric: Metric): number {
  if (metric === 'cost') return t.cost;
  if (metric === 'tokens') return t.tokens;
  if (metric === 'turns') return t.turns;
  return t.durationMs;
}

function distribution(values: readonly number[]): Distribution {
  return {
    tasks: values.length,
    median: quantile(values, 0.5),
    p25: quantile(values, 0.25),
    p75: quantile(values, 0.75),
  };
}

const WORDS: Record<Metric, { lower: string; higher: string; noun: string }> = {
  cost: { lower: 'costs {p} less', higher: 'costs {p} more', noun: 'cost' },
  tokens: { lower: 'uses {p} fewer tokens', higher: 'uses {p} more tokens', noun: 'tokens' },
  turns: { lower: 'makes {p} fewer API calls', higher: 'makes {p} more API calls', noun: 'API calls' },
  duration: { lower: 'takes {p} less time', higher: 'takes {p} more time', noun: 'duration' },
};

const pct = (x: number) => `${Math.round(Math.abs(x) * 100)}%`;
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${pct(x)}`;

/** Tasks per cohort for a half-width below the observed difference (see the module's rule). */
export function tasksNeeded(change: MedianChange, nA: number, nB: number): number | null {
  const d = Math.abs(change.log.estimate);
  if (!(d > 0)) return null;
  const h = (change.log.high - change.log.low) / 2;
  const n = Math.ceil((2 * (h / d) ** 2) / (1 / nA + 1 / nB));
  return Math.max(MIN_TASKS, n);
}

function neededText(needed: number | null, nA: number, nB: number): string {
  if (needed === null) return 'the medians are equal, so no number of tasks would show a difference';
  const more = [
    needed > nA ? `${needed - nA} more in A` : null,
    needed > nB ? `${needed - nB} more in B` : null,
  ].filter(Boolean);
  return `about ${needed} tasks per cohort would be needed${more.length > 0 ? ` (${more.join(', ')})` : ''}`;
}

/** Compares one metric of the two cohorts' tasks. */
export function compareMetric(
  metric: Metric,
  a: readonly number[],
  b: readonly number[],
  options: BootstrapOptions = {},
): MetricComparison {
  const da = distribution(a);
  const db = distribution(b);
  const n = `n=${a.length}/${b.length}`;
  const change = bootstrapMedianChange(a, b, options);
  const words = WORDS[metric];
  const base = { metric, a: da, b: db, change };
  if (change === null) {
    const empty = a.length === 0 || b.length === 0;
    return {
      ...base,
      verdict: null,
      reason: empty ? 'too-few-tasks' : 'zero-median',
      tasksNeededPerCohort: empty ? MIN_TASKS : null,
      text: empty
        ? `No verdict on ${words.noun}: a cohort has no tasks (${n}); at least ${MIN_TASKS} per cohort are needed.`
        : `No verdict on ${words.noun}: a cohort's median is 0 (${n}), so there is no relative change.`,
    };
  }
  const level = `${Math.round(change.level * 100)}% CI`;
  const ci = `${level} ${signed(change.low)} to ${signed(change.high)}`;
  const few = a.length < MIN_TASKS || b.length < MIN_TASKS;
  const side = change.low > 0 && change.estimate > 0 ? 1 : change.high < 0 && change.estimate < 0 ? -1 : 0;
  if (few || side === 0) {
    const needed = tasksNeeded(change, a.length, b.length);
    const why = few
      ? `too few tasks (${n}; at least ${MIN_TASKS} per cohort)`
      : `the ${ci} of the change (${signed(change.estimate)}) includes 0 (${n})`;
    return {
      ...base,
      verdict: null,
      reason: few ? 'too-few-tasks' : 'interval-spans-zero',
      tasksNeededPerCohort: few ? Math.max(MIN_TASKS, needed ?? MIN_TASKS) : needed,
      text: `No verdict on ${words.noun}: ${why}; ${neededText(few ? Math.max(MIN_TASKS, needed ?? MIN_TASKS) : needed, a.length, b.length)}.`,
    };
  }
  const [near, far] = side < 0 ? [-change.high, -change.low] : [change.low, change.high];
  const verb = (side < 0 ? words.lower : words.higher).replace('{p}', pct(change.estimate));
  return {
    ...base,
    verdict: side < 0 ? 'lower' : 'higher',
    reason: null,
    tasksNeededPerCohort: null,
    text: `B ${verb} per task (${level} ${Math.round(near * 100)}–${Math.round(far * 100)}%, ${n}).`,
  };
}

/** Every metric, cost first. */
export function compareCohorts(
  a: readonly TaskMeasure[],
  b: readonly TaskMeasure[],
  options: BootstrapOptions = {},
): MetricComparison[] {
  return METRICS.map((m) =>
    compareMetric(
      m,
      a.map((t) => metricValue(t, m)),
      b.map((t) => metricValue(t, m)),
      options,
    ),
  );
}
