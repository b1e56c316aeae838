/**
 * The words for a budget's standing, shared by hooks, `run`, the status line, reports and
 * `budget status`.
 * @module
 */
import type { BudgetStatus } from '../analysis/budgets.js';
import { formatCompact, formatUsd } from '../util/format.js';

const PERIOD_WORD = { day: 'today', week: 'this week', month: 'this month' } as const;
const PERIOD_END = { day: 'the day', week: 'the week', month: 'the month' } as const;

/** `$300.00` or `2.0M tokens`. */
export function budgetAmount(unit: BudgetStatus['unit'], n: number): string {
  return unit === 'usd' ? formatUsd(n) : `${formatCompact(n)} tokens`;
}

/** `78%`, whole percents (a floor: 99.9% is not yet 100%). */
export function budgetPercent(percent: number): string {
  return `${Math.floor(percent + 1e-9)}%`;
}

/** What the budget counts: `everything`, `task T-3`, `stage review`, `project /src/app`, `label team=web`. */
export function budgetScopeText(s: Pick<BudgetStatus, 'scope'>): string {
  return s.scope.kind === 'all' ? 'everything' : `${s.scope.kind} ${s.scope.value ?? ''}`;
}

/** `at the last 7 days' rate` / `at this week's rate`: where the forecast's rate came from. */
export function forecastBasisText(s: BudgetStatus): string {
  if (s.forecast.basis.from !== s.from) return `at the last 7 days' rate`;
  return s.period === 'day' ? `at today's rate` : `at ${PERIOD_WORD[s.period]}'s rate`;
}

/** `at this week's rate, the month ends at $412.00 (137%)`. */
export function forecastText(s: BudgetStatus): string {
  return `${forecastBasisText(s)}, ${PERIOD_END[s.period]} ends at ${budgetAmount(s.unit, s.forecast.amount)} (${budgetPercent(s.forecast.percent)})`;
}

/** One line: `budget team: 78% of $300.00 this month (2026-12), $234.00 spent; at …`. */
export function budgetLine(s: BudgetStatus): string {
  return `budget ${s.name}: ${budgetPercent(s.percent)} of ${budgetAmount(s.unit, s.limit)} ${PERIOD_WORD[s.period]} (${s.periodKey}), ${budgetAmount(s.unit, s.spent)} spent; ${forecastText(s)}`;
}

/** The warning for a threshold just reached: `budget team passed 75% of $300.00 this month …`. */
export function budgetWarning(s: BudgetStatus, threshold: number): string {
  const what =
    threshold >= 100
      ? `reached its limit of ${budgetAmount(s.unit, s.limit)} ${PERIOD_WORD[s.period]}`
      : `passed ${threshold}% of ${budgetAmount(s.unit, s.limit)} ${PERIOD_WORD[s.period]}`;
  return `budget ${s.name} ${what} (${s.periodKey}, ${budgetScopeText(s)}): ${budgetAmount(s.unit, s.spent)} spent, ${budgetPercent(s.percent)}; ${forecastText(s)}`;
}

/** For the status line: `budget team 78%`. */
export function budgetBadge(s: BudgetStatus): string {
  return `budget ${s.name} ${budgetPercent(s.percent)}`;
}
