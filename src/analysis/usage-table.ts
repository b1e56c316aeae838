/**
 * Turns grouped token sums from the ledger into priced report rows: per row the token totals, the
 * cost under the chosen cost mode, a per-model breakdown, and the models that have no price (which
 * are listed, never counted as $0). Every output format (table, JSON, CSV, Markdown) renders these.
 * @module
 */
import { addSums, emptySums, type PricingKey, type UsageSums } from '../ledger/store.js';
import type { Pricer } from '../pricing/pricer.js';

/** `auto`: a cost the source reported where there is one, else calculated. `calculate`: always from tokens. `display`: reported costs only. */
export const COST_MODES = ['auto', 'calculate', 'display'] as const;
export type CostMode = (typeof COST_MODES)[number];

export interface ModelBreakdown {
  model: string;
  sums: UsageSums;
  /** Null when the model is unpriced. */
  cost: number | null;
}

export interface UsageRow {
  /** The group's values, e.g. `{ date: '2026-11-20' }` or `{ project: '/src/app', branch: 'main' }`. */
  label: Record<string, string>;
  sums: UsageSums;
  /** Cost of the priced part. */
  cost: number;
  /** Models in this row without a price (their tokens are counted, their cost is not). */
  unpriced: string[];
  /** Per model, most expensive first. */
  models: ModelBreakdown[];
  firstTs: number;
  lastTs: number;
}

export interface UsageTable {
  rows: UsageRow[];
  totals: UsageRow;
}

/** A priced input: one group of ledger rows sharing a pricing key. */
export type PricedInput = PricingKey & UsageSums;

/** When a priced input happened: a time inside it (for dated prices) and its first and last activity. */
export interface InputTimes {
  atMs: number;
  firstTs: number;
  lastTs: number;
}

interface Acc {
  label: Record<string, string>;
  sums: UsageSums;
  cost: number;
  models: Map<string, { sums: UsageSums; cost: number; unpriced: boolean }>;
  firstTs: number;
  lastTs: number;
}

function newAcc(label: Record<string, string>): Acc {
  return {
    label,
    sums: emptySums(),
    cost: 0,
    models: new Map(),
    firstTs: Number.POSITIVE_INFINITY,
    lastTs: Number.NEGATIVE_INFINITY,
  };
}

export class UsageTableBuilder {
  readonly #pricer: Pricer;
  readonly #mode: CostMode;
  readonly #rows = new Map<string, Acc>();
  readonly #totals = newAcc({});

  constructor(pricer: Pricer, mode: CostMode) {
    this.#pricer = pricer;
    this.#mode = mode;
  }

  /** The cost of one input under the cost mode; null when it needs a price the table lacks. */
  costOf(input: PricedInput, atMs: number): number | null {
    const reported = input.reportedRows > 0;
    if (this.#mode === 'display') return reported ? input.reportedCost : 0;
    if (this.#mode === 'auto' && reported) return input.reportedCost;
    return this.#pricer.cost(input, input, atMs);
  }

  /** Adds `input` to the row identified by `key` (created with `label` the first time). */
  add(key: string, label: Record<string, string>, input: PricedInput, times: InputTimes): void {
    let acc = this.#rows.get(key);
    if (acc === undefined) {
      acc = newAcc(label);
      this.#rows.set(key, acc);
    }
    const cost = this.costOf(input, times.atMs);
    accumulate(acc, input, cost, times);
    accumulate(this.#totals, input, cost, times);
  }

  build(): UsageTable {
    return { rows: [...this.#rows.values()].map(finish), totals: finish(this.#totals) };
  }
}

function accumulate(a: Acc, input: PricedInput, cost: number | null, times: InputTimes): void {
  addSums(a.sums, input);
  if (cost !== null) a.cost += cost;
  if (times.firstTs < a.firstTs) a.firstTs = times.firstTs;
  if (times.lastTs > a.lastTs) a.lastTs = times.lastTs;
  let m = a.models.get(input.model);
  if (m === undefined) {
    m = { sums: emptySums(), cost: 0, unpriced: false };
    a.models.set(input.model, m);
  }
  addSums(m.sums, input);
  if (cost === null) m.unpriced = true;
  else m.cost += cost;
}

function finish(a: Acc): UsageRow {
  const models: ModelBreakdown[] = [...a.models.entries()]
    .map(([model, m]) => ({ model, sums: m.sums, cost: m.unpriced ? null : m.cost }))
    .sort((x, y) => (y.cost ?? -1) - (x.cost ?? -1) || (x.model < y.model ? -1 : x.model > y.model ? 1 : 0));
  return {
    label: a.label,
    sums: a.sums,
    cost: a.cost,
    unpriced: models.filter((m) => m.cost === null).map((m) => m.model),
    models,
    firstTs: Number.isFinite(a.firstTs) ? a.firstTs : 0,
    lastTs: Number.isFinite(a.lastTs) ? a.lastTs : 0,
  };
}

/** A row with no usage, e.g. for a task nothing has been attributed to yet. */
export function emptyUsageRow(label: Record<string, string> = {}): UsageRow {
  return finish(newAcc(label));
}

/** Total tokens as ccusage counts them: input + output + cache writes + cache reads. */
export function totalTokens(s: UsageSums): number {
  return s.input + s.output + s.cacheWrite + s.cacheRead;
}

/** Share of prompt tokens served from cache: cacheRead / (cacheRead + uncached input). Null when there were none. */
export function cacheHitRate(s: UsageSums): number | null {
  const denom = s.cacheRead + s.input;
  return denom > 0 ? s.cacheRead / denom : null;
}
