/**
 * Spending budgets and the warnings shown for them. A budget caps tokens or dollars per day, week or
 * month, over everything or one task (its subtree), stage, project or label. The ledger keeps them, so
 * a team on one PostgreSQL ledger shares them, and it keeps which thresholds were already warned of in
 * which period, so "once per threshold" holds across processes and machines.
 * @module
 */

export const BUDGET_PERIODS = ['day', 'week', 'month'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

export const BUDGET_UNITS = ['tokens', 'usd'] as const;
export type BudgetUnit = (typeof BUDGET_UNITS)[number];

export const BUDGET_SCOPES = ['all', 'task', 'stage', 'project', 'label'] as const;
export type BudgetScopeKind = (typeof BUDGET_SCOPES)[number];

/** What a budget counts: everything (`value` null), or one task, stage, project or label (`KEY=VALUE`). */
export interface BudgetScope {
  kind: BudgetScopeKind;
  value: string | null;
}

export interface BudgetInput {
  /** Unique; setting a budget of the same name replaces it. */
  name: string;
  unit: BudgetUnit;
  /** Tokens or USD per period; greater than 0. */
  limit: number;
  period: BudgetPeriod;
  scope: BudgetScope;
}

export interface BudgetRow extends BudgetInput {
  createdAt: number;
  updatedAt: number;
}

/** One warning shown: a budget's threshold (percent) in one period (the period's key, e.g. `2026-12`). */
export interface BudgetWarningKey {
  budget: string;
  period: string;
  threshold: number;
}

export interface BudgetWarningRow extends BudgetWarningKey {
  warnedAt: number;
}

export interface BudgetRepository {
  /**
   * Adds or replaces a budget (by name). When its unit, limit, period or scope changes, the warnings
   * already shown for it are forgotten, so the new limit warns again.
   */
  saveBudget(budget: BudgetInput, at: number): Promise<BudgetRow>;
  /** Every budget, by name. */
  budgets(): Promise<BudgetRow[]>;
  /** Removes a budget and its warnings; false when there was none of that name. */
  removeBudget(name: string): Promise<boolean>;
  /** The warnings shown for these budgets in these periods. */
  budgetWarnings(keys: readonly { budget: string; period: string }[]): Promise<BudgetWarningRow[]>;
  /**
   * Records that a warning is being shown, atomically: true for exactly one caller per key, however
   * many processes or machines claim it at once; false when it was claimed before.
   */
  claimBudgetWarning(key: BudgetWarningKey, at: number): Promise<boolean>;
}
