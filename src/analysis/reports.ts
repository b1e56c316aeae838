/**
 * The reports: by period (day, week, month — from the 15-minute rollup), by session, and by any mix
 * of dimensions (`report --by project,branch`). Each returns priced rows and totals.
 * @module
 */

import type { LedgerStore } from '../ledger/store.js';
import type { StageMap } from '../ledger/task-repository.js';
import type { GroupDimension, GroupRow, UsageFilter } from '../ledger/usage-repository.js';
import { BUCKET_MS } from '../ledger/usage-sums.js';
import type { Pricer } from '../pricing/pricer.js';
import { type CostMode, type UsageRow, type UsageTable, UsageTableBuilder } from './usage-table.js';
import { addDays, type WeekStart, ZonedClock } from './zoned-time.js';

/** Report dimensions; besides these, `label:KEY` groups by a label. */
export const REPORT_DIMENSIONS = [
  'day',
  'week',
  'month',
  'session',
  'project',
  'branch',
  'agent',
  'agent-id',
  'model',
  'machine',
  'user',
  'task',
  'stage',
  'tool',
  'skill',
  'mcp-server',
  'file',
] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number] | `label:${string}`;
export type Period = 'day' | 'week' | 'month';

const TIME_DIMENSIONS: ReadonlySet<ReportDimension> = new Set(['day', 'week', 'month']);
const STORE_DIMENSION: Record<Exclude<(typeof REPORT_DIMENSIONS)[number], Period>, GroupDimension> = {
  session: 'session',
  project: 'project',
  branch: 'branch',
  agent: 'agent',
  'agent-id': 'agentId',
  model: 'model',
  machine: 'machine',
  user: 'user',
  task: 'task',
  stage: 'stage',
  tool: 'tool',
  skill: 'skill',
  'mcp-server': 'mcpServer',
  file: 'file',
};

/** Dimensions of what drove a call: a call driven by several values is in the row of each. */
const ACTIVITY_DIMENSIONS: ReadonlySet<ReportDimension> = new Set(['tool', 'skill', 'mcp-server', 'file']);

/** The note of a report by what drove calls: why its rows can add up to more than its total. */
export const ACTIVITY_OVERLAP_NOTE =
  'a request counts once under each distinct tool, skill, MCP server or file among the tool uses whose results it carried (the tool uses of the previous request of its session or subagent), so rows can add up to more than the total; the total counts each request once. (none): no such tool use; (unknown): imported before tool uses were recorded, and its transcript is gone.';

function storeDimension(d: Exclude<ReportDimension, Period>): GroupDimension {
  return d.startsWith('label:')
    ? (d as `label:${string}`)
    : STORE_DIMENSION[d as keyof typeof STORE_DIMENSION];
}

export interface ReportScope {
  clock: ZonedClock;
  weekStart: WeekStart;
  /** Inclusive local dates, YYYY-MM-DD. */
  since?: string;
  until?: string;
  project?: string;
  session?: string;
  /** Only usage attributed to one of these tasks (e.g. a task's subtree). */
  tasks?: readonly string[];
  order: 'asc' | 'desc';
}

export interface ReportContext {
  store: LedgerStore;
  pricer: Pricer;
  mode: CostMode;
  /** Agent type → stage, for the `stage` dimension. */
  stageMap?: StageMap;
}

/** The ledger filter of a report scope: its local days as instants, its project, session and tasks. */
export function filterOf(scope: Omit<ReportScope, 'weekStart' | 'order'>): UsageFilter {
  const f: UsageFilter = {};
  if (scope.since !== undefined) f.fromMs = scope.clock.startOf(scope.since);
  if (scope.until !== undefined) f.toMs = scope.clock.startOf(addDays(scope.until, 1));
  if (scope.project !== undefined) f.project = scope.project;
  if (scope.session !== undefined) f.session = scope.session;
  if (scope.tasks !== undefined) f.tasks = scope.tasks;
  return f;
}

function timesOf(r: GroupRow) {
  return { atMs: r.bucket * BUCKET_MS, firstTs: r.firstTs, lastTs: r.lastTs };
}

function timeLabel(dim: Period, ms: number, scope: ReportScope): string {
  if (dim === 'day') return scope.clock.dateOf(ms);
  if (dim === 'week') return scope.clock.weekOf(ms, scope.weekStart);
  return scope.clock.monthOf(ms);
}

const PERIOD_FIELD: Record<Period, string> = { day: 'date', week: 'week', month: 'month' };

const DAY_MS = 86_400_000;

/** The label of a local day number for a period: the day itself, its week's first day, or its month. */
function dayLabel(period: Period, day: number, weekStart: WeekStart): string {
  if (period === 'week') {
    const dow = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    return ZonedClock.dayString(day - ((dow - weekStart + 7) % 7));
  }
  const date = ZonedClock.dayString(day);
  return period === 'month' ? date.slice(0, 7) : date;
}

/**
 * Local days that a price change (at UTC midnight) cuts in two in the report's time zone. A day
 * summed from the rollup is priced at one instant, which is right only for a day that lies wholly on
 * one side of every change.
 */
