/**
 * Review proposals: saved when shown, read back as saved; showing one again keeps when it was first
 * proposed and when it was applied, and takes the latest diff; marking one applied tells whether it
 * exists. Unicode and multi-line text round-trips exactly.
 * @module
 */
import { describe, expect, it } from 'vitest';
import type { ReviewProposal } from '../../../src/ledger/review-proposal-repository.js';
import type { OpenLedger } from './describe-ledger.js';
import { T0, withLedger } from './ledger-inputs.js';

const first: ReviewProposal = {
  id: 'a1b2c3d4e5f6',
  kind: 'model_downshift',
  target: 'scout',
  file: '.claude/agents/scout.md',
  diff: '--- a/.claude/agents/scout.md\n+++ b/.claude/agents/scout.md\n@@ -1,3 +1,4 @@\n ---\n name: scout\n+model: haiku\n ---\n',
  expectedHash: 'f'.repeat(64),
  proposedAt: T0,
  cohort: { agent: 'scout', model: 'claude-opus-4-5-20251101' },
  description: 'Run scout on haiku — “small” work',
  savingUsd: 1.25,
};

const second: ReviewProposal = {
  id: '0f0f0f0f0f0f',
  kind: 'fan_out',
  target: 'subagents',
  file: 'CLAUDE.md',
  diff: '--- /dev/null\n+++ b/CLAUDE.md\n@@ -0,0 +1,1 @@\n+- rule\n',
  expectedHash: 'e'.repeat(64),
  proposedAt: T0 + 5,
  cohort: {},
  description: 'Fewer subagents',
  savingUsd: null,
};

export function reviewProposalsContract(open: OpenLedger): void {
  describe('review proposals', () => {
    it('keeps the first proposal time and the applied time, and the latest diff', async () => {
      await withLedger(open, async ({ store }) => {
        expect(await store.proposals()).toEqual([]);
        await store.saveProposals([first, second]);
        expect(await store.proposals()).toEqual([
          { ...second, appliedAt: null },
          { ...first, appliedAt: null },
        ]);
        expect(await store.markProposalApplied(first.id, T0 + 1000)).toBe(true);
        expect(await store.markProposalApplied('nope', T0)).toBe(false);
        const again = {
          ...first,
          proposedAt: T0 + 9999,
          diff: `${first.diff} \n`,
          savingUsd: null,
          cohort: { stage: 'review' },
        };
        await store.saveProposals([again]);
        expect(await store.proposals([first.id])).toEqual([
          { ...again, proposedAt: T0, appliedAt: T0 + 1000 },
        ]);
        expect(await store.proposals(['none'])).toEqual([]);
      });
    });
  });
}
