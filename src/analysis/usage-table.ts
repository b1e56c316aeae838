/**
 * Turns grouped token sums from the ledger into priced report rows: per row the token totals, the
 * cost under the chosen cost mode, a per-model breakdown, and the usage that has no price (which is
 * listed with a hint on how to price it, never counted as $0): a model the price table lacks, or
 * fast-mode requests on a model without a fast rate. Every output format (table, JSON, CSV,
 * Markdown), the status line and the MCP tools render these.
 * @module
 */
import { addSums, emptySums, type PricingKey, type UsageSums } from '../ledger/usage-sums.js';
import { isFast, type Pricer } from '../pricing/pricer.js';
import { totalTokens } from '../util/token-counts.js';

/** `auto`: a cost the source reported where there is one, else calculated. `calculate`: always from tokens. `display`: reported costs only. */
export const COST_MODES = ['auto', 'calculate', 'display'] as const;
export type CostMode = (typeof COST_MODES)[number];

export interface ModelBreakdown {
  model: string;
  sums: UsageSums;
  /** Cost of the model's priced part; null when none of it is priced. */
  cost: number | null;
  /** Tokens (input + output + cache) of the model's usage that has no price: 0 when all is priced. */
  unpricedTokens: number;
}

/**
 * Usage with no price: a model the price table and the overrides lack (`fast` false, or true for
 * its fast-mode requests), or fast-mode requests on a model without a fast rate at their date.
 */
export interface UnpricedPart {
  model: string;
  /** Fast-mode requests (`usage.speed` "fast"). */
  fast: boolean;
  sums: UsageSums;
  /** How to price it, from the pricer. */
  hint: string;
}

export interface UsageRow {
  /** The group's values, e.g. `{ date: '2026-11-20' }` or `{ project: '/src/app', branch: 'main' }`. */
  label: Record<string, string>;
  sums: UsageSums;
  /** Cost of the priced part. */
  cost: number;
  /** Models in this row with usage that has no price (its tokens are counted, its cost is not). */
  unpriced: string[];
  /** That usage, per model and speed, with hints; empty when everything is priced. */
  unpricedParts: UnpricedPart[];
  /** Per model, most expensive first. */
  models: ModelBreakdown[];
  firstTs: number;
  lastTs: number;
}

export interface UsageTable {
  rows: UsageRow[];
  totals: UsageRow;
  /** Set when one usage row can be in several rows (a report by tool, file...): says so, for users. */
  overlapNote?: string;
}

/** A priced input: one group of ledger rows sharing a pricing key. */
export type PricedInput = PricingKey & UsageSums;

/** When a priced input happened: a time inside it (for dated prices) and its first and last activity. */
export interface InputTimes {
  atMs: number;
  firstTs: number;
  lastTs: number;
}

interface ModelAcc {
  sums: UsageSums;
  cost: number;
  /** Whether any of its usage was priced. */
  priced: boolean;
  /** Usage without a price: [standard, fast]. */
  unpriced: [UsageSums | null, UsageSums | null];
}

interface Acc {
  label: Record<string, string>;
  sums: UsageSums;
  cost: number;
  models: Map<string, ModelAcc>;
  firstTs: number;
  lastTs: number;
}

type HintOf = (model: string, fast: boolean) => string;

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
    const hints = new Map<string, string>();
    const hint: HintOf = (model, fast) => {
      const key = `${fast ? 'f' : 's'}${model}`;
      let text = hints.get(key);
      if (text === undefined) {
        text = this.#pricer.unpricedHint(model, fast);
        hints.set(key, text);
      }
      return text;
    };
    return {
      rows: [...this.#rows.values()].map((a) => finish(a, hint)),
      totals: finish(this.#totals, hint),
    };
  }
}

function accumulate(a: Acc, input: PricedInput, cost: number | null, times: InputTimes): void {
  addSums(a.sums, input);
  if (cost !== null) a.cost += cost;
  if (times.firstTs < a.firstTs) a.firstTs = times.firstTs;
  if (times.lastTs > a.lastTs) a.lastTs = times.lastTs;
  let m = a.models.get(input.model);
  if (m === undefined) {
    m = { sums: emptySums(), cost: 0, priced: false, unpriced: [null, null] };
    a.models.set(input.model, m);
  }
  addSums(m.sums, input);
  if (cost !== null) {
    m.cost += cost;
    m.priced = true;
  } else {
    const i = isFast(input) ? 1 : 0;
    const sums = m.unpriced[i] ?? emptySums();
    addSums(sums, input);
    m.unpriced[i] = sums;
  }
}

function finish(a: Acc, hint: HintOf): UsageRow {
  const models: ModelBreakdown[] = [...a.models.entries()]
    .map(([model, m]) => ({
      model,
      sums: m.sums,
      cost: m.priced ? m.cost : null,
      unpricedTokens: m.unpriced.reduce((n, u) => n + (u === null ? 0 : totalTokens(u)), 0),
    }))
    .sort((x, y) => (y.cost ?? -1) - (x.cost ?? -1) || (x.model < y.model ? -1 : x.model > y.model ? 1 : 0));
  const unpricedParts: UnpricedPart[] = [];
  for (const { model } of models) {
    const [standard, fast] = a.models.get(model)?.unpriced ?? [null, null];
    if (standard !== null)
      unpricedParts.push({ model, fast: false, sums: standard, hint: hint(model, false) });
    if (fast !== null) unpricedParts.push({ model, fast: true, sums: fast, hint: hint(model, true) });
  }
  return {
    label: a.label,
    sums: a.sums,
    cost: a.cost,
    unpriced: [...new Set(unpricedParts.map((u) => u.model))],
    unpricedParts,
    models,
    firstTs: Number.isFinite(a.firstTs) ? a.firstTs : 0,
    lastTs: Number.isFinite(a.lastTs) ? a.lastTs : 0,
  };
}

/** A row with no usage, e.g. for a task nothing has been attributed to yet. */
export function emptyUsageRow(label: Record<string, string> = {}): UsageRow {
  return finish(newAcc(label), () => '');
}
