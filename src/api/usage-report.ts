/**
 * The library's `usageReport`: usage grouped by any dimensions, what `tokenledger report --by …
 * --json` prints (app/usage-reports.ts), the dimensions of what drove each call (`tool`, `skill`,
 * `mcp-server`, `file`) included.
 * @module
 */
import type { DimensionUsageJson } from '../app/usage-reports.js';
import { ExitCode, UserError } from '../util/errors.js';
import { checkedOptions, type LedgerOptions, stringOption, withLedger } from './ledger-options.js';

/** Options of {@link usageReport}: the flags of `tokenledger report`. */
export interface UsageReportOptions extends LedgerOptions {
  /**
   * The dimensions, as `--by` takes them: `day`, `week`, `month`, `session`, `project`, `branch`,
   * `agent`, `agent-id`, `model`, `machine`, `user`, `task`, `stage`, `tool`, `skill`, `mcp-server`,
   * `file`, `label:KEY`; an array or a comma-separated string.
   */
  by: string | readonly string[];
  /** First local day, `YYYY-MM-DD` or `YYYYMMDD`. */
  since?: string;
  /** Last local day (inclusive). */
  until?: string;
  timezone?: string;
  /** Where costs come from: `auto` (reported if any, else calculated; the default), `calculate`, `display`. */
  mode?: 'auto' | 'calculate' | 'display';
  /** Row order (default: oldest first with a time dimension, else by cost, largest first). */
  order?: 'asc' | 'desc';
  /** Only this project (its working directory). */
  project?: string;
  /** Only this session. */
  session?: string;
  /** The first day of a week, for `week` (default `sunday`). */
  startOfWeek?: 'sunday' | 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday';
}

const MODES = ['auto', 'calculate', 'display'] as const;

/** What `tokenledger report --by BY --json` prints, for the same options. */
export async function usageReport(options: UsageReportOptions): Promise<DimensionUsageJson> {
  const o = checkedOptions(options, 'usageReport');
  const by = Array.isArray(o.by) ? o.by.join(',') : stringOption(o.by, 'by');
  if (by === undefined || by.trim() === '')
    throw new UserError('usageReport: give the dimensions, e.g. { by: ["tool"] }.', ExitCode.usage);
  const mode = o.mode ?? 'auto';
  if (!(MODES as readonly string[]).includes(mode))
    throw new UserError(`mode "${String(mode)}": use auto, calculate or display.`, ExitCode.usage);
  const request = {
    since: stringOption(o.since, 'since'),
    until: stringOption(o.until, 'until'),
    timezone: stringOption(o.timezone, 'timezone'),
    startOfWeek: stringOption(o.startOfWeek, 'startOfWeek'),
    order: o.order,
    project: stringOption(o.project, 'project'),
    session: stringOption(o.session, 'session'),
  };
  const { dimensionUsage, parseDimensions, timeFirst } = await import('../app/usage-reports.js');
  const { reportScope } = await import('../app/report-scope.js');
  const dims = parseDimensions(by);
  return withLedger(o, async (session) => {
    const scope = reportScope(session, request, timeFirst(dims) ? 'asc' : 'desc');
    return (await dimensionUsage(session, dims, scope, mode)).json();
  });
}
