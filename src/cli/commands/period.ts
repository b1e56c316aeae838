/**
 * `tokenledger daily|weekly|monthly`: usage per local day, week or month, ccusage-compatible JSON;
 * with `--instances`, per project and period.
 * @module
 */
import { lastPeriodsSince, parseLast } from '../../analysis/last-periods.js';
import type { Period } from '../../analysis/reports.js';
import { periodUsage } from '../../app/usage-reports.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { timing } from '../../util/timing.js';
import { budgetNotes } from '../budget-notes.js';
import { importNow, openSession } from '../context.js';
import { writeOut } from '../io.js';
import { printUsage } from './print-usage.js';
import { formatOf, type ReportOptions, scopeOf } from './scope.js';

const NAMES: Record<Period, { field: string; header: string; noun: string }> = {
  day: { field: 'date', header: 'Date', noun: 'day' },
  week: { field: 'week', header: 'Week', noun: 'week' },
  month: { field: 'month', header: 'Month', noun: 'month' },
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

export async function runPeriod(period: Period, opts: PeriodOptions): Promise<number> {
  const format = formatOf(opts);
  const last = lastOf(opts);
  const session = await openSession(opts);
  try {
    if (opts.import !== false) await importNow(session, opts);
    const scope = scopeOf(session, opts);
    if (last !== undefined)
      scope.since = lastPeriodsSince(period, last, scope.clock, scope.weekStart, Date.now());
    const instances = opts.instances === true;
    const { table, json } = await periodUsage(session, period, scope, { mode: opts.mode, instances });
    timing(`report (${table.rows.length} rows)`);
    const n = NAMES[period];
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
      json,
    });
    if (format === 'table') {
      const notes = await budgetNotes(session);
      if (notes.length > 0) await writeOut(`${notes.join('\n')}\n`);
    }
    timing('printed');
    return 0;
  } finally {
    await session.store.close();
    timing('ledger closed');
  }
}
