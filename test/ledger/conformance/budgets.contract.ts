/**
 * Budgets and their warnings: saved, replaced (a change forgets the warnings shown, the same values
 * keep them), listed by name, removed with their warnings; and a warning claimed by exactly one of
 * many connections claiming it at once.
 * @module
 */
import { describe, expect, it } from 'vitest';
import type { BudgetInput } from '../../../src/ledger/budget-repository.js';
import type { OpenLedger } from './describe-ledger.js';
import { T0, withLedger } from './ledger-inputs.js';

const MONTH: BudgetInput = {
  name: 'team',
  unit: 'usd',
  limit: 300,
  period: 'month',
  scope: { kind: 'all', value: null },
};
const STAGE: BudgetInput = {
  name: 'Review',
  unit: 'tokens',
  limit: 2_000_000,
  period: 'week',
  scope: { kind: 'stage', value: 'review' },
};

export function budgetsContract(open: OpenLedger): void {
  describe('budgets', () => {
    it('saves, lists by name, replaces and removes budgets', () =>
      withLedger(open, async ({ store }) => {
        expect(await store.budgets()).toEqual([]);
        const saved = await store.saveBudget(MONTH, T0);
        expect(saved).toEqual({ ...MONTH, createdAt: T0, updatedAt: T0 });
        await store.saveBudget(STAGE, T0 + 1);
        await store.saveBudget(
          { ...MONTH, limit: 250.5, scope: { kind: 'label', value: 'team=web' } },
          T0 + 2,
        );
        expect(await store.budgets()).toEqual([
          { ...STAGE, createdAt: T0 + 1, updatedAt: T0 + 1 },
          {
            ...MONTH,
            limit: 250.5,
            scope: { kind: 'label', value: 'team=web' },
            createdAt: T0,
            updatedAt: T0 + 2,
          },
        ]);
        expect(await store.removeBudget('team')).toBe(true);
        expect(await store.removeBudget('team')).toBe(false);
        expect((await store.budgets()).map((b) => b.name)).toEqual(['Review']);
      }));

    it('claims each warning once; a changed budget forgets its warnings, the same one keeps them', () =>
      withLedger(open, async ({ store }) => {
        await store.saveBudget(MONTH, T0);
        const key = { budget: 'team', period: '2026-12', threshold: 50 };
        expect(await store.claimBudgetWarning(key, T0 + 5)).toBe(true);
        expect(await store.claimBudgetWarning(key, T0 + 6)).toBe(false);
        expect(await store.claimBudgetWarning({ ...key, threshold: 75 }, T0 + 7)).toBe(true);
        expect(await store.claimBudgetWarning({ ...key, period: '2027-01' }, T0 + 8)).toBe(true);
        const keys = [{ budget: 'team', period: '2026-12' }];
        expect(await store.budgetWarnings(keys)).toEqual([
          { ...key, warnedAt: T0 + 5 },
          { ...key, threshold: 75, warnedAt: T0 + 7 },
        ]);
        expect(await store.budgetWarnings([])).toEqual([]);
        await store.saveBudget(MONTH, T0 + 10);
        expect(await store.budgetWarnings(keys)).toHaveLength(2);
        await store.saveBudget({ ...MONTH, limit: 400 }, T0 + 11);
        expect(await store.budgetWarnings(keys)).toEqual([]);
        expect(await store.claimBudgetWarning(key, T0 + 12)).toBe(true);
        await store.removeBudget('team');
        expect(await store.budgetWarnings(keys)).toEqual([]);
      }));

    it('gives a warning to exactly one of many connections claiming it at once', () =>
      withLedger(open, async ({ store, reopen }) => {
        await store.saveBudget(MONTH, T0);
        const others = reopen === undefined ? [] : await Promise.all([reopen(), reopen(), reopen()]);
        const stores = [store, ...others];
        const key = { budget: 'team', period: '2026-12', threshold: 90 };
        const claims = await Promise.all(
          stores.flatMap((s, i) => [s.claimBudgetWarning(key, T0 + i), s.claimBudgetWarning(key, T0 + i)]),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(await others[0]?.budgetWarnings([{ budget: 'team', period: '2026-12' }])).toHaveLength(
          others.length > 0 ? 1 : 0,
        );
      }));
  });
}
