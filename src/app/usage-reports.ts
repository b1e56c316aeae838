/**
 * The usage reports' rows, as every front end shows them: `daily`/`weekly`/`monthly` (by period, or
 * by project and period with `instances`) and `report --by` (any dimensions). Each returns the
 * analysis table (for a front end's table, CSV or Markdown) and the JSON document `--json` prints,
 * built only when asked for.
 * @module
 */
import {
  dimensionReport,
  type Period,
  periodReport,
  REPORT_DIMENSIONS,
  type ReportDimension,
  type ReportScope,
} from '../analysis/reports.js';
import type { CostMode, UsageRow, UsageTable } from '../analysis/usage-table.js';
import { ExitCode, UserError } from '../util/errors.js';
import { type LedgerSession, pricerOf, stageMapOf } from './ledger-session.js';
import { rowJson, totalsJson, type UsageFieldsJson } from './usage-json.js';

/** A report: its table, and the JSON of it (computed on demand). */
export interface UsageReport<J> {
  table: UsageTable;
  json: () => J;
}

/** The `meta` of every usage report's JSON. */
export interface UsageMetaJson {
  timezone: string;
  costMode: CostMode;
  priceTable: string;
}

/** JSON names of the periods: the document's key and each row's field. */
export const PERIOD_JSON: Record<Period, { json: string; field: string }> = {
  day: { json: 'daily', field: 'date' },
  week: { json: 'weekly', field: 'week' },
  month: { json: 'monthly', field: 'month' },
};

/** The project key of rows without one, in `--instances` JSON. */
const NO_PROJECT = '(none)';

export interface PeriodUsageOptions {
  mode: CostMode;
  /** A row per project and period (ccusage's `--instances`). */
  instances?: boolean;
}

/** Usage per local day, week or month (ccusage-compatible JSON); with `instances`, per project and period. */
export async function periodUsage(
  session: LedgerSession,
  period: Period,
  scope: ReportScope,
  options: PeriodUsageOptions,
): Promise<UsageReport<Record<string, unknown>>> {
  const pricer = pricerOf(session);
  const ctx = { store: session.store, pricer, mode: options.mode };
  const instances = options.instances === true;
  const table = instances
    ? await dimensionReport(ctx, ['project', period], scope)
    : await periodReport(ctx, period, scope);
  const n = PERIOD_JSON[period];
  // Rows of instances carry the period under the dimension's name (`day`); JSON calls it `date`.
  const when = (r: UsageRow) => r.label[instances ? period : n.field];
  const json = () => {
    const meta: UsageMetaJson = {
      timezone: scope.clock.tz,
      costMode: options.mode,
      priceTable: pricer.version,
    };
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
  };
  return { table, json };
}

/** What `report --by … --json` prints. */
export interface DimensionUsageJson {
  rows: Record<string, unknown>[];
  totals: UsageFieldsJson;
  meta: UsageMetaJson & {
    by: ReportDimension[];
    /** Set for dimensions of what drove calls (tool, file...): rows can add up to more than the totals. */
    note?: string;
  };
}

/** Usage grouped by any dimensions (`report --by`, MCP `query_usage`); `limit` keeps the first rows (the totals cover all). */
export async function dimensionUsage(
  session: LedgerSession,
  dims: readonly ReportDimension[],
  scope: ReportScope,
  mode: CostMode,
  limit?: number,
): Promise<UsageReport<DimensionUsageJson>> {
  const pricer = pricerOf(session);
  const table = await dimensionReport(
    { store: session.store, pricer, mode, stageMap: stageMapOf(session) },
    dims,
    scope,
  );
  const byTask = dims.includes('task');
  if (byTask) await addTaskTitles(session, table);
  const json = (): DimensionUsageJson => {
    const rows = limit === undefined ? table.rows : table.rows.slice(0, limit);
    return {
      rows: rows.map((r) =>
        rowJson(
          {
            ...Object.fromEntries(dims.map((d) => [d, r.label[d] ?? ''])),
            ...(byTask ? { [TASK_TITLE]: r.label[TASK_TITLE] || null } : {}),
          },
          r,
        ),
      ),
      totals: totalsJson(table.totals),
      meta: {
        by: [...dims],
        timezone: scope.clock.tz,
        costMode: mode,
        priceTable: pricer.version,
        ...(table.overlapNote === undefined ? {} : { note: table.overlapNote }),
      },
    };
  };
  return { table, json };
}

/** The label (and JSON field) holding a task's title in rows grouped by task. */
export const TASK_TITLE = 'taskTitle';

/** Gives each row its task's title (a task's own, or its tracker's, e.g. a beads title), '' when none. */
async function addTaskTitles(session: LedgerSession, table: UsageTable): Promise<void> {
  const titles = new Map((await session.store.tasks()).map((t) => [t.id, t.title ?? '']));
  for (const r of table.rows) r.label[TASK_TITLE] = titles.get(r.label.task ?? '') ?? '';
}

/** True when a time dimension is among `dims`: its rows then run oldest first. */
export function timeFirst(dims: readonly ReportDimension[]): boolean {
  return dims.some((d) => d === 'day' || d === 'week' || d === 'month');
}

/** `--by` dimensions, checked: names are case-insensitive, a `label:KEY` keeps its key's case. */
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
