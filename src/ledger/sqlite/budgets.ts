/**
 * Budgets and their warnings in the SQLite store (see `ledger/budget-repository.ts`).
 * @module
 */
import type { BudgetInput, BudgetRow, BudgetWarningKey, BudgetWarningRow } from '../budget-repository.js';
import {
  BUDGET_COLUMNS,
  type BudgetDbRow,
  type BudgetWarningDbRow,
  budgetChanged,
  toBudget,
  toBudgetWarning,
} from '../budget-rows.js';
import type { Statements } from './statements.js';

function budgetNamed(s: Statements, name: string): BudgetRow | null {
  const row = s.get(`SELECT ${BUDGET_COLUMNS} FROM budgets WHERE name = ?`).get(name) as
    | BudgetDbRow
    | undefined;
  return row === undefined ? null : toBudget(row);
}

export function saveBudget(s: Statements, b: BudgetInput, at: number): BudgetRow {
  return s.write(() => {
    const prev = budgetNamed(s, b.name);
    if (prev !== null && budgetChanged(prev, b))
      s.get('DELETE FROM budget_warnings WHERE budget = ?').run(b.name);
    s.get(
      `INSERT INTO budgets (${BUDGET_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET unit = excluded.unit, limit_amount = excluded.limit_amount,
         period = excluded.period, scope_kind = excluded.scope_kind, scope_value = excluded.scope_value,
         updated_at = excluded.updated_at`,
    ).run(b.name, b.unit, b.limit, b.period, b.scope.kind, b.scope.value, at, at);
    const saved = budgetNamed(s, b.name);
    if (saved === null) throw new Error(`budget ${b.name} was not saved`);
    return saved;
  });
}

export function budgets(s: Statements): BudgetRow[] {
  return (s.get(`SELECT ${BUDGET_COLUMNS} FROM budgets ORDER BY name`).all() as BudgetDbRow[]).map(toBudget);
}

export function removeBudget(s: Statements, name: string): boolean {
  return s.write(() => {
    s.get('DELETE FROM budget_warnings WHERE budget = ?').run(name);
    return s.get('DELETE FROM budgets WHERE name = ?').run(name).changes > 0;
  });
}

export function budgetWarnings(
  s: Statements,
  keys: readonly { budget: string; period: string }[],
): BudgetWarningRow[] {
  if (keys.length === 0) return [];
  const where = keys.map(() => '(budget = ? AND period = ?)').join(' OR ');
  const rows = s.db
    .prepare(`SELECT budget, period, threshold, warned_at FROM budget_warnings WHERE ${where}
      ORDER BY budget, period, threshold`)
    .all(...keys.flatMap((k) => [k.budget, k.period])) as BudgetWarningDbRow[];
  return rows.map(toBudgetWarning);
}

export function claimBudgetWarning(s: Statements, key: BudgetWarningKey, at: number): boolean {
  return s.write(
    () =>
      s
        .get(
          `INSERT INTO budget_warnings (budget, period, threshold, warned_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (budget, period, threshold) DO NOTHING`,
        )
        .run(key.budget, key.period, key.threshold, at).changes > 0,
  );
}
