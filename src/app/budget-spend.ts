/**
 * What a budget's scope spent in its period, in its unit: tokens, or dollars priced as the reports
 * price them (`auto`). Hooks and the status line run after every response, so with `cached` the
 * period's settled part (all but its last hour) is summed at most every 15 minutes, kept in the
 * ledger's meta values, and each call adds only what came since. A late import of older usage (or a
 * response growing more than an hour after it began) shows there within those 15 minutes;
 * `budget status` and the reports always sum the whole period.
 * @module
 */
import { type BudgetWindow, forecastBasis } from '../analysis/budgets.js';
import { UsageTableBuilder } from '../analysis/usage-table.js';
import type { BudgetRow, BudgetScope } from '../ledger/budget-repository.js';
import type { LedgerStore } from '../ledger/store.js';
import type { StageMap } from '../ledger/task-repository.js';
import type { GroupDimension, GroupRow } from '../ledger/usage-repository.js';
import { BUCKET_MS, type PricingKey, type UsageSums } from '../ledger/usage-sums.js';
import type { Pricer } from '../pricing/pricer.js';
import { totalTokens } from '../util/token-counts.js';

export interface SpendContext {
  store: LedgerStore;
  pricer: () => Pricer;
  stageMap: StageMap;
  now: number;
  /** Reuse a recent sum of the period's settled part (hooks, the status line). */
  cached?: boolean;
}

export interface PeriodSpend {
  spent: number;
  /** Spent since `basisFromMs`: the forecast's rate is this over the time since then. */
  basisSpent: number;
  basisFromMs: number;
  unpriced: string[];
}

/** How long a sum of the settled part is used. */
const REFRESH_MS = 15 * 60_000;
/** Usage older than this is taken as settled. */
const SETTLED_MS = 60 * 60_000;

type SpendRow = PricingKey & UsageSums & { bucket: number };

/** The rows of usage a scope counts in [fromMs, toMs), per 15-minute bucket and pricing key. */
async function scopeRows(
  ctx: SpendContext,
  scope: BudgetScope,
  fromMs: number,
  toMs: number,
): Promise<SpendRow[]> {
  const filter = { fromMs, toMs };
  if (scope.kind === 'all') return ctx.store.buckets(fromMs, toMs);
  const value = scope.value ?? '';
  if (scope.kind === 'task') {
    const tasks = await ctx.store.taskTree(value);
    return ctx.store.groups({
      dimensions: [],
      filter: { ...filter, tasks: tasks.length > 0 ? tasks : [value] },
    });
  }
  if (scope.kind === 'project')
    return ctx.store.groups({ dimensions: [], filter: { ...filter, projectDir: value } });
  const eq = value.indexOf('=');
  const dim: GroupDimension = scope.kind === 'stage' ? 'stage' : `label:${value.slice(0, eq)}`;
  const want = scope.kind === 'stage' ? value : value.slice(eq + 1);
  const rows: GroupRow[] = await ctx.store.groups({ dimensions: [dim], filter, stageMap: ctx.stageMap });
  return rows.filter((r) => r.values[dim] === want);
}

interface Sums {
  /** Everything, and the part from `basisFromMs` on. */
  total: number;
  basis: number;
  /** The part before `settledToMs`, and of it the part from `basisFromMs` on. */
  settled: number;
  settledBasis: number;
  unpriced: Set<string>;
}

async function sumRows(
  ctx: SpendContext,
  budget: BudgetRow,
  range: { fromMs: number; toMs: number },
  basisFromMs: number,
  settledToMs: number,
): Promise<Sums> {
  const costs = budget.unit === 'usd' ? new UsageTableBuilder(ctx.pricer(), 'auto') : null;
  const out: Sums = { total: 0, basis: 0, settled: 0, settledBasis: 0, unpriced: new Set() };
  for (const r of await scopeRows(ctx, budget.scope, range.fromMs, range.toMs)) {
    const at = r.bucket * BUCKET_MS;
    let amount: number;
    if (costs === null) amount = totalTokens(r);
    else {
      const cost = costs.costOf(r, at);
      if (cost === null) out.unpriced.add(r.model);
      amount = cost ?? 0;
    }
    out.total += amount;
    if (at >= basisFromMs) out.basis += amount;
    if (at < settledToMs) {
      out.settled += amount;
      if (at >= basisFromMs) out.settledBasis += amount;
    }
  }
  return out;
}

/** The settled part of a period, as kept in the meta values. */
interface SettledSpend {
  v: 1;
  updatedAt: number;
  period: string;
  at: number;
  watermark: number;
  spent: number;
  basisFrom: number;
  basisSpent: number;
  unpriced: string[];
}

function readSettled(text: string | null): SettledSpend | null {
  if (text === null) return null;
  try {
    const c = JSON.parse(text) as Partial<SettledSpend>;
    const numbers = [c.updatedAt, c.at, c.watermark, c.spent, c.basisFrom, c.basisSpent];
    if (c.v !== 1 || typeof c.period !== 'string' || !Array.isArray(c.unpriced)) return null;
    if (!numbers.every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
    return c as SettledSpend;
  } catch {
    return null;
  }
}

/** What the budget's scope spent in window `w` up to now. */
export async function periodSpend(
  ctx: SpendContext,
  budget: BudgetRow,
  w: BudgetWindow,
): Promise<PeriodSpend> {
  const basisFrom = forecastBasis(w, ctx.now).fromMs;
  if (ctx.cached !== true) {
    const s = await sumRows(ctx, budget, w, basisFrom, w.fromMs);
    return { spent: s.total, basisSpent: s.basis, basisFromMs: basisFrom, unpriced: [...s.unpriced].sort() };
  }
  const key = `budget-spend:${budget.name}`;
  const c = readSettled(await ctx.store.metaValue(key));
  if (
    c !== null &&
    c.updatedAt === budget.updatedAt &&
    c.period === w.key &&
    ctx.now >= c.at &&
    ctx.now - c.at < REFRESH_MS
  ) {
    const tail = await sumRows(ctx, budget, { fromMs: c.watermark, toMs: w.toMs }, c.watermark, c.watermark);
    return {
      spent: c.spent + tail.total,
      basisSpent: c.basisSpent + tail.total,
      basisFromMs: c.basisFrom,
      unpriced: [...new Set([...c.unpriced, ...tail.unpriced])].sort(),
    };
  }
  const settledTo = Math.floor((ctx.now - SETTLED_MS) / BUCKET_MS) * BUCKET_MS;
  const watermark = Math.min(w.toMs, Math.max(w.fromMs, basisFrom, settledTo));
  const s = await sumRows(ctx, budget, w, basisFrom, watermark);
  const unpriced = [...s.unpriced].sort();
  const settled: SettledSpend = {
    v: 1,
    updatedAt: budget.updatedAt,
    period: w.key,
    at: ctx.now,
    watermark,
    spent: s.settled,
    basisFrom,
    basisSpent: s.settledBasis,
    unpriced,
  };
  // Only saves work for later: a ledger busy or read-only now just sums it all again next time.
  await ctx.store.setMetaValue(key, JSON.stringify(settled)).catch(() => undefined);
  return { spent: s.total, basisSpent: s.basis, basisFromMs: basisFrom, unpriced };
}
