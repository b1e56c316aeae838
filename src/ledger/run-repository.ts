/**
 * The outcomes of `tokenledger run`, with the agent CLI's own authoritative totals.
 * @module
 */

/** The outcome of one `tokenledger run`, with the CLI's own authoritative totals. */
export interface RunRecord {
  sessionId: string | null;
  taskId: string | null;
  stage: string | null;
  labels: Record<string, string> | null;
  startedAt: number;
  endedAt: number;
  exitCode: number | null;
  signal: string | null;
  /** The last result's `total_cost_usd` (cumulative for the session when it was resumed). */
  totalCostUsd: number | null;
  /** This run's own cost: the total minus what the session had reported before. */
  costUsd: number | null;
  modelUsage: Record<string, unknown> | null;
  numTurns: number | null;
  durationMs: number | null;
  durationApiMs: number | null;
  isError: boolean;
  subtype: string | null;
  /** `result` (structured output) or `transcript` (none: usage comes from the transcript only). */
  source: string;
}

export interface RunRow extends RunRecord {
  id: number;
}

export interface RunRepository {
  /** Records a run; returns its id. */
  recordRun(run: RunRecord): Promise<number>;
  /** Runs of a session or of the given tasks. */
  runs(filter: { sessionId?: string; tasks?: readonly string[] }): Promise<RunRow[]>;
}
