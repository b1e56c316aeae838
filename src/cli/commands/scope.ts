/**
 * Turns report flags into a validated report scope and cost mode.
 * @module
 */
import type { ReportScope } from '../../analysis/reports.js';
import type { CostMode } from '../../analysis/usage-table.js';
import { parseDateFlag, WEEKDAYS, type WeekStart } from '../../analysis/zoned-time.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { type CliSession, type CommonOptions, clockOf } from '../context.js';

export interface ReportOptions extends CommonOptions {
  since?: string;
  until?: string;
  mode: CostMode;
  order?: 'asc' | 'desc';
  breakdown?: boolean;
  project?: string;
  session?: string;
  startOfWeek?: (typeof WEEKDAYS)[number];
}

export function scopeOf(
  session: CliSession,
  opts: ReportOptions,
  defaultOrder: 'asc' | 'desc' = 'asc',
): ReportScope {
  const since = opts.since === undefined ? undefined : parseDateFlag(opts.since, '--since');
  const until = opts.until === undefined ? undefined : parseDateFlag(opts.until, '--until');
  if (since !== undefined && until !== undefined && since > until) {
    throw new UserError(`--since ${since} is after --until ${until}; swap them.`, ExitCode.usage);
  }
  const scope: ReportScope = {
    clock: clockOf(session, opts),
    weekStart: WEEKDAYS.indexOf(opts.startOfWeek ?? 'sunday') as WeekStart,
    order: opts.order ?? defaultOrder,
  };
  if (since !== undefined) scope.since = since;
  if (until !== undefined) scope.until = until;
  if (opts.project !== undefined) scope.project = opts.project;
  if (opts.session !== undefined) scope.session = opts.session;
  return scope;
}

/** At most one machine format. */
export function formatOf(opts: CommonOptions): 'json' | 'csv' | 'md' | 'table' {
  const chosen = (['json', 'csv', 'md'] as const).filter((f) => opts[f] === true);
  if (chosen.length > 1)
    throw new UserError(
      `choose one of --json, --csv and --md (got ${chosen.map((c) => `--${c}`).join(' and ')}).`,
      ExitCode.usage,
    );
  return chosen[0] ?? 'table';
}
