/**
 * Budgets and their warnings in the PostgreSQL store (see `ledger/budget-repository.ts`). A warning
 * is claimed by an insert that does nothing on conflict, so of machines claiming it at once exactly
 * one gets it.
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
import type { PgDb } from './connection.js';

export async function saveBudget(db: PgDb, b: BudgetInput, at: number): Promise<BudgetRow> {
  return db.transaction(async (q) => {
    const [prev] = await q.query<BudgetDbRow>(
      `SELECT ${BUDGET_COLUMNS} FROM budgets WHERE name = $1 FOR UPDATE`,
      [b.name],
    );
    if (prev !== undefined && budgetChanged(toBudget(prev), b))
      await q.query('DELETE FROM budget_warnings WHERE budget = $1', [b.name]);
    const [row] = await q.query<BudgetDbRow>(
      `INSERT INTO budgets (${BUDGET_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
       ON CONFLICT (name) DO UPDATE SET unit = excluded.unit, limit_amount = excluded.limit_amount,
         period = excluded.period, scope_kind = excluded.scope_kind, scope_value = excluded.scope_value,
         updated_at = excluded.updated_at
       RETURNING ${BUDGET_COLUMNS}`,
      [b.name, b.unit, b.limit, b.period, b.scope.kind, b.scope.value, at],
    );
    if (row === undefined) throw new Error(`budget ${b.name} was not saved`);
    return toBudget(row);
  });
}

export async function budgets(db: PgDb): Promise<BudgetRow[]> {
  return (await db.query<BudgetDbRow>(`SELECT ${BUDGET_COLUMNS} FROM budgets ORDER BY name COLLATE "C"`)).map(
    toBudget,
  );
}

export async function removeBudget(db: PgDb, name: string): Promise<boolean> {
  return db.transaction(async (q) => {
    await q.query('DELETE FROM budget_warnings WHERE budget = $1', [name]);
    return (await q.query('DELETE FROM budgets WHERE name = $1 RETURNING name', [name])).length > 0;
  });
}

export async function budgetWarnings(
  db: PgDb,
  keys: readonly { budget: string; period: string }[],
): Promise<BudgetWarningRow[]> {
  if (keys.length === 0) return [];
  const rows = await db.query<BudgetWarningDbRow>(
    `SELECT w.budget, w.period, w.threshold, w.warned_at
     FROM budget_warnings w JOIN unnest($1::text[], $2::text[]) AS k (budget, period)
       ON w.budget = k.budget AND w.period = k.period
     ORDER BY w.budget COLLATE "C", w.period COLLATE "C", w.threshold`,
    [keys.map((k) => k.budget), keys.map((k) => k.period)],
  );
  return rows.map(toBudgetWarning);
}

export async function claimBudgetWarning(db: PgDb, key: BudgetWarningKey, at: number): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO budget_warnings (budget, period, threshold, warned_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (budget, period, threshold) DO NOTHING RETURNING threshold`,
    [key.budget, key.period, key.threshold, at],
  );
  return rows.length > 0;
}
