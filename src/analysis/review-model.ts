/**
 * What the usage analysis returns for a periodic review (seed 000, sections 5.2, 6.3 and 7.2): the
 * period's totals, cost by model and agent, the busiest agents, the most expensive tasks, estimate
 * overruns and recommendations. Plain data; `outputs/token-usage/review.ts` renders it as Markdown.
 * @module
 */

/**
 * Usage a cost leaves out because it has none: its model is not in the price table and its source
 * reported no cost. A cost with unpriced usage is never shown as complete: it reads `unavailable`
 * when nothing of it is known, else `$0.30 (partial: 40,000 tokens unpriced for model X)`.
 */
export interface UnpricedUsage {
  /** Its tokens (input + output + cache writes + cache reads). */
  totalTokens: number;
  /** Its models, each once (the renderers sort them). */
  models: readonly string[];
}

/** Tokens and cost of one model or one agent over the review period. */
export interface CostLine {
  /** The model or agent name. */
  name: string;
  totalTokens: number;
  /** USD (the known part when `unpriced` is set), or null when none of it is known. */
  estimatedCost: number | null;
  /** The usage `estimatedCost` leaves out; absent when all of it is priced. */
  unpriced?: UnpricedUsage;
}

/** An agent and its share of the period's tokens. */
export interface AgentShare {
  agent: string;
  totalTokens: number;
  /** Fraction in [0, 1]. */
  share: number;
}

/** A task ranked by cost. */
export interface ExpensiveTask {
  taskId: string;
  totalTokens: number;
  /** USD (the known part when `unpriced` is set), or null when none of it is known. */
  estimatedCost: number | null;
  /** The usage `estimatedCost` leaves out; absent when all of it is priced. */
  unpriced?: UnpricedUsage;
}

/** One model's share of an agent's tokens. */
export interface ModelShare {
  model: string;
  totalTokens: number;
  /** Fraction in [0, 1] of the agent's tokens. */
  share: number;
}

/** Which models an agent used, and how much. */
export interface AgentModelMix {
  agent: string;
  models: readonly ModelShare[];
}

/** A task whose usage passed its estimate. */
export interface EstimateOverrun {
  taskId: string;
  /** What was estimated: tokens or USD. */
  metric: 'tokens' | 'usd';
  /** The estimate, > 0. */
  estimate: number;
  /** What was used. */
  actual: number;
}

/** A recommendation type (seed 5.2). */
export type RecommendationType = 'model_selection' | 'context_reuse' | 'delegation_reduction';

/** One recommendation of a review (seed 5.2), with its evidence and expected saving. */
export interface Recommendation {
  type: RecommendationType;
  /** Concrete recommendation, one line. */
  description: string;
  /** The numbers behind it, one line. */
  evidence: string;
  /** Expected saving in USD over a period like the reviewed one; null when it cannot be estimated. */
  savingUsd: number | null;
  /** Diff or instruction for build-lead to apply (seed 5.2); may span lines. */
  proposed_change: string;
  /** The spec the change is for, shown as `### For <target>`; defaults to `build-lead.md`. */
  target?: string;
  /** The proposal's stable id (`review check ID`), when the change is a diff the ledger remembers. */
  id?: string;
}

/** The input to `reports/usage-review-YYYY-MM-DD.md` (seed 6.3 / 7.2). */
export interface ReviewModel {
  /** The report's date, `YYYY-MM-DD` (title and file name). */
  date: string;
  /** First and last day covered, `YYYY-MM-DD`, inclusive. */
  period: { start: string; end: string };
  /**
   * `estimatedCost` is USD (the known part when `unpriced` is set), or null when none of it is
   * known; `unpriced` is the usage it leaves out, absent when all of it is priced.
   */
  totals: { totalTokens: number; estimatedCost: number | null; unpriced?: UnpricedUsage };
  costByModel: readonly CostLine[];
  costByAgent: readonly CostLine[];
  mostActiveAgents: readonly AgentShare[];
  topExpensiveTasks: readonly ExpensiveTask[];
  agentModelMix: readonly AgentModelMix[];
  /**
   * Cache reads ÷ (cache reads + uncached input), the formula of every report (`cacheHitRate` in
   * `util/token-counts.ts`): a fraction in [0, 1], or null when unknown.
   */
  cacheHitRate: number | null;
  estimateOverruns: readonly EstimateOverrun[];
  recommendations: readonly Recommendation[];
}
