/**
 * `tokenledger report --by DIM[,DIM]`: usage grouped by any dimensions.
 * @module
 */
import type { REPORT_DIMENSIONS, ReportDimension } from '../../analysis/reports.js';
import { dimensionUsage, parseDimensions, TASK_TITLE, timeFirst } from '../../app/usage-reports.js';
import { importNow, openSession } from '../context.js';
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
  tool: 'Tool',
  skill: 'Skill',
  'mcp-server': 'MCP Server',
  file: 'File',
};

/** Dimensions whose values (dates) are never cut. */
const TIME_DIMENSIONS = new Set<string>(['day', 'week', 'month']);

/** How a dimension's values shorten in a tight table. */
const SHORTEN: Partial<Record<string, LabelColumn['shorten']>> = {
  project: 'path',
  session: 'id',
  'agent-id': 'id',
  model: 'model',
  file: 'path',
};

function headerOf(d: ReportDimension): string {
  return d.startsWith('label:') ? d.slice(6) : HEADERS[d as keyof typeof HEADERS];
}

/** The table's label columns for `--by` dimensions; with `titles`, the task's title after its id. */
export function dimensionLabels(dims: readonly ReportDimension[], titles = false): LabelColumn[] {
  return dims.flatMap((d) => [
    {
      key: d,
      header: headerOf(d),
      ...(TIME_DIMENSIONS.has(d)
        ? {}
        : { truncate: d === 'project' || d === 'file' ? ('start' as const) : ('end' as const) }),
      ...(SHORTEN[d] === undefined ? {} : { shorten: SHORTEN[d] }),
    },
    ...(d === 'task' && titles ? [{ key: TASK_TITLE, header: 'Title', truncate: 'end' as const }] : []),
  ]);
}

export async function runReport(opts: ReportOptions & { by: string }): Promise<number> {
  const format = formatOf(opts);
  const dims = parseDimensions(opts.by);
  const session = await openSession(opts);
  try {
    if (opts.import !== false) await importNow(session, opts);
    const scope = scopeOf(session, opts, timeFirst(dims) ? 'asc' : 'desc');
    const { table, json } = await dimensionUsage(session, dims, scope, opts.mode);
    await printUsage({
      format,
      table,
      color: opts.color,
      compact: opts.compact,
      breakdown: opts.breakdown === true,
      labels: dimensionLabels(
        dims,
        table.rows.some((r) => (r.label[TASK_TITLE] ?? '') !== ''),
      ),
      title: `Usage by ${dims.join(', ')} (${scope.clock.tz}, cost: ${opts.mode})`,
      empty: 'No usage matches. Run `tokenledger status` to see what the ledger holds.',
      json,
    });
    return 0;
  } finally {
    await session.store.close();
  }
}
