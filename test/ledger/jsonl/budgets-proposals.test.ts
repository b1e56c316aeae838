/**
 * Budgets, their warnings and review proposals through a JSONL folder: a budget changed after an
 * export gets a new line that wins, and the warnings of its earlier limit do not come back; a local
 * change survives an import; two branches (one applied a proposal, one showed it again with a new
 * estimate) merge to the applied proposal with the newer content, in either order.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { BudgetInput } from '../../../src/ledger/budget-repository.js';
import { exportJsonl } from '../../../src/ledger/jsonl/export-jsonl.js';
import { importJsonl } from '../../../src/ledger/jsonl/import-jsonl.js';
import type { ReviewProposal } from '../../../src/ledger/review-proposal-repository.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import { cleanupTemp, openTempLedger, tempDir } from '../../helpers/ledger.js';
import { MIN, T0, unionMerge } from './jsonl-helpers.js';

afterEach(cleanupTemp);

const TEAM: BudgetInput = {
  name: 'team',
  unit: 'usd',
  limit: 300,
  period: 'month',
  scope: { kind: 'all', value: null },
};

const PROPOSAL: ReviewProposal = {
  id: '3f2a9c1b7d4e',
  kind: 'model_downshift',
  target: 'scout',
  file: '.claude/agents/scout.md',
  diff: '-model: opus\n+model: haiku\n',
  expectedHash: 'a'.repeat(64),
  proposedAt: T0,
  cohort: { agent: 'scout', model: 'claude-opus-4-5-20251101' },
  description: 'Run scout on haiku',
  savingUsd: 4.2,
};

async function exportTo(store: LedgerStore, dir: string): Promise<number> {
  return (await exportJsonl(store, dir, { filter: {}, machine: 'm', now: T0 })).linesAppended;
}

async function warnings(store: LedgerStore): Promise<number[]> {
  return (await store.budgetWarnings([{ budget: 'team', period: '2026-11' }])).map((w) => w.threshold);
}

describe('budgets and their warnings through a folder', () => {
  it('a changed limit wins, and the warnings of the old limit stay behind', async () => {
    const store = openTempLedger();
    await store.saveBudget(TEAM, T0);
    await store.claimBudgetWarning({ budget: 'team', period: '2026-11', threshold: 75 }, T0 + MIN);
    const dir = tempDir();
    expect(await exportTo(store, dir)).toBe(2);
    const early = openTempLedger();
    await importJsonl(early, dir);
    expect(await warnings(early)).toEqual([75]);

    // The limit rises: its warnings are forgotten, and the new limit warns of 50% once.
    await store.saveBudget({ ...TEAM, limit: 500 }, T0 + 2 * MIN);
    expect(await warnings(store)).toEqual([]);
    await store.claimBudgetWarning({ budget: 'team', period: '2026-11', threshold: 50 }, T0 + 3 * MIN);
    expect(await exportTo(store, dir)).toBe(2);
    expect(await exportTo(store, dir)).toBe(0);

    for (const target of [openTempLedger(), early]) {
      await importJsonl(target, dir);
      expect(await target.budgets()).toEqual(await store.budgets());
      expect(await warnings(target)).toEqual([50]);
      expect((await importJsonl(target, dir)).merged).toBe(0);
    }
  });

  it('keeps a change made in the ledger since the last export, and the next export carries it', async () => {
    const store = openTempLedger();
    await store.saveBudget(TEAM, T0);
    const dir = tempDir();
    await exportTo(store, dir);
    await store.saveBudget({ ...TEAM, limit: 100 }, T0 + MIN);
    await importJsonl(store, dir);
    expect((await store.budgets())[0]?.limit).toBe(100);
    expect(await exportTo(store, dir)).toBe(1);
    const fresh = openTempLedger();
    await importJsonl(fresh, dir);
    expect(await fresh.budgets()).toEqual(await store.budgets());
  });
});

describe('review proposals through a folder', () => {
  it('two branches merge to the applied proposal with the newer content, in either order', async () => {
    const seed = openTempLedger();
    await seed.saveProposals([PROPOSAL]);
    const base = tempDir();
    await exportTo(seed, base);

    const branch = async (change: (s: LedgerStore) => Promise<unknown>) => {
      const dir = tempDir();
      fs.cpSync(base, dir, { recursive: true });
      const store = openTempLedger();
      await importJsonl(store, dir);
      await change(store);
      expect(await exportTo(store, dir)).toBe(1);
      return dir;
    };
    const applied = await branch((s) => s.markProposalApplied(PROPOSAL.id, T0 + 60 * MIN));
    const reshown = await branch((s) => s.saveProposals([{ ...PROPOSAL, savingUsd: 6.5 }]));

    const results = [];
    for (const [first, second] of [
      [applied, reshown],
      [reshown, applied],
    ] as const) {
      const merged = tempDir();
      unionMerge(first, second, merged);
      const store = openTempLedger();
      await importJsonl(store, merged);
      expect((await importJsonl(store, merged)).merged).toBe(0);
      results.push(await store.proposals());
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toEqual([{ ...PROPOSAL, savingUsd: 6.5, appliedAt: T0 + 60 * MIN }]);
  });
});
