/**
 * Budget rows as both backends read them, turned into the repository's types.
 * @module
 */
import type {
  BudgetInput,
  BudgetPeriod,
  BudgetRow,
  BudgetScopeKind,
  BudgetUnit,
  BudgetWarningRow,
} from './budget-repository.js';

export interface BudgetDbRow {
  name: string;
  unit: string;
  limit_amount: number | string;
  period: string;
  scope_kind: string;
  scope_value: string | null;
  created_at: number | string;
  updated_at: number | string;
}

export const BUDGET_COLUMNS =
  'name, unit, limit_amount, period, scope_kind, scope_value, created_at, updated_at';

export function toBudget(r: BudgetDbRow): BudgetRow {
  return {
    name: r.name,
    unit: r.unit as BudgetUnit,
    limit: Number(r.limit_amount),
    period: r.period as BudgetPeriod,
    scope: { kind: r.scope_kind as BudgetScopeKind, value: r.scope_value },
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/** Whether saving `next` over `prev` changes what the budget counts or allows. */
export function budgetChanged(prev: BudgetRow, next: BudgetInput): boolean {
  return (
    prev.unit !== next.unit ||
    prev.limit !== next.limit ||
    prev.period !== next.period ||
    prev.scope.kind !== next.scope.kind ||
    prev.scope.value !== next.scope.value
  );
}

export interface BudgetWarningDbRow {
  budget: string;
  period: string;
  threshold: number | string;
  warned_at: number | string;
}

export function toBudgetWarning(r: BudgetWarningDbRow): BudgetWarningRow {
  return {
    budget: r.budget,
    period: r.period,
    threshold: Number(r.threshold),
    warnedAt: Number(r.warned_at),
  };
}
