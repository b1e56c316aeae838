/**
 * The claim before a tracker write: a set of numbers is claimed once (again only after a release or
 * for other numbers), and a release gives back exactly the value before the claim.
 */
import { describe, expect, it } from 'vitest';
import { claimNumbers } from '../../src/app/trackers/numbers-claim.js';
import { openTempLedger } from '../helpers/ledger.js';

describe('claimNumbers', () => {
  it('claims a set of numbers once; new numbers are claimed again', async () => {
    const store = openTempLedger();
    expect(await claimNumbers(store, 'tracker.x', 'n1')).not.toBeNull();
    expect(await claimNumbers(store, 'tracker.x', 'n1')).toBeNull();
    expect(await store.metaValue('tracker.x')).toBe('n1');
    expect(await claimNumbers(store, 'tracker.x', 'n2')).not.toBeNull();
    expect(await store.metaValue('tracker.x')).toBe('n2');
  });

  it('a release after a failed write restores the value before, so the next end retries', async () => {
    const store = openTempLedger();
    const first = await claimNumbers(store, 'tracker.y', 'n1');
    await first?.release();
    expect(await store.metaValue('tracker.y')).toBeNull();
    expect(await claimNumbers(store, 'tracker.y', 'n1')).not.toBeNull();
    const second = await claimNumbers(store, 'tracker.y', 'n2');
    await second?.release();
    expect(await store.metaValue('tracker.y')).toBe('n1');
  });

  it('of claims made at once for the same numbers, exactly one wins', async () => {
    const store = openTempLedger();
    const claims = await Promise.all(Array.from({ length: 6 }, () => claimNumbers(store, 'tracker.z', 'n')));
    expect(claims.filter((c) => c !== null)).toHaveLength(1);
  });
});
