/**
 * Every budget against what its scope spent in its current period, with the thresholds reached and a
 * forecast: what `budget status` prints (its `--json` is {@link BudgetReport}), what the MCP tool
 * `budget_status` answers, and what hooks, `run`, the status line and reports warn from.
 * @module
 */
import {
  BUDGET_WEEK_START,
  type BudgetStatus,
  type BudgetWindow,
  budgetStanding,
  budgetWindow,
  forecastBasis,
} from '../analysis/budgets.js';
import { UsageTableBuilder } from '../analysis/usage-table.js';
import { checkTimeZone, systemTimeZone, ZonedClock } from '../analysis/zoned-time.js';
import type { BudgetRow, BudgetScope } from '../ledger/budget-repository.js';
import type { LedgerStore } from '../ledger/store.js';
import type { StageMap } from '../ledger/task-repository.js';
import type { GroupDimension, GroupRow } from '../ledger/usage-repository.js';
import { BUCKET_MS, type PricingKey, type UsageSums } from '../ledger/usage-sums.js';
import type { Pricer } from '../pricing/pricer.js';
import { totalTokens } from '../util/token-counts.js';

export type { BudgetStatus } from '../analysis/budgets.js';

export interface BudgetContext {
  store: LedgerStore;
  /** Made only for a dollar budget: loading the price table costs a few milliseconds. */
  pricer: () => Pricer;
  stageMap: StageMap;
  clock: ZonedClock;
  now: number;
}

export interface BudgetReport {
  budgets: BudgetStatus[];
  meta: { at: string; timezone: string; weekStart: 'sunday' };
}

/** The clock budgets count in: the config's `timezone`, else the system's. */
export function budgetClock(
  timezone: string | undefined,
  where = '"timezone" in the config file',
): ZonedClock {
  if (timezone === undefined || timezone === systemTimeZone()) return ZonedClock.system();
  return new ZonedClock(checkTimeZone(timezone, where));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

type SpendRow = PricingKey & UsageSums & { bucket: number };

/** The rows of usage a budget's scope counts in the window, per 15-minute bucket and pricing key. */
async function scopeRows(ctx: BudgetContext, scope: BudgetScope, w: BudgetWindow): Promise<SpendRow[]> {
  const filter = { fromMs: w.fromMs, toMs: w.toMs };
  if (scope.kind === 'all') return ctx.store.buckets(w.fromMs, w.toMs);
  const value = scope.value ?? '';
  if (scope.kind === 'task') {
    const tasks = await ctx.store.taskTree(value);
    return ctx.store.groups({
      dimensions: [],
      filter: { ...filter, tasks: tasks.length > 0 ? tasks : [value] },
    });
  }
  if (scope.kind === 'project')
    return ctx.store.groups({ dimensions: [], filter: { ...filter, projectDir: value } });
  const eq = value.indexOf('=');
  const dim: GroupDimension = scope.kind === 'stage' ? 'stage' : `label:${value.slice(0, eq)}`;
  const want = scope.kind === 'stage' ? value : value.slice(eq + 1);
  const rows: GroupRow[] = await ctx.store.groups({ dimensions: [dim], filter, stageMap: ctx.stageMap });
  return rows.filter((r) => r.values[dim] === want);
}

/** One budget's status in its current period. */
export async function budgetStatus(ctx: BudgetContext, budget: BudgetRow): Promise<BudgetStatus> {
  const w = budgetWindow(budget.period, ctx.now, ctx.clock, BUDGET_WEEK_START);
  const basis = forecastBasis(w, ctx.now);
  const costs = budget.unit === 'usd' ? new UsageTableBuilder(ctx.pricer(), 'auto') : null;
  const unpriced = new Set<string>();
  let spent = 0;
  let basisSpent = 0;
  for (const r of await scopeRows(ctx, budget.scope, w)) {
    let amount: number;
    if (costs === null) amount = totalTokens(r);
    else {
      const cost = costs.costOf(r, r.bucket * BUCKET_MS);
      if (cost === null) unpriced.add(r.model);
      amount = cost ?? 0;
    }
    spent += amount;
    if (r.bucket * BUCKET_MS >= basis.fromMs) basisSpent += amount;
  }
  const s = budgetStanding(budget.limit, w, ctx.now, { spent, basisSpent });
  return {
    name: budget.name,
    unit: budget.unit,
    limit: budget.limit,
    period: budget.period,
    scope: budget.scope,
    periodKey: w.key,
    from: iso(w.fromMs),
    to: iso(w.toMs),
    spent,
    percent: s.ratio * 100,
    reached: s.reached,
    over: s.reached.includes(100),
    forecast: {
      amount: s.forecast.amount,
      percent: s.forecast.ratio * 100,
      basis: {
        from: iso(s.forecast.basis.fromMs),
        to: iso(s.forecast.basis.toMs),
        perDay: s.forecast.basis.perDay,
      },
    },
    unpricedModels: [...unpriced].sort(),
  };
}

/** Every budget's status (`budgets`: those already read, to read them once). */
export async function budgetStatuses(
  ctx: BudgetContext,
  budgets?: readonly BudgetRow[],
): Promise<BudgetStatus[]> {
  const out: BudgetStatus[] = [];
  for (const b of budgets ?? (await ctx.store.budgets())) out.push(await budgetStatus(ctx, b));
  return out;
}

/** What `budget status --json` prints and the MCP tool `budget_status` answers. */
export async function budgetReport(ctx: BudgetContext): Promise<BudgetReport> {
  return {
    budgets: await budgetStatuses(ctx),
    meta: { at: iso(ctx.now), timezone: ctx.clock.tz, weekStart: 'sunday' },
  };
}
