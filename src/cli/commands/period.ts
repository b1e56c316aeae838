/**
 * `tokenledger daily|weekly|monthly`: usage per local day, week or month, ccusage-compatible JSON.
 * @module
 */
import { type Period, periodReport } from '../../analysis/reports.js';
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

export async function runPeriod(period: Period, opts: ReportOptions): Promise<number> {
  const format = formatOf(opts);
  const session = await openSession(opts);
  try {
    if (opts.import !== false) await importNow(session, opts);
    const pricer = pricerOf(session);
    const scope = scopeOf(session, opts);
    const table = await periodReport({ store: session.store, pricer, mode: opts.mode }, period, scope);
    timing(`report (${table.rows.length} rows)`);
    const n = NAMES[period];
    await printUsage({
      format,
      table,
      color: opts.color,
      compact: opts.compact,
      breakdown: opts.breakdown === true,
      labels: [{ key: n.field, header: n.header }],
      title: `Usage by ${n.noun} (${scope.clock.tz}, cost: ${opts.mode})`,
      empty: `No usage ${scope.since || scope.until ? 'in that date range' : 'in the ledger yet'}. Run \`tokenledger status\` to see where tokenledger looks.`,
      json: () => ({
        [n.json]: table.rows.map((r) => rowJson({ [n.field]: r.label[n.field] }, r)),
        totals: totalsJson(table.totals),
        meta: { timezone: scope.clock.tz, costMode: opts.mode, priceTable: pricer.version },
      }),
    });
    timing('printed');
    return 0;
  } finally {
    await session.store.close();
    timing('ledger closed');
  }
}
