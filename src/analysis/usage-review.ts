/**
 * The analysis behind seed 000's periodic review (`reports/usage-review-YYYY-MM-DD.md`, sections 2.3,
 * 6.3 and 7.2) and the daily summary's anomalies and optimization candidates (6.2, 7.1): it reads the
 * ledger and builds the plain {@link ReviewModel} and one-line texts the `/token-usage/` renderers
 * take.
 *
 * - Tokens are input + output + cache writes + cache reads.
 * - Costs are computed with the pricer as the other reports do (see `review-usage.ts`). A sum whose
 *   parts are only partly known is the known part, marked with the usage it leaves out (`unpriced`:
 *   its tokens and models, which the renderer shows as `$2.69 (partial: 121,000 tokens unpriced for
 *   model X)`); it is null ("unavailable") only when none of it is known, so an unpriced model
 *   shows as unavailable in the cost breakdown, never as $0.
 * - The cache hit rate is the one every report uses, cache reads ÷ (cache reads + uncached input)
 *   (`cacheHitRate` in `util/token-counts.ts`, the token usage report's formula), over the usage that reports caching at all:
 *   declared telemetry carries only input and output, so it says nothing about what was cached and
 *   is left out (a period with only declared usage has no rate rather than 0%).
 * - Estimate overruns: tasks with a token or dollar estimate whose subtree had usage in the range
 *   and whose whole usage so far (all time, children included) passed the overrun multiple
 *   (`overrunMultiple` in the config, default 4) times the estimate, the rule every other overrun
 *   warning uses. A dollar total with unavailable parts counts only when its known part passes.
 * - Scope: the usage (captured and declared alike, as the ledger counts it) of one project when a
 *   `projectDir` is given, else all of it.
 * - Daily anomalies: the flags of `analysis/anomalies` for that day (usage far above its robust
 *   baseline over the {@link ANOMALY_BASELINE_DAYS} days before, leak patterns), each as its one-line
 *   summary, then the estimate overruns of the tasks active that day. Candidates: the review's rules
 *   on that day alone, files read again and again (`file_reread`) included: their paths relative to
 *   the project when the summary is one project's, else as the agent wrote them.
 * @module
 */

import type { GroupRow } from '../ledger/usage-repository.js';
import { addSums, BUCKET_MS, emptySums } from '../ledger/usage-sums.js';
import { ExitCode, UserError } from '../util/errors.js';
import { formatInt, formatUsdPlain } from '../util/format.js';
import { cacheHitRate, totalTokens } from '../util/token-counts.js';
import { DEFAULT_THRESHOLDS } from './anomalies/anomaly.js';
import { findAnomalies } from './anomalies/find-anomalies.js';
import { DEFAULT_OVERRUN_MULTIPLE } from './overrun.js';
import type { ReportContext } from './reports.js';
import type {
  AgentModelMix,
  AgentShare,
  CostLine,
  EstimateOverrun,
  ExpensiveTask,
  ReviewModel,
  UnpricedUsage,
} from './review-model.js';
import { type Finding, findRecommendations } from './review-recommendations.js';
import { rereadData } from './review-rereads.js';
import { reportsCaching } from './review-rules.js';
import { CostSum, compareText, groupCost, type PricedGroup, pricedGroups } from './review-usage.js';
import { UsageTableBuilder } from './usage-table.js';
import { addDays, ZonedClock } from './zoned-time.js';

/** How many tasks the review lists as most expensive (seed 6.2). */
export const TOP_TASKS = 5;
/** How many agents the review lists as most active. */
export const MOST_ACTIVE_AGENTS = 5;
/** The days before a day that the daily anomalies' baselines draw on. */
export const ANOMALY_BASELINE_DAYS = 28;

/** What both the review and the daily insights can be narrowed to, and their overrun threshold. */
export interface UsageScopeOptions {
  /** Only usage whose project is this directory or inside it; all usage when absent. */
  projectDir?: string;
  /**
   * A task overruns when its usage passes this multiple of its estimate (`overrunMultiple` in the
   * config); {@link DEFAULT_OVERRUN_MULTIPLE} when absent.
   */
  overrunMultiple?: number;
}

