/**
 * Budgets against spend, as pure arithmetic: the period a budget counts in (a local day, week or
 * month of the report's time zone), the thresholds its spend has reached, which warnings are still
 * due, and a forecast of the period's end at the recent rate.
 * @module
 */
import type { BudgetPeriod, BudgetScope, BudgetUnit } from '../ledger/budget-repository.js';
import { BUCKET_MS } from '../ledger/usage-sums.js';
import { addDays, type WeekStart, type ZonedClock } from './zoned-time.js';

/** Percentages of a budget at which a warning is shown. */
export const BUDGET_THRESHOLDS = [50, 75, 90, 100] as const;

/** Budget weeks start as the weekly report's do by default: on Sunday. */
export const BUDGET_WEEK_START: WeekStart = 0;

const DAY_MS = 86_400_000;

/** The longest stretch before now whose rate the forecast uses. */
const BASIS_MS: Record<BudgetPeriod, number> = { day: DAY_MS, week: 7 * DAY_MS, month: 7 * DAY_MS };

/** The period a budget counts in now: `key` names it (`2026-12-07`, the week's first day, `2026-12`). */
export interface BudgetWindow {
  period: BudgetPeriod;
  key: string;
  /** Inclusive, epoch ms. */
  fromMs: number;
  /** Exclusive, epoch ms. */
  toMs: number;
}

/** The day, week or month holding `nowMs` in `clock`'s zone. */
export function budgetWindow(
  period: BudgetPeriod,
  nowMs: number,
  clock: ZonedClock,
  weekStart: WeekStart = BUDGET_WEEK_START,
): BudgetWindow {
  if (period === 'day') {
    const key = clock.dateOf(nowMs);
    return { period, key, fromMs: clock.startOf(key), toMs: clock.startOf(addDays(key, 1)) };
  }
  if (period === 'week') {
    const key = clock.weekOf(nowMs, weekStart);
    return { period, key, fromMs: clock.startOf(key), toMs: clock.startOf(addDays(key, 7)) };
  }
  const key = clock.monthOf(nowMs);
  const [y, m] = key.split('-').map(Number);
  const next = new Date(Date.UTC(y ?? 1970, m ?? 1, 1)).toISOString().slice(0, 10);
  return { period, key, fromMs: clock.startOf(`${key}-01`), toMs: clock.startOf(next) };
}

/**
 * The stretch whose rate the forecast uses: from the period's start (a day or week) or the last 7
 * days of a month, whichever is later, up to now. It starts on a 15-minute boundary, so usage summed
 * per 15-minute bucket splits into it exactly.
 */
export function forecastBasis(window: BudgetWindow, nowMs: number): { fromMs: number; toMs: number } {
  const back = Math.floor((nowMs - BASIS_MS[window.period]) / BUCKET_MS) * BUCKET_MS;
  const toMs = Math.min(Math.max(nowMs, window.fromMs), window.toMs);
  return { fromMs: Math.min(Math.max(window.fromMs, back), toMs), toMs };
}

/** What the budget's scope spent in the period so far, and in the forecast's basis (part of it). */
export interface BudgetSpend {
  spent: number;
  basisSpent: number;
}

export interface BudgetForecast {
  /** Where the period ends at the basis's rate. */
  amount: number;
  /** `amount` / limit. */
  ratio: number;
  basis: {
    fromMs: number;
    toMs: number;
    /** The rate (tokens or USD) per day over the basis. */
    perDay: number;
  };
}

export interface BudgetStanding {
  spent: number;
  limit: number;
  /** spent / limit. */
  ratio: number;
  /** The thresholds (percent) reached, ascending. */
  reached: number[];
  forecast: BudgetForecast;
}

/** The thresholds `spent` has reached of `limit`, ascending (exact: no division). */
export function thresholdsReached(spent: number, limit: number): number[] {
  return BUDGET_THRESHOLDS.filter((t) => spent * 100 >= t * limit);
}

/**
 * A budget's standing at `nowMs`: its thresholds reached and the forecast at the rate since
 * `basisFromMs` (by default {@link forecastBasis}'s; `spend.basisSpent` is what was spent since then).
 */
export function budgetStanding(
  limit: number,
  window: BudgetWindow,
  nowMs: number,
  spend: BudgetSpend,
  basisFromMs: number = forecastBasis(window, nowMs).fromMs,
): BudgetStanding {
  const basis = { fromMs: basisFromMs, toMs: forecastBasis(window, nowMs).toMs };
  const elapsed = basis.toMs - basis.fromMs;
  const rate = elapsed > 0 ? spend.basisSpent / elapsed : 0;
  const amount = spend.spent + rate * (window.toMs - basis.toMs);
  return {
    spent: spend.spent,
    limit,
    ratio: spend.spent / limit,
    reached: thresholdsReached(spend.spent, limit),
    forecast: { amount, ratio: amount / limit, basis: { ...basis, perDay: rate * DAY_MS } },
  };
}

/**
 * The warnings due: the thresholds reached and not yet warned of in this period, to be claimed (all
 * of them), and the one to show (the highest: a jump from 40% to 95% warns once, at 90%).
 */
export function warningsDue(
  reached: readonly number[],
  warned: ReadonlySet<number>,
): { claim: number[]; show: number | null } {
  const claim = reached.filter((t) => !warned.has(t));
  return { claim, show: claim.length === 0 ? null : (claim[claim.length - 1] ?? null) };
}

/** One budget in its current period (the JSON of `budget status` and of the MCP tool). */
export interface BudgetStatus {
  name: string;
  unit: BudgetUnit;
  limit: number;
  period: BudgetPeriod;
  scope: BudgetScope;
  /** The current period: `2026-12-07` (a day), the week's first day, or `2026-12`. */
  periodKey: string;
  /** Its bounds, ISO 8601 (start inclusive, end exclusive). */
  from: string;
  to: string;
  /** Tokens or USD spent in the period so far (dollars: the priced part, as reports count it). */
  spent: number;
  /** spent / limit × 100. */
  percent: number;
  /** The warning thresholds (50, 75, 90, 100) reached, ascending. */
  reached: number[];
  /** Spent at least the limit. */
  over: boolean;
  forecast: {
    /** Where the period ends at the basis's rate. */
    amount: number;
    percent: number;
    /** The rate's basis: from the period's start (a day, a week) or the last 7 days (a month), to now. */
    basis: { from: string; to: string; perDay: number };
  };
  /** Models whose usage has no price (a dollar budget counts tokens of them as nothing). */
  unpricedModels: string[];
}