export function daysCutByPriceChanges(pricer: Pricer, clock: ZonedClock): Set<number> {
  const cut = new Set<number>();
  for (const at of pricer.priceChanges) {
    const day = clock.localDay(at);
    if (clock.startOf(ZonedClock.dayString(day)) !== at) cut.add(day);
  }
  return cut;
}

/**
 * Usage by local day, week or month. Without a project, session or task filter it is computed from the
 * rollup, grouped by local day in the database (span by span of constant UTC offset); a day that a
 * price change cuts in two (outside UTC) is summed from its 15-minute buckets instead, each priced at
 * its own time.
 */
export async function periodReport(
  ctx: ReportContext,
  period: Period,
  scope: ReportScope,
): Promise<UsageTable> {
  const filter = filterOf(scope);
  const builder = new UsageTableBuilder(ctx.pricer, ctx.mode);
  const field = PERIOD_FIELD[period];
  if (scope.project === undefined && scope.session === undefined && scope.tasks === undefined) {
    const range = await ctx.store.rollupRange();
    if (range !== null) {
      const from = Math.max(range.fromMs, filter.fromMs ?? range.fromMs);
      const to = Math.min(range.toMs, filter.toMs ?? range.toMs);
      const cut = daysCutByPriceChanges(ctx.pricer, scope.clock);
      // A day has a row per model and pricing key: its label is made once.
      const labels = new Map<number, string>();
      for (const r of await ctx.store.days(scope.clock.segments(from, to))) {
        if (cut.has(r.day)) continue;
        let key = labels.get(r.day);
        if (key === undefined) {
          key = dayLabel(period, r.day, scope.weekStart);
          labels.set(r.day, key);
        }
        // The UTC midnight of that date: on the same side of every price change (all at UTC
        // midnights) as the whole local day, since the day holds none. Also the activity times.
        const at = r.day * DAY_MS;
        builder.add(key, { [field]: key }, r, { atMs: at, firstTs: at, lastTs: at + DAY_MS - 1 });
      }
      for (const day of cut) {
        const fromMs = Math.max(from, scope.clock.startOf(ZonedClock.dayString(day)));
        const toMs = Math.min(to, scope.clock.startOf(ZonedClock.dayString(day + 1)));
        if (toMs <= fromMs) continue;
        const key = dayLabel(period, day, scope.weekStart);
        for (const r of await ctx.store.groups({ dimensions: [], filter: { fromMs, toMs } })) {
          builder.add(key, { [field]: key }, r, timesOf(r));
        }
      }
    }
  } else {
    for (const r of await ctx.store.groups({ dimensions: [], filter })) {
      const key = timeLabel(period, r.bucket * BUCKET_MS, scope);
      builder.add(key, { [field]: key }, r, timesOf(r));
    }
  }
  const table = builder.build();
  table.rows.sort((a, b) => compare(a.label[field], b.label[field], scope.order));
  return table;
}

/** Usage grouped by any mix of dimensions. Rows are ordered by time when a time dimension is asked, else by cost. */
export async function dimensionReport(
  ctx: ReportContext,
  dims: readonly ReportDimension[],
  scope: ReportScope,
): Promise<UsageTable> {
  const storeDims = dims
    .filter((d): d is Exclude<ReportDimension, Period> => !TIME_DIMENSIONS.has(d))
    .map(storeDimension);
  const timed = dims.some((d) => TIME_DIMENSIONS.has(d));
  const rows = await ctx.store.groups({
    dimensions: storeDims,
    filter: filterOf(scope),
    // Without a time dimension, UTC days are fine enough for dated prices; by what drove calls
    // (a row per file can hold a row per day for a year), the spans of constant prices.
    grain: timed ? 'bucket' : 'day',
    ...(!timed && dims.some((d) => ACTIVITY_DIMENSIONS.has(d)) ? { cuts: ctx.pricer.priceChanges } : {}),
    ...(ctx.stageMap ? { stageMap: ctx.stageMap } : {}),
  });
  const builder = new UsageTableBuilder(ctx.pricer, ctx.mode);
  for (const r of rows) {
    const label: Record<string, string> = {};
    for (const d of dims) {
      label[d] = TIME_DIMENSIONS.has(d)
        ? timeLabel(d as Period, r.bucket * BUCKET_MS, scope)
        : (r.values[storeDimension(d as Exclude<ReportDimension, Period>)] ?? '');
    }
    builder.add(dims.map((d) => label[d]).join('\u0000'), label, r, timesOf(r));
  }
  const table = builder.build();
  if (dims.some((d) => ACTIVITY_DIMENSIONS.has(d))) {
    // The same usage without the activity dimensions: each call once, for an exact total.
    const whole = new UsageTableBuilder(ctx.pricer, ctx.mode);
    const plain = await ctx.store.groups({
      dimensions: [],
      filter: filterOf(scope),
      grain: dims.some((d) => TIME_DIMENSIONS.has(d)) ? 'bucket' : 'day',
      activityTotal: true,
    });
    for (const r of plain) whole.add('', {}, r, timesOf(r));
    table.totals = whole.build().totals;
    table.overlapNote = ACTIVITY_OVERLAP_NOTE;
  }
  const timeFirst = dims.some((d) => TIME_DIMENSIONS.has(d));
  // Ties (same cost and tokens) go by their labels, whatever order the store grouped them in. Costs
  // compare as shown (to 1e-10 USD): sums in another order differ in their last bits.
  const cost = (r: UsageRow) => Math.round(r.cost * 1e10);
  table.rows.sort((a, b) =>
    timeFirst
      ? compareLabels(a, b, dims, scope.order)
      : (scope.order === 'asc'
          ? cost(a) - cost(b) || a.sums.input + a.sums.output - (b.sums.input + b.sums.output)
          : cost(b) - cost(a) || b.sums.input + b.sums.output - (a.sums.input + a.sums.output)) ||
        compareLabels(a, b, dims, 'asc'),
  );
  return table;
}