export interface ReviewOptions extends UsageScopeOptions {
  /** The report date, `YYYY-MM-DD`: the last day of the period. */
  date: string;
  /** How many local days the period has, ending with `date` (inclusive). */
  days: number;
  /** IANA time zone of the local days; the system's when absent. */
  timeZone?: string;
  /** The repository a policy file is in: files read again and again are proposed only from it (default: the project). */
  repoDir?: string;
}

export interface DailyInsightsOptions extends UsageScopeOptions {
  /** The day, `YYYY-MM-DD`. */
  date: string;
  timeZone?: string;
}

export interface DailyInsights {
  anomalies: string[];
  optimizationCandidates: string[];
}

function checkDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (m === null || !new Date(`${date}T00:00:00Z`).toISOString().startsWith(date)) {
    throw new UserError(`the date "${date}" is not a date YYYY-MM-DD, e.g. 2026-11-20.`, ExitCode.usage);
  }
  return date;
}

function projectFilter(options: UsageScopeOptions): { projectDir?: string } {
  return options.projectDir === undefined ? {} : { projectDir: options.projectDir };
}

function multipleOf(options: UsageScopeOptions): number {
  return options.overrunMultiple ?? DEFAULT_OVERRUN_MULTIPLE;
}

function clockOf(timeZone: string | undefined): ZonedClock {
  return timeZone === undefined ? ZonedClock.system() : new ZonedClock(timeZone);
}

/** Tokens and cost of one name (a model, an agent, a task). */
interface Tally {
  tokens: number;
  cost: CostSum;
}

function tally(groups: readonly PricedGroup[], key: (g: PricedGroup) => string | null): Map<string, Tally> {
  const out = new Map<string, Tally>();
  for (const g of groups) {
    const k = key(g);
    if (k === null) continue;
    let t = out.get(k);
    if (t === undefined) {
      t = { tokens: 0, cost: new CostSum() };
      out.set(k, t);
    }
    t.tokens += g.tokens;
    t.cost.add(g.cost, g);
  }
  return out;
}

function byCostDesc(a: number | null, b: number | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return b - a;
}

/** `{ unpriced }` when `cost` leaves usage out, else `{}` (so a fully priced cost has no such key). */
function unpricedOf(cost: CostSum): { unpriced?: UnpricedUsage } {
  const unpriced = cost.unpriced;
  return unpriced === null ? {} : { unpriced };
}

function costLines(groups: readonly PricedGroup[], key: (g: PricedGroup) => string): CostLine[] {
  return [...tally(groups, key)]
    .map(([name, t]) => ({ name, totalTokens: t.tokens, estimatedCost: t.cost.value, ...unpricedOf(t.cost) }))
    .sort(
      (a, b) =>
        byCostDesc(a.estimatedCost, b.estimatedCost) ||
        b.totalTokens - a.totalTokens ||
        compareText(a.name, b.name),
    );
}

/**
 * The shared cache hit rate (cache reads ÷ (cache reads + uncached input)) of the usage that reports
 * caching (see the module doc); null when there is none.
 */
function reviewCacheHitRate(groups: readonly PricedGroup[]): number | null {
  const sums = emptySums();
  for (const g of groups) if (reportsCaching(g)) addSums(sums, g.row);
  return cacheHitRate(sums.cacheRead, sums.input);
}

function agentModelMix(groups: readonly PricedGroup[]): AgentModelMix[] {
  const byAgent = new Map<string, PricedGroup[]>();
  for (const g of groups) {
    const list = byAgent.get(g.agent);
    if (list === undefined) byAgent.set(g.agent, [g]);
    else list.push(g);
  }
  return [...byAgent]
    .sort(([a], [b]) => compareText(a, b))
    .map(([agent, gs]) => {
      const total = gs.reduce((n, g) => n + g.tokens, 0);
      const models = [...tally(gs, (g) => g.model)]
        .map(([model, t]) => ({ model, totalTokens: t.tokens, share: total > 0 ? t.tokens / total : 0 }))
        .sort((a, b) => b.totalTokens - a.totalTokens || compareText(a.model, b.model));
      return { agent, models };
    });
}

/**
 * Overruns of the tasks with an estimate that are in `active` or an ancestor of one: their whole
 * subtree's usage so far passed `multiple` times the estimate (the rule of every other overrun
 * warning). One read of the tasks and one of the per-task rollup.
 */
