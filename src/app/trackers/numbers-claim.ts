/**
 * "Written once per set of numbers", even when two ends of the same task run at once (two
 * SubagentStop hooks): before a side effect (a beads comment, a workflow metrics line, the
 * `onTaskEnd` command) the end claims the numbers with one atomic compare-and-set on the ledger's
 * meta value; only the winner writes. If the side effect then fails, the claim is released (the
 * value goes back to what it was), so the next end of the task tries again.
 * @module
 */
import type { LedgerStore } from '../../ledger/store.js';

/** A won claim: `release` gives it back after the side effect failed. */
export interface NumbersClaim {
  release: () => Promise<void>;
}

/** Tries a few times only when another end changed the value between the read and the claim. */
const ATTEMPTS = 3;

/**
 * Claims `key` for `numbers`: null when these numbers are already written (or being written by
 * another end), else the claim.
 */
export async function claimNumbers(
  store: LedgerStore,
  key: string,
  numbers: string,
): Promise<NumbersClaim | null> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const before = await store.metaValue(key);
    if (before === numbers) return null;
    if (await store.claimMetaValue(key, before, numbers))
      return {
        release: async () => {
          await store.claimMetaValue(key, numbers, before).catch(() => false);
        },
      };
  }
  return null;
}
