/**
 * The short budget lines under text reports and after `run`: one per budget at 50% or more of its
 * limit this period.
 * @module
 */
import { budgetsReached } from '../app/budget-notices.js';
import type { LedgerSession } from '../app/ledger-session.js';
import { budgetLine } from '../outputs/budget-message.js';

export async function budgetNotes(session: LedgerSession): Promise<string[]> {
  return (await budgetsReached(session)).map((s) => `⚠ ${budgetLine(s)}`);
}