async function estimateOverruns(
  ctx: ReportContext,
  active: ReadonlySet<string>,
  multiple: number,
): Promise<EstimateOverrun[]> {
  if (active.size === 0) return [];
  const tasks = await ctx.store.tasks();
  const parent = new Map(tasks.map((t) => [t.id, t.parentId]));
  const children = new Map<string, string[]>();
  for (const t of tasks) {
    if (t.parentId === null) continue;
    const list = children.get(t.parentId);
    if (list === undefined) children.set(t.parentId, [t.id]);
    else list.push(t.id);
  }
  const touched = new Set<string>();
  for (const id of active) {
    for (let t: string | null | undefined = id; t && !touched.has(t); t = parent.get(t)) touched.add(t);
  }
  const estimated = tasks
    .filter((t) => touched.has(t.id) && ((t.estimateTokens ?? 0) > 0 || (t.estimateUsd ?? 0) > 0))
    .sort((a, b) => compareText(a.id, b.id));
  if (estimated.length === 0) return [];
  const trees = new Map<string, string[]>();
  for (const t of estimated) {
    const tree: string[] = [];
    const seen = new Set<string>();
    const stack = [t.id];
    for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
      if (seen.has(id)) continue;
      seen.add(id);
      tree.push(id);
      stack.push(...(children.get(id) ?? []));
    }
    trees.set(t.id, tree);
  }
  const rows = await ctx.store.taskDayGroups([...new Set([...trees.values()].flat())].sort(compareText));
  const builder = new UsageTableBuilder(ctx.pricer, ctx.mode);
  const own = new Map<string, GroupRow[]>();
  for (const r of rows) {
    const id = r.values.task ?? '';
    const list = own.get(id);
    if (list === undefined) own.set(id, [r]);
    else list.push(r);
  }
  const out: EstimateOverrun[] = [];
  for (const t of estimated) {
    const mine = (trees.get(t.id) ?? []).flatMap((id) => own.get(id) ?? []);
    const tokens = mine.reduce((n, r) => n + totalTokens(r), 0);
    const cost = new CostSum();
    for (const r of mine) cost.add(groupCost(builder, r, r.bucket * BUCKET_MS));
    if (t.estimateTokens !== null && t.estimateTokens > 0 && tokens / t.estimateTokens > multiple) {
      out.push({ taskId: t.id, metric: 'tokens', estimate: t.estimateTokens, actual: tokens });
    }
    const usd = cost.value;
    if (t.estimateUsd !== null && t.estimateUsd > 0 && usd !== null && usd / t.estimateUsd > multiple) {
      out.push({ taskId: t.id, metric: 'usd', estimate: t.estimateUsd, actual: usd });
    }
  }
  return out.sort(
    (a, b) =>
      b.actual / b.estimate - a.actual / a.estimate ||
      compareText(a.taskId, b.taskId) ||
      compareText(a.metric, b.metric),
  );
}

/** The tasks among `tasks` with a recorded run that failed (an error result or a non-zero exit). */
async function failedTasksOf(ctx: ReportContext, tasks: ReadonlySet<string>): Promise<Set<string>> {
  if (tasks.size === 0) return new Set();
  const runs = await ctx.store.runs({ tasks: [...tasks].sort(compareText) });
  return new Set(
    runs
      .filter((r) => r.taskId !== null && (r.isError || (r.exitCode ?? 0) !== 0))
      .map((r) => r.taskId ?? ''),
  );
}

function activeTasks(groups: readonly PricedGroup[]): Set<string> {
  return new Set(groups.filter((g) => g.task !== '' && g.tokens > 0).map((g) => g.task));
}

/**
 * The periodic review of the `days` local days ending with `date`: totals, cost by model and agent,
 * most active agents, the most expensive tasks, each agent's model mix, the cache hit rate, estimate
 * overruns and recommendations (see `review-recommendations.ts`). Deterministic for a given ledger.
 */
export async function buildReviewModel(ctx: ReportContext, options: ReviewOptions): Promise<ReviewModel> {
  return (await reviewWithFindings(ctx, options)).model;
}

