/**
 * The anomaly model: what a detector reads ({@link AnomalyInput}), what it raises ({@link Anomaly},
 * each with its evidence and the baseline it was measured against), and the thresholds. A detector is
 * a pure function `(input, thresholds) => Anomaly[]`; adding one is adding an entry to the list in
 * `detectors.ts`.
 * @module
 */
import type { FileReadRow } from '../../ledger/call-activity-repository.js';
import type { RequestPoint } from '../../ledger/usage-repository.js';

/** Usage of one (task, session, stage, model): what the usage detectors read. */
export interface UsageUnit {
  /** '' when no task. */
  task: string;
  session: string;
  /** '' when no stage. */
  stage: string;
  model: string;
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  /** API calls. */
  responses: number;
  firstTs: number;
  lastTs: number;
}

/** One local day's usage (all of it, in the scope). */
export interface DayUsage {
  /** YYYY-MM-DD, local. */
  date: string;
  /** Where the local day starts and ends (exclusive), epoch ms. */
  startMs: number;
  endMs: number;
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  /** The four summed. */
  tokens: number;
  responses: number;
}

/** What a task brings to its baseline: its size (the token estimate) and labels. */
export interface TaskFacts {
  estimateTokens: number | null;
  labels: Record<string, string>;
}

export interface AnomalyInput {
  /** Flags are raised only for what was active in [fromMs, toMs); the rest is baseline. */
  window: { fromMs: number; toMs: number };
  units: readonly UsageUnit[];
  days: readonly DayUsage[];
  tasks: ReadonlyMap<string, TaskFacts>;
  /** The per-request series of the candidate sessions (see `candidateSessions`). */
  series: readonly RequestPoint[];
  /** Every read of a file in the baseline span, per file, task and session (`fileReads`). */
  fileReads: readonly FileReadRow[];
  /** The per-request series of the sessions with a file read again and again in the window. */
  readSeries: readonly RequestPoint[];
}

export interface AnomalyThresholds {
  /** A value is far above its baseline when its robust score is at least this (3.5)… */
  minScore: number;
  /** … and it is at least this multiple of the baseline median (2). */
  minRatio: number;
  /** A baseline needs at least this many values (5); fewer and nothing is judged against it. */
  minBaseline: number;
  /** Leak patterns need a thread of at least this many API calls (8). */
  minRequests: number;
  /** Context leak: the context at the end is at least this multiple of the start (3)… */
  leakGrowth: number;
  /** … with cache reads at most this share of the context sent (0.2). */
  leakMaxReadShare: number;
  /** Expiring cache: at least this many large cache writes of similar size in one thread (3). */
  minRewrites: number;
}

export const DEFAULT_THRESHOLDS: AnomalyThresholds = {
  minScore: 3.5,
  minRatio: 2,
  minBaseline: 5,
  minRequests: 8,
  leakGrowth: 3,
  leakMaxReadShare: 0.2,
  minRewrites: 3,
};

export type AnomalyKind =
  | 'task-over-baseline'
  | 'session-over-baseline'
  | 'stage-over-baseline'
  | 'day-over-baseline'
  | 'runaway-turns'
  | 'context-leak'
  | 'cache-expiring'
  | 'file-reread';

/** What a value was measured against. */
export interface BaselineEvidence {
  /** What was measured: `tokens`, `tokensPerEstimatedToken`, `responses`, `cacheReadShare`, `readsPerTask`. */
  metric: string;
  median: number;
  /** Median absolute deviation (unscaled). */
  mad: number;
  /** How many values the baseline has (the flagged one among them). */
  n: number;
  /** What the baseline's values share, e.g. `{ "stage": "review" }`; `{}` for all of their kind. */
  groupedBy: Record<string, string>;
  /** `estimate` when each value was divided by its task's token estimate (task size); else null. */
  scaledBy: 'estimate' | null;
}

/** One API call shown as evidence. */
export interface RecordEvidence {
  dedupKey: string;
  sessionId: string;
  /** '' for the main thread. */
  agentId: string;
  ts: number;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

export interface AnomalyEvidence {
  firstTs: number;
  lastTs: number;
  /** Token counts of what was flagged. */
  tokens: { input: number; output: number; cacheWrite: number; cacheRead: number; total: number };
  responses: number;
  sessions: string[];
  tasks: string[];
  /** The API calls that show the pattern (leak detectors; a re-read file's driven calls); empty for totals. */
  records: RecordEvidence[];
  /** Each read of a re-read file (the call that issued it); absent for the other kinds. */
  reads?: { dedupKey: string; ts: number; taskId: string | null; sessionId: string; repeat: boolean }[];
  /** Pattern numbers, e.g. `contextGrowth`, `cacheReadShare`, `rewrites`. */
  facts: Record<string, number>;
}

export interface Anomaly {
  kind: AnomalyKind;
  /** What is flagged: a task, session (and thread), stage of a task, day, or file. */
  subject: {
    /** The file read again and again (as the agent wrote its path). */
    file?: string;
    task?: string;
    session?: string;
    agentId?: string;
    stage?: string;
    date?: string;
  };
  /** The measured value, in the baseline's metric. */
  value: number;
  baseline: BaselineEvidence;
  /** Robust standard deviations from the baseline median, in the direction of the problem. */
  score: number;
  /** value ÷ baseline median; null when the median is 0. */
  ratio: number | null;
  /**
   * What the baseline predicts and the excess over it, in tokens (API calls for runaway turns):
   * the estimated overrun. Null for the leak patterns. For a re-read file: `reads`, the reads the
   * baseline predicts (its median per task times the tasks) and the reads beyond it.
   */
  overrun: { unit: 'tokens' | 'responses' | 'reads'; expected: number; excess: number } | null;
  evidence: AnomalyEvidence;
  /** One line for people. */
  summary: string;
}

/** A detector: pure, deterministic, over the input only. */
export type Detector = (input: AnomalyInput, thresholds: AnomalyThresholds) => Anomaly[];
