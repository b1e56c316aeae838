/**
 * Meta value claims (compare-and-set): set only when the value now is the one expected (absent, or a
 * value), removed with a null next value, refused otherwise; and of many connections claiming the
 * same change at once, exactly one wins.
 * @module
 */
import { describe, expect, it } from 'vitest';
import type { OpenLedger } from './describe-ledger.js';
import { withLedger } from './ledger-inputs.js';

export function metaClaimsContract(open: OpenLedger): void {
  describe('meta value claims', () => {
    it('sets a value only when its current value is the one expected', () =>
      withLedger(open, async ({ store }) => {
        expect(await store.claimMetaValue('k', 'a', 'b')).toBe(false);
        expect(await store.metaValue('k')).toBeNull();
        expect(await store.claimMetaValue('k', null, 'a')).toBe(true);
        expect(await store.metaValue('k')).toBe('a');
        expect(await store.claimMetaValue('k', null, 'b')).toBe(false);
        expect(await store.claimMetaValue('k', 'x', 'b')).toBe(false);
        expect(await store.metaValue('k')).toBe('a');
        expect(await store.claimMetaValue('k', 'a', 'b')).toBe(true);
        expect(await store.metaValue('k')).toBe('b');
        expect(await store.claimMetaValue('other', null, 'z')).toBe(true);
        expect(await store.metaValue('k')).toBe('b');
      }));

    it('removes a value with a null next value, only from the value expected', () =>
      withLedger(open, async ({ store }) => {
        await store.setMetaValue('k', 'a');
        expect(await store.claimMetaValue('k', 'b', null)).toBe(false);
        expect(await store.metaValue('k')).toBe('a');
        expect(await store.claimMetaValue('k', 'a', null)).toBe(true);
        expect(await store.metaValue('k')).toBeNull();
        expect(await store.claimMetaValue('k', null, null)).toBe(true);
        await store.setMetaValue('k', 'c');
        expect(await store.claimMetaValue('k', null, null)).toBe(false);
      }));

    it('gives a claim to exactly one of many connections claiming it at once', () =>
      withLedger(open, async ({ store, reopen }) => {
        const others = reopen === undefined ? [] : await Promise.all([reopen(), reopen(), reopen()]);
        const stores = [store, ...others];
        const fresh = await Promise.all(
          stores.flatMap((s) => [s.claimMetaValue('n', null, '1'), s.claimMetaValue('n', null, '1')]),
        );
        expect(fresh.filter(Boolean)).toHaveLength(1);
        const next = await Promise.all(
          stores.flatMap((s, i) => [
            s.claimMetaValue('n', '1', `2-${i}`),
            s.claimMetaValue('n', '1', `2-${i}`),
          ]),
        );
        expect(next.filter(Boolean)).toHaveLength(1);
        const winner = next.findIndex(Boolean);
        expect(await (others[0] ?? store).metaValue('n')).toBe(`2-${Math.floor(winner / 2)}`);
      }));
  });
}