export interface SessionRow extends UsageRow {
  sessionId: string;
  project: string;
  /** Claude Code's own total for the session (cost-state), when it wrote one. */
  claudeCodeCost: number | null;
}

/**
 * Usage by session, with the session's project and the agent's own cost total beside ours: the
 * cost checkpoints `costSource` (a source agent's id) wrote for the session.
 */
export async function sessionReport(
  ctx: ReportContext,
  scope: ReportScope,
  costSource: string,
): Promise<{ rows: SessionRow[]; totals: UsageRow }> {
  const table = await dimensionReport(ctx, ['session', 'project'], scope);
  const bySession = new Map<string, { rows: UsageRow[] }>();
  for (const r of table.rows) {
    const id = r.label.session ?? '';
    const entry = bySession.get(id) ?? { rows: [] };
    entry.rows.push(r);
    bySession.set(id, entry);
  }
  const costStates = await ctx.store.costCheckpoints(costSource, [...bySession.keys()]);
  const out: SessionRow[] = [];
  for (const [sessionId, { rows }] of bySession) {
    // A session normally has one project; if its cwd changed, show the one with the most responses.
    const main = rows.reduce((a, b) => (b.sums.responses > a.sums.responses ? b : a));
    const merged = rows.length === 1 ? main : mergeRows(rows);
    out.push({
      ...merged,
      label: { session: sessionId },
      sessionId,
      project: main.label.project ?? '',
      claudeCodeCost: costStates.get(sessionId)?.totalCostUsd ?? null,
    });
  }
  out.sort((a, b) => (scope.order === 'asc' ? a.lastTs - b.lastTs : b.lastTs - a.lastTs));
  return { rows: out, totals: table.totals };
}

function mergeRows(rows: UsageRow[]): UsageRow {
  const first = rows[0] as UsageRow;
  const merged: UsageRow = {
    ...first,
    sums: { ...first.sums },
    models: first.models.map((m) => ({ ...m, sums: { ...m.sums } })),
    unpriced: [...first.unpriced],
    unpricedParts: first.unpricedParts.map((u) => ({ ...u, sums: { ...u.sums } })),
  };
  const add = (to: UsageRow['sums'], from: UsageRow['sums']) => {
    for (const k of Object.keys(to) as (keyof UsageRow['sums'])[]) to[k] += from[k];
  };
  for (const r of rows.slice(1)) {
    add(merged.sums, r.sums);
    merged.cost += r.cost;
    merged.firstTs = Math.min(merged.firstTs, r.firstTs);
    merged.lastTs = Math.max(merged.lastTs, r.lastTs);
    for (const m of r.models) {
      const have = merged.models.find((x) => x.model === m.model);
      if (have === undefined) merged.models.push({ ...m, sums: { ...m.sums } });
      else {
        add(have.sums, m.sums);
        // null only when no part of it is priced in either row.
        have.cost = have.cost === null && m.cost === null ? null : (have.cost ?? 0) + (m.cost ?? 0);
        have.unpricedTokens += m.unpricedTokens;
      }
    }
    for (const u of r.unpriced) if (!merged.unpriced.includes(u)) merged.unpriced.push(u);
    for (const u of r.unpricedParts) {
      const have = merged.unpricedParts.find((x) => x.model === u.model && x.fast === u.fast);
      if (have === undefined) merged.unpricedParts.push({ ...u, sums: { ...u.sums } });
      else add(have.sums, u.sums);
    }
  }
  merged.models.sort((x, y) => (y.cost ?? -1) - (x.cost ?? -1));
  return merged;
}

function compare(a: string | undefined, b: string | undefined, order: 'asc' | 'desc'): number {
  // Code-unit order: dates and ids sort right, and no collator (ICU set-up costs milliseconds).
  const x = a ?? '';
  const y = b ?? '';
  const c = x < y ? -1 : x > y ? 1 : 0;
  return order === 'asc' ? c : -c;
}

function compareLabels(
  a: UsageRow,
  b: UsageRow,
  dims: readonly ReportDimension[],
  order: 'asc' | 'desc',
): number {
  for (const d of dims) {
    const c = compare(a.label[d], b.label[d], order);
    if (c !== 0) return c;
  }
  return 0;
}
