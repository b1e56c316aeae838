/**
 * `tokenledger daily|weekly|monthly`: usage per local day, week or month, ccusage-compatible JSON;
 * with `--instances`, per project and period.
 * @module
 */
import { lastPeriodsSince, parseLast } from '../../analysis/last-periods.js';
import { dimensionReport, type Period, periodReport } from '../../analysis/reports.js';
import type { UsageRow } from '../../analysis/usage-table.js';
import { ExitCode, UserError } from '../../errors.js';
import { timing } from '../../util/timing.js';
import { importNow, openSession, pricerOf } from '../context.js';
import { rowJson, totalsJson } from '../usage-json.js';
import { printUsage } from './print-usage.js';
import { formatOf, type ReportOptions, scopeOf } from './scope.js';

const NAMES: Record<Period, { json: string; field: string; header: string; noun: string }> = {
  day: { json: 'daily', field: 'date', header: 'Date', noun: 'day' },
  week: { json: 'weekly', field: 'week', header: 'Week', noun: 'week' },
  month: { json: 'monthly', field: 'month', header: 'Month', noun: 'month' },
};

export interface PeriodOptions extends ReportOptions {
  /** A row per project and period (ccusage's `--instances`). */
  instances?: boolean;
  /** Only the last N periods, the current one included. */
  last?: string;
}

/** `--last N`, checked before anything is imported: it cannot be combined with --since or --until. */
function lastOf(opts: PeriodOptions): number | undefined {
  if (opts.last === undefined) return undefined;
  const n = parseLast(opts.last);
  if (opts.since !== undefined || opts.until !== undefined) {
    throw new UserError(
      '--last cannot be combined with --since or --until; give one or the other.',
      ExitCode.usage,
    );
  }
  return n;
}

const NO_PROJECT = '(none)';

export async function runPeriod(period: Period, opts: PeriodOptions): Promise<number> {
  const format = formatOf(opts);
  const last = lastOf(opts);
  const session = await openSession(opts);
  try {
    if (opts.import !== false) await importNow(session, opts);
    const pricer = pricerOf(session);
    const scope = scopeOf(session, opts);
    if (last !== undefined)
      scope.since = lastPeriodsSince(period, last, scope.clock, scope.weekStart, Date.now());
    const ctx = { store: session.store, pricer, mode: opts.mode };
    const instances = opts.instances === true;
    const table = instances
      ? await dimensionReport(ctx, ['project', period], scope)
      : await periodReport(ctx, period, scope);
    timing(`report (${table.rows.length} rows)`);
    const n = NAMES[period];
    // Rows of --instances carry the period under the dimension's name (`day`); JSON calls it `date`.
    const when = (r: UsageRow) => r.label[instances ? period : n.field];
    const empty = scope.since || scope.until ? 'No usage in that date range.' : 'No usage in the ledger yet.';
    await printUsage({
      format,
      table,
      color: opts.color,
      compact: opts.compact,
      breakdown: opts.breakdown === true,
      labels: instances
        ? [
            { key: 'project', header: 'Project', truncate: 'start' },
            { key: period, header: n.header },
          ]
        : [{ key: n.field, header: n.header }],
      title: `Usage by ${instances ? 'project and ' : ''}${n.noun} (${scope.clock.tz}, cost: ${opts.mode})`,
      empty: `${empty} Run \`tokenledger status\` to see where tokenledger looks.`,
      json: () => {
        const meta = { timezone: scope.clock.tz, costMode: opts.mode, priceTable: pricer.version };
        if (!instances) {
          return {
            [n.json]: table.rows.map((r) => rowJson({ [n.field]: when(r) }, r)),
            totals: totalsJson(table.totals),
            meta,
          };
        }
        const projects: Record<string, unknown[]> = {};
        for (const r of table.rows) {
          const project = r.label.project || NO_PROJECT;
          const rows = projects[project] ?? [];
          rows.push(rowJson({ [n.field]: when(r), project }, r));
          projects[project] = rows;
        }
        return { projects, totals: totalsJson(table.totals), meta };
      },
    });
    timing('printed');
    return 0;
  } finally {
    await session.store.close();
    timing('ledger closed');
  }
}
