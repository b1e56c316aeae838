/**
 * The scope of a usage report (dates, time zone, week start, order, project, session), checked once
 * for every front end: the CLI's flags, the MCP tools' parameters and the library's options, each
 * named in errors the way its caller spells them (`--since` or `since`).
 * @module
 */
import type { ReportScope } from '../analysis/reports.js';
import { parseDateFlag, WEEKDAYS, type WeekStart } from '../analysis/zoned-time.js';
import { ExitCode, UserError } from '../util/errors.js';
import { type LedgerSession, sessionClock } from './ledger-session.js';

export type Weekday = (typeof WEEKDAYS)[number];

export interface ReportScopeRequest {
  /** First local day, YYYY-MM-DD or YYYYMMDD. */
  since?: string | undefined;
  /** Last local day (inclusive). */
  until?: string | undefined;
  /** IANA zone of the days (default: the config's, else the system's). */
  timezone?: string | undefined;
  /** The first day of a week (default sunday). */
  startOfWeek?: string | undefined;
  order?: 'asc' | 'desc' | undefined;
  /** Only this project (its working directory). */
  project?: string | undefined;
  /** Only this session. */
  session?: string | undefined;
}

/** How the caller names the options, for errors: `--since` in the CLI, `since` elsewhere. */
export interface ScopeNames {
  since: string;
  until: string;
  startOfWeek: string;
  order: string;
}

export const PLAIN_SCOPE_NAMES: ScopeNames = {
  since: 'since',
  until: 'until',
  startOfWeek: 'startOfWeek',
  order: 'order',
};

/** The request as a report scope, checked; `defaultOrder` when no order is given. */
export function reportScope(
  session: LedgerSession,
  r: ReportScopeRequest,
  defaultOrder: 'asc' | 'desc',
  names: ScopeNames = PLAIN_SCOPE_NAMES,
): ReportScope {
  const since = r.since === undefined ? undefined : parseDateFlag(r.since, names.since);
  const until = r.until === undefined ? undefined : parseDateFlag(r.until, names.until);
  if (since !== undefined && until !== undefined && since > until) {
    throw new UserError(
      `${names.since} ${since} is after ${names.until} ${until}; swap them.`,
      ExitCode.usage,
    );
  }
  const weekday = WEEKDAYS.indexOf((r.startOfWeek ?? 'sunday') as Weekday);
  if (weekday < 0)
    throw new UserError(
      `${names.startOfWeek} "${r.startOfWeek}": use one of ${WEEKDAYS.join(', ')}.`,
      ExitCode.usage,
    );
  const order = r.order ?? defaultOrder;
  if (order !== 'asc' && order !== 'desc')
    throw new UserError(`${names.order} "${String(order)}": use asc or desc.`, ExitCode.usage);
  const scope: ReportScope = {
    clock: sessionClock(session, r.timezone),
    weekStart: weekday as WeekStart,
    order,
  };
  if (since !== undefined) scope.since = since;
  if (until !== undefined) scope.until = until;
  if (r.project !== undefined) scope.project = r.project;
  if (r.session !== undefined) scope.session = r.session;
  return scope;
}
