/**
 * Turns report flags into a validated report scope and cost mode.
 * @module
 */
import type { ReportScope } from '../../analysis/reports.js';
import type { CostMode } from '../../analysis/usage-table.js';
import type { WEEKDAYS } from '../../analysis/zoned-time.js';
import { reportScope, type ScopeNames } from '../../app/report-scope.js';
import { ExitCode, UserError } from '../../util/errors.js';
import type { CliSession, CommonOptions } from '../context.js';

/** The scope's options as the CLI spells them, for errors. */
export const CLI_SCOPE_NAMES: ScopeNames = {
  since: '--since',
  until: '--until',
  startOfWeek: '--start-of-week',
  order: '--order',
};

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
  return reportScope(session, opts, defaultOrder, CLI_SCOPE_NAMES);
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
