/**
 * The budget warnings a hook shows in Claude Code: once per budget, period and threshold (50, 75, 90,
 * 100%), however many hook calls, processes or machines see it, because each warning is claimed in
 * the ledger first. Cheap when there are no budgets: one small query.
 * @module
 */
import { warningsDue } from '../analysis/budgets.js';
import { budgetWarning } from '../outputs/budget-message.js';
import { type BudgetContext, budgetStatuses } from './budget-status.js';

/** The warnings newly due, as text; claims them so no other call shows them again. */
export async function dueBudgetWarnings(ctx: BudgetContext): Promise<string[]> {
  const budgets = await ctx.store.budgets();
  if (budgets.length === 0) return [];
  const reaching = (await budgetStatuses(ctx, budgets)).filter((s) => s.reached.length > 0);
  if (reaching.length === 0) return [];
  const warned = await ctx.store.budgetWarnings(
    reaching.map((s) => ({ budget: s.name, period: s.periodKey })),
  );
  const out: string[] = [];
  for (const s of reaching) {
    const seen = new Set(
      warned.filter((w) => w.budget === s.name && w.period === s.periodKey).map((w) => w.threshold),
    );
    let shown: number | null = null;
    for (const threshold of warningsDue(s.reached, seen).claim) {
      if (await ctx.store.claimBudgetWarning({ budget: s.name, period: s.periodKey, threshold }, ctx.now))
        shown = threshold;
    }
    if (shown !== null) out.push(budgetWarning(s, shown));
  }
  return out;
}
