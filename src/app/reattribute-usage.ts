/**
 * Re-attributing all usage (`tokenledger attribute`): re-applies every attribution span to every API
 * call, e.g. after the config's "stages" map changed or spans were added by hand. Imports and hooks
 * attribute new usage on their own; this is the full re-run.
 * @module
 */
import { type LedgerSession, stageMapOf } from './ledger-session.js';

/** What a re-run did: exactly what `attribute --json` prints. */
export interface ReattributeResult {
  /** API calls whose attribution was computed again. */
  attributed: number;
}

export async function reattributeUsage(session: LedgerSession): Promise<ReattributeResult> {
  return { attributed: await session.store.reattributeAll(stageMapOf(session)) };
}
