/**
 * Did an applied proposal save what it promised? The work it is about (its cohort: an agent type,
 * the model it ran on, a stage) is compared per task before and after it was applied: cost per task
 * and turns (API responses) per task, each as the relative change of the median with a seeded
 * bootstrap interval (`statistics.ts`). The saving happened when the whole interval of the cost
 * change is below 0; it did not when the whole interval is above 0; otherwise it is not clear yet.
 * With fewer than {@link MIN_CHECK_TASKS} tasks on a side there is too little data, and the verdict
 * says so.
 * @module
 */
import type { ProposalCohort } from '../ledger/review-proposal-repository.js';
import type { GroupDimension } from '../ledger/usage-repository.js';
import { BUCKET_MS } from '../ledger/usage-sums.js';
import type { ReportContext } from './reports.js';
import { groupCost } from './review-usage.js';
import { bootstrapTwoSample, describeChange, type Interval, median, medianChange } from './statistics.js';
import { UsageTableBuilder } from './usage-table.js';

/** Tasks each side needs for a verdict. */
export const MIN_CHECK_TASKS = 5;

/** The cohort's work in one task. */
export interface WorkSample {
  task: string;
  /** When the cohort's work in the task began, epoch ms. */
  atMs: number;
  /** USD, or null when none of it has a price. */
  cost: number | null;
  turns: number;
}

export type CheckStatus = 'saving' | 'no_saving' | 'inconclusive' | 'too_little_data';

export interface SideSummary {
  tasks: number;
  medianCost: number | null;
  medianTurns: number | null;
}

export interface CheckVerdict {
  status: CheckStatus;
  before: SideSummary;
  after: SideSummary;
  /** Relative change of the median cost per task (−0.41: fell 41%), with its interval; null without data. */
  cost: Interval | null;
  /** The same for turns per task. */
  turns: Interval | null;
  /** One line, e.g. `cost per task fell 41% (95% CI 28–55%, n=12/9); turns per task …: the saving happened.` */
  text: string;
}

function costs(samples: readonly WorkSample[]): number[] {
  return samples.flatMap((s) => (s.cost === null ? [] : [s.cost]));
}

function summary(samples: readonly WorkSample[]): SideSummary {
  return {
    tasks: samples.length,
    medianCost: median(costs(samples)),
    medianTurns: median(samples.map((s) => s.turns)),
  };
}

/** The verdict on `before` against `after` (see the module doc); `seed` fixes the bootstrap. */
export function checkVerdict(
  before: readonly WorkSample[],
  after: readonly WorkSample[],
  options: { minTasks?: number; seed?: number } = {},
): CheckVerdict {
  const min = options.minTasks ?? MIN_CHECK_TASKS;
  const [a, b] = [costs(before), costs(after)];
  const base = { before: summary(before), after: summary(after) };
  if (a.length < min || b.length < min) {
    return {
      status: 'too_little_data',
      ...base,
      cost: null,
      turns: null,
      text:
        `too little data to tell: n=${a.length}/${b.length} priced tasks before/after ` +
        `(at least ${min} on each side are needed).`,
    };
  }
  const bootstrap = { seed: options.seed ?? 1 };
  const cost = bootstrapTwoSample(a, b, medianChange, bootstrap);
  const turns = bootstrapTwoSample(
    before.map((s) => s.turns),
    after.map((s) => s.turns),
    medianChange,
    bootstrap,
  );
  const parts = [
    cost === null
      ? 'cost per task: no change can be computed (the median before is 0)'
      : describeChange('cost per task', cost, a.length, b.length),
  ];
  if (turns !== null) parts.push(describeChange('turns per task', turns, before.length, after.length));
  const status: CheckStatus =
    cost === null ? 'inconclusive' : cost.high < 0 ? 'saving' : cost.low > 0 ? 'no_saving' : 'inconclusive';
  const outcome = {
    saving: 'the saving happened',
    no_saving: 'no saving: the work costs more per task than before',
    inconclusive: 'not clear yet: the interval includes no change',
    too_little_data: '',
  }[status];
  return { status, ...base, cost, turns, text: `${parts.join('; ')}: ${outcome}.` };
}

/**
 * The cohort's work per task in `[fromMs, toMs)`: only on `model` when given (the work as it ran
 * before the change), else on any model. Sorted by start, then task.
 */
export async function cohortSamples(
  ctx: ReportContext,
  cohort: ProposalCohort,
  range: { fromMs: number; toMs: number; model?: string | undefined },
): Promise<WorkSample[]> {
  const dimensions: GroupDimension[] = ['task', 'agent', 'stage'];
  const rows = await ctx.store.groups({
    dimensions,
    filter: { fromMs: range.fromMs, toMs: range.toMs },
    grain: 'day',
    ...(ctx.stageMap ? { stageMap: ctx.stageMap } : {}),
  });
  const builder = new UsageTableBuilder(ctx.pricer, ctx.mode);
  const byTask = new Map<string, { atMs: number; cost: number; priced: boolean; turns: number }>();
  for (const r of rows) {
    const task = r.values.task ?? '';
    if (task === '') continue;
    if (cohort.agent !== undefined && r.values.agent !== cohort.agent) continue;
    if (cohort.stage !== undefined && r.values.stage !== cohort.stage) continue;
    if (range.model !== undefined && r.model !== range.model) continue;
    const cost = groupCost(builder, r, r.bucket * BUCKET_MS);
    const s = byTask.get(task) ?? { atMs: r.firstTs, cost: 0, priced: false, turns: 0 };
    s.atMs = Math.min(s.atMs, r.firstTs);
    if (cost !== null) {
      s.cost += cost;
      s.priced = true;
    }
    s.turns += r.responses;
    byTask.set(task, s);
  }
  return [...byTask]
    .map(([task, s]) => ({ task, atMs: s.atMs, cost: s.priced ? s.cost : null, turns: s.turns }))
    .sort((x, y) => x.atMs - y.atMs || (x.task < y.task ? -1 : x.task > y.task ? 1 : 0));
}
