/**
 * MCP tool `budget_status`: every budget against what it spent in its current period, with the
 * thresholds reached and a forecast: what `tokenledger budget status --json` prints, from the same code.
 * @module
 */
import { z } from 'zod';
import { sessionBudgetReport } from '../app/budget-notices.js';
import type { BudgetReport } from '../app/budget-status.js';
import type { LedgerSession } from '../app/ledger-session.js';

export const BUDGET_STATUS_DESCRIPTION =
  "Every budget (a limit of tokens or dollars per day, week or month, over everything or one task, stage, project or label) against what it spent in its current period: percent used, the warning thresholds reached (50, 75, 90, 100), whether it is over, and a forecast of the period's end with the rate and days it is based on. Imports new Claude Code transcripts first. Returns what `tokenledger budget status --json` prints.";

export const budgetStatusInput = {
  timezone: z
    .string()
    .optional()
    .describe('IANA time zone of the periods (default: the config "timezone", else the system zone).'),
};

export async function budgetStatusTool(
  session: LedgerSession,
  args: { timezone?: string | undefined },
): Promise<BudgetReport> {
  return sessionBudgetReport(session, args.timezone);
}
