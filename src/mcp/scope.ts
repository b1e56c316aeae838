/**
 * The date range, time zone and week start the MCP report tools share, checked with messages that
 * name the tool's own parameters (`since`, not `--since`).
 * @module
 */
import { z } from 'zod';
import type { ReportScope } from '../analysis/reports.js';
import { checkTimeZone, WEEKDAYS } from '../analysis/zoned-time.js';
import type { LedgerSession } from '../app/ledger-session.js';
import { reportScope } from '../app/report-scope.js';

export const scopeInput = {
  since: z.string().optional().describe('First day to include, YYYY-MM-DD (local time).'),
  until: z.string().optional().describe('Last day to include, YYYY-MM-DD (local time).'),
  timezone: z
    .string()
    .optional()
    .describe(
      'IANA time zone for dates, e.g. Europe/Berlin (default: the config\'s "timezone", else the system zone).',
    ),
  start_of_week: z.enum(WEEKDAYS).optional().describe('First day of a week (default sunday).'),
};

export interface ScopeArgs {
  since?: string | undefined;
  until?: string | undefined;
  timezone?: string | undefined;
  start_of_week?: (typeof WEEKDAYS)[number] | undefined;
}

/** Empty strings count as not given: some clients send every parameter. */
export function given(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** The `timezone` argument, checked with errors that name it; undefined when not given. */
export function timezoneArg(args: { timezone?: string | undefined }): string | undefined {
  const timezone = given(args.timezone);
  if (timezone !== undefined) checkTimeZone(timezone, 'timezone');
  return timezone;
}

export function scopeOfArgs(session: LedgerSession, args: ScopeArgs, order: 'asc' | 'desc'): ReportScope {
  const timezone = timezoneArg(args);
  return reportScope(
    session,
    {
      since: given(args.since),
      until: given(args.until),
      timezone,
      startOfWeek: args.start_of_week,
    },
    order,
    { since: 'since', until: 'until', startOfWeek: 'start_of_week', order: 'order' },
  );
}
