/**
 * The in-memory model the `/token-usage/` renderers take (seed 000, sections 4.1, 5.2, 6 and 7):
 * one task's telemetry, one day's tasks and error-log entries, and a periodic review already
 * analysed elsewhere. Plain data: the renderers never read the ledger, the clock or the disk.
 *
 * Field names are camelCase here; the task file spells them as the seed does (`task_id`,
 * `input_tokens`, ...). A recommendation keeps the seed's `proposed_change` spelling (section 5.2).
 * @module
 */

/** Where a task's numbers came from: declared by the agent, captured from telemetry, or both. */
export type UsageSource = 'declared' | 'captured' | 'mixed';

/** One agent × model line of a task's telemetry (seed 4.1 `entries[]`). */
export interface UsageEntry {
  /** Agent name (`build-lead`, `ui-impl`, ...); any Unicode text. */
  agent: string;
  /** Model name (`opus`, `sonnet`, `haiku`, or a full model id). */
  model: string;
  /** Non-negative safe integer; null when unavailable (seed 8.2). */
  inputTokens: number | null;
  /** Non-negative safe integer; null when unavailable (seed 8.2). */
  outputTokens: number | null;
  /**
   * Non-negative safe integer, as reported (it may include cache tokens, so it is not re-derived);
   * null when unavailable, and then input + output (the known parts) count in the totals.
   */
  totalTokens: number | null;
  /** Estimated USD cost, or null when it is unavailable (seed 8.2). */
  estimatedCost: number | null;
}

/** The tokens an entry counts with: its total, else the known parts of input + output. */
export function countedTotal(e: UsageEntry): number {
  return e.totalTokens ?? (e.inputTokens ?? 0) + (e.outputTokens ?? 0);
}

/** One task's usage record (seed 4.1 / 6.1). */
export interface TaskUsageRecord {
  /** The original task id; kept verbatim inside the task file. */
  taskId: string;
  /** ISO 8601 timestamp of the task, e.g. `2025-11-28T14:30:00Z`. */
  timestamp: string;
  /** The seed's 2-4 line `user_request_summary`; the only request text ever written (task file only). */
  userRequestSummary: string;
  entries: readonly UsageEntry[];
  /** Where the numbers came from; omitted from the task file when undefined. */
  source?: UsageSource;
}

/**
 * Which list of seed 6.4 an error-log entry belongs to: a tracking failure (missing telemetry,
 * malformed data) or an anomaly (unexpectedly high usage, unusual patterns).
 */
export type ErrorKind = 'tracking_failure' | 'anomaly';

/** One line of `errors-YYYY-MM-DD.md` (seed 6.4, 8.1-8.3). */
export interface ErrorEntry {
  /** ISO 8601 time the problem was seen. */
  at: string;
  /** The task it concerns, or null when none is known (e.g. telemetry never arrived). */
  taskId: string | null;
  /** The missing or malformed field (`estimated_cost`, ...), when the problem is about one. */
  field?: string;
  /** What went wrong, one line. */
  problem: string;
  /** The recovery action taken (seed 8.3); absent while the entry is pending. */
  resolution?: string;
  /** Defaults to `'tracking_failure'`. */
  kind?: ErrorKind;
}

/** One day's input to `usage-YYYY-MM-DD.md` (seed 6.2 / 7.1). */
export interface DayUsage {
  /** `YYYY-MM-DD`. */
  date: string;
  /** Each task's usage on the day, in any order. */
  tasks: readonly TaskUsageRecord[];
  /** The day's usage attributed to no task, by agent and model; none when absent. */
  unattributed?: readonly UsageEntry[];
  /** The day's error-log entries: anomalies are listed, tracking failures are counted. */
  errors: readonly ErrorEntry[];
  /** Short optimization candidates (one line each), computed elsewhere. */
  optimizationCandidates?: readonly string[];
}

export type {
  AgentModelMix,
  AgentShare,
  CostLine,
  EstimateOverrun,
  ExpensiveTask,
  ModelShare,
  Recommendation,
  RecommendationType,
  ReviewModel,
  UnpricedUsage,
} from '../../analysis/review-model.js';
