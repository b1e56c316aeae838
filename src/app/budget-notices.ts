/**
 * The budgets a front end should mention: those at 50% or more of their limit this period, for the
 * line `run` prints, the status line and the text reports. One small query when there are none.
 * @module
 */
import type { BudgetStatus } from '../analysis/budgets.js';
import type { Config } from '../config/config.js';
import type { LedgerStore } from '../ledger/store.js';
import type { Pricer } from '../pricing/pricer.js';
import { type BudgetContext, budgetClock, budgetReport, budgetStatuses } from './budget-status.js';
import { type LedgerSession, pricerOf, sessionClock, stageMapOf } from './ledger-session.js';

/** The budget context of a session: periods in the configured time zone (or `timezone`). */
export function sessionBudgetContext(
  session: LedgerSession,
  options: { timezone?: string | undefined; now?: number } = {},
): BudgetContext {
  return {
    store: session.store,
    pricer: () => pricerOf(session),
    stageMap: stageMapOf(session),
    clock: sessionClock(session, options.timezone),
    now: options.now ?? Date.now(),
  };
}

/** Budgets that reached a warning threshold (50% or more) in their current period. */
export async function budgetsReached(
  session: LedgerSession,
  now: number = Date.now(),
): Promise<BudgetStatus[]> {
  return reachedOf(sessionBudgetContext(session, { now }));
}

/**
 * The same for a front end that opened the store itself (the status line), with the config it read:
 * periods in its `timezone`, else the system's; the period's settled part from a recent sum
 * (`budget-spend.ts`), as it runs after every response.
 */
export async function budgetsReachedIn(
  store: LedgerStore,
  config: Config,
  pricer: () => Pricer,
  now: number = Date.now(),
): Promise<BudgetStatus[]> {
  return reachedOf({
    store,
    pricer,
    stageMap: config.stages ?? {},
    clock: budgetClock(config.timezone),
    now,
    cached: true,
  });
}

async function reachedOf(ctx: BudgetContext): Promise<BudgetStatus[]> {
  const budgets = await ctx.store.budgets();
  if (budgets.length === 0) return [];
  return (await budgetStatuses(ctx, budgets)).filter((s) => s.reached.length > 0);
}

/** `budget status --json` and the MCP tool `budget_status`, on a session. */
export async function sessionBudgetReport(session: LedgerSession, timezone?: string) {
  return budgetReport(sessionBudgetContext(session, { timezone }));
}
