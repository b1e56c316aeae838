/**
 * MCP tool `usage_report`: a period at a glance (today, yesterday, this week, this month, the last N
 * days, a date range or everything): totals, cost by model and by agent, the most expensive tasks
 * and what no task holds, as JSON and as a few lines for people. The totals are those of
 * `tokenledger daily --json` over the same days (the same code).
 * @module
 */
import { z } from 'zod';
import { addDays, type WeekStart } from '../analysis/zoned-time.js';
import type { LedgerSession } from '../app/ledger-session.js';
import { usageOverview } from '../app/usage-overview.js';
import { given, type ScopeArgs, scopeInput, scopeOfArgs } from './scope.js';

export const USAGE_REPORT_DESCRIPTION =
  'A summary of token usage and cost for a period: totals, cost by model and by agent, the top tasks, and usage attributed to no task. Imports new Claude Code transcripts first. Returns JSON and a short text.';

export const PERIODS = ['today', 'yesterday', 'week', 'month', 'all'] as const;
export type PeriodName = (typeof PERIODS)[number];

export const usageReportInput = {
  period: z
    .enum(PERIODS)
    .optional()
    .describe(
      'today (default), yesterday, week (this week so far), month (this month so far) or all; ignored when days, since or until is given.',
    ),
  days: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .optional()
    .describe('The last N days, today included; ignored when since or until is given.'),
  ...scopeInput,
  top: z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe('How many of the most expensive tasks to list (default 5).'),
};

export interface UsageReportArgs extends ScopeArgs {
  period?: PeriodName | undefined;
  days?: number | undefined;
  top?: number | undefined;
}

const DEFAULT_TOP = 5;

const HEADINGS: Record<PeriodName, string> = {
  today: 'Usage today',
  yesterday: 'Usage yesterday',
  week: 'Usage this week',
  month: 'Usage this month',
  all: 'Usage, all time',
};

export async function usageReport(
  session: LedgerSession,
  args: UsageReportArgs,
  now: number = Date.now(),
): Promise<{ json: Record<string, unknown>; text: string }> {
  const scope = scopeOfArgs(session, args, 'asc');
  const today = scope.clock.dateOf(now);
  let name: string;
  let heading: string;
  if (given(args.since) !== undefined || given(args.until) !== undefined) {
    name = 'range';
    heading = 'Usage';
  } else if (args.days !== undefined) {
    name = 'days';
    heading = `Usage in the last ${args.days === 1 ? 'day' : `${args.days} days`}`;
    scope.since = addDays(today, 1 - args.days);
    scope.until = today;
  } else {
    const period = args.period ?? 'today';
    name = period;
    heading = HEADINGS[period];
    if (period === 'today') scope.since = scope.until = today;
    else if (period === 'yesterday') scope.since = scope.until = addDays(today, -1);
    else if (period === 'week') {
      scope.since = scope.clock.weekOf(now, scope.weekStart as WeekStart);
      scope.until = today;
    } else if (period === 'month') {
      scope.since = `${today.slice(0, 7)}-01`;
      scope.until = today;
    }
  }
  return usageOverview(session, scope, { name, heading, top: args.top ?? DEFAULT_TOP });
}