/** {@link buildReviewModel} and the findings behind its recommendations (in the same order), with their proposals. */
export async function reviewWithFindings(
  ctx: ReportContext,
  options: ReviewOptions,
): Promise<{ model: ReviewModel; findings: Finding[] }> {
  const end = checkDate(options.date);
  if (!Number.isSafeInteger(options.days) || options.days < 1) {
    throw new UserError(`the review period must be a whole number of days ≥ 1, got ${String(options.days)}.`);
  }
  const start = addDays(end, 1 - options.days);
  const clock = clockOf(options.timeZone);
  const filter = {
    fromMs: clock.startOf(start),
    toMs: clock.startOf(addDays(end, 1)),
    ...projectFilter(options),
  };
  const [groups, rereads] = await Promise.all([
    pricedGroups(ctx, filter),
    rereadData(ctx.store, filter, options.repoDir ?? options.projectDir),
  ]);

  const total = new CostSum();
  let tokens = 0;
  for (const g of groups) {
    tokens += g.tokens;
    total.add(g.cost, g);
  }
  const mostActiveAgents: AgentShare[] = [...tally(groups, (g) => g.agent)]
    .map(([agent, t]) => ({ agent, totalTokens: t.tokens, share: tokens > 0 ? t.tokens / tokens : 0 }))
    .sort((a, b) => b.totalTokens - a.totalTokens || compareText(a.agent, b.agent))
    .slice(0, MOST_ACTIVE_AGENTS);
  const topExpensiveTasks: ExpensiveTask[] = costLines(
    groups.filter((g) => g.task !== ''),
    (g) => g.task,
  )
    .slice(0, TOP_TASKS)
    .map(({ name, ...l }) => ({ taskId: name, ...l }));

  const failedTasks = await failedTasksOf(ctx, activeTasks(groups));
  const findings = findRecommendations(ctx.pricer, groups, {
    span: `from ${start} to ${end}`,
    failedTasks,
    rereads,
  });
  const model: ReviewModel = {
    date: end,
    period: { start, end },
    totals: { totalTokens: tokens, estimatedCost: total.value, ...unpricedOf(total) },
    costByModel: costLines(groups, (g) => g.model),
    costByAgent: costLines(groups, (g) => g.agent),
    mostActiveAgents,
    topExpensiveTasks,
    agentModelMix: agentModelMix(groups),
    cacheHitRate: reviewCacheHitRate(groups),
    estimateOverruns: await estimateOverruns(ctx, activeTasks(groups), multipleOf(options)),
    recommendations: findings.map((f) => f.recommendation),
  };
  return { model, findings };
}

function overrunText(o: EstimateOverrun): string {
  const amount = (n: number) => (o.metric === 'usd' ? formatUsdPlain(n) : `${formatInt(n)} tokens`);
  return (
    `${o.taskId} passed its estimate: ${amount(o.actual)} used against ${amount(o.estimate)} estimated ` +
    `(${(o.actual / o.estimate).toFixed(1)}×).`
  );
}

/**
 * One-line anomalies and optimization candidates for the daily summary of `date`: the day's usage
 * grouped once, the anomaly detectors over the day against the days before, and the estimates of the
 * day's tasks.
 */
export async function dailyInsights(
  ctx: ReportContext,
  options: DailyInsightsOptions,
): Promise<DailyInsights> {
  const date = checkDate(options.date);
  const clock = clockOf(options.timeZone);
  const dayStart = clock.startOf(date);
  const dayEnd = clock.startOf(addDays(date, 1));
  const filter = { fromMs: dayStart, toMs: dayEnd, ...projectFilter(options) };
  const [groups, rereads, found] = await Promise.all([
    pricedGroups(ctx, filter),
    rereadData(ctx.store, filter, options.projectDir),
    findAnomalies(ctx.store, {
      fromMs: dayStart,
      toMs: dayEnd,
      baselineFromMs: clock.startOf(addDays(date, -ANOMALY_BASELINE_DAYS)),
      clock,
      thresholds: DEFAULT_THRESHOLDS,
      ...projectFilter(options),
      ...(ctx.stageMap === undefined ? {} : { stageMap: ctx.stageMap }),
    }),
  ]);
  const anomalies = found.anomalies.map((a) => a.summary);
  for (const o of await estimateOverruns(ctx, activeTasks(groups), multipleOf(options))) {
    anomalies.push(overrunText(o));
  }

  const optimizationCandidates = findRecommendations(ctx.pricer, groups, { span: `on ${date}`, rereads }).map(
    (f) => f.candidate,
  );
  return { anomalies, optimizationCandidates };
}
