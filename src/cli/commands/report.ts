/**
 * `tokenledger report --by DIM[,DIM]`: usage grouped by any dimensions.
 * @module
 */
import { dimensionReport, REPORT_DIMENSIONS, type ReportDimension } from '../../analysis/reports.js';
import { ExitCode, UserError } from '../../errors.js';
import { importNow, openSession, pricerOf, stageMapOf } from '../context.js';
import { rowJson, totalsJson } from '../usage-json.js';
import type { LabelColumn } from '../usage-output.js';
import { printUsage } from './print-usage.js';
import { formatOf, type ReportOptions, scopeOf } from './scope.js';

const HEADERS: Record<(typeof REPORT_DIMENSIONS)[number], string> = {
  day: 'Date',
  week: 'Week',
  month: 'Month',
  session: 'Session',
  project: 'Project',
  branch: 'Branch',
  agent: 'Agent',
  'agent-id': 'Agent Id',
  model: 'Model',
  machine: 'Machine',
  user: 'User',
  task: 'Task',
  stage: 'Stage',
};

/** Dimensions whose values (dates) are never cut. */
const TIME_DIMENSIONS = new Set<string>(['day', 'week', 'month']);

/** How a dimension's values shorten in a tight table. */
const SHORTEN: Partial<Record<string, LabelColumn['shorten']>> = {
  project: 'path',
  session: 'id',
  'agent-id': 'id',
  model: 'model',
};

function headerOf(d: ReportDimension): string {
  return d.startsWith('label:') ? d.slice(6) : HEADERS[d as keyof typeof HEADERS];
}

/** The table's label columns for `--by` dimensions. */
export function dimensionLabels(dims: readonly ReportDimension[]): LabelColumn[] {
  return dims.map((d) => ({
    key: d,
    header: headerOf(d),
    ...(TIME_DIMENSIONS.has(d) ? {} : { truncate: d === 'project' ? ('start' as const) : ('end' as const) }),
    ...(SHORTEN[d] === undefined ? {} : { shorten: SHORTEN[d] }),
  }));
}

export function parseDimensions(value: string): ReportDimension[] {
  const dims = value
    .split(',')
    .map((d) => {
      // Dimension names are case-insensitive; a label key keeps its case.
      const t = d.trim();
      return /^label:/i.test(t) ? `label:${t.slice(6)}` : t.toLowerCase();
    })
    .filter((d) => d.length > 0);
  const known = REPORT_DIMENSIONS as readonly string[];
  const bad = dims.filter((d) => !known.includes(d) && !/^label:[A-Za-z0-9_.-]+$/.test(d));
  if (dims.length === 0 || bad.length > 0) {
    throw new UserError(
      `--by "${value}": unknown dimension ${bad.map((b) => `"${b}"`).join(', ') || '(none given)'}; use a comma-separated list of ${REPORT_DIMENSIONS.join(', ')}.`,
      ExitCode.usage,
    );
  }
  return [...new Set(dims)] as ReportDimension[];
}

export async function runReport(opts: ReportOptions & { by: string }): Promise<number> {
  const format = formatOf(opts);
  const dims = parseDimensions(opts.by);
  const session = await openSession(opts);
  try {
    if (opts.import !== false) await importNow(session, opts);
    const pricer = pricerOf(session);
    const timeFirst = dims.some((d) => d === 'day' || d === 'week' || d === 'month');
    const scope = scopeOf(session, opts, timeFirst ? 'asc' : 'desc');
    const table = await dimensionReport(
      { store: session.store, pricer, mode: opts.mode, stageMap: stageMapOf(session) },
      dims,
      scope,
    );
    await printUsage({
      format,
      table,
      color: opts.color,
      compact: opts.compact,
      breakdown: opts.breakdown === true,
      labels: dimensionLabels(dims),
      title: `Usage by ${dims.join(', ')} (${scope.clock.tz}, cost: ${opts.mode})`,
      empty: 'No usage matches. Run `tokenledger status` to see what the ledger holds.',
      json: () => ({
        rows: table.rows.map((r) => rowJson(Object.fromEntries(dims.map((d) => [d, r.label[d] ?? ''])), r)),
        totals: totalsJson(table.totals),
        meta: { by: dims, timezone: scope.clock.tz, costMode: opts.mode, priceTable: pricer.version },
      }),
    });
    return 0;
  } finally {
    await session.store.close();
  }
}
