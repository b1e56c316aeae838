/**
 * Every budget against what its scope spent in its current period, with the thresholds reached and a
 * forecast: what `budget status` prints (its `--json` is {@link BudgetReport}), what the MCP tool
 * `budget_status` answers, and what hooks, `run`, the status line and reports warn from.
 * @module
 */
import { BUDGET_WEEK_START, type BudgetStatus, budgetStanding, budgetWindow } from '../analysis/budgets.js';
import { checkTimeZone, systemTimeZone, ZonedClock } from '../analysis/zoned-time.js';
import type { BudgetRow } from '../ledger/budget-repository.js';
import { periodSpend, type SpendContext } from './budget-spend.js';

export type { BudgetStatus } from '../analysis/budgets.js';

export interface BudgetContext extends SpendContext {
  clock: ZonedClock;
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

/** One budget's status in its current period. */
export async function budgetStatus(ctx: BudgetContext, budget: BudgetRow): Promise<BudgetStatus> {
  const w = budgetWindow(budget.period, ctx.now, ctx.clock, BUDGET_WEEK_START);
  const spend = await periodSpend(ctx, budget, w);
  const spent = spend.spent;
  const s = budgetStanding(budget.limit, w, ctx.now, spend, spend.basisFromMs);
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
    unpricedModels: spend.unpriced,
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
