/**
 * Declared usage-tracker telemetry: what callers declare a task used (`tokenledger record`, MCP
 * `record_usage`), counted only while no captured usage is attributed to the task, and its error log.
 * @module
 */
import type { ImportOrigin } from './usage-repository.js';

/** One agent × model entry of a usage-tracker telemetry declaration, as sent: null where the value was missing. */
export interface DeclaredEntry {
  agent: string;
  model: string;
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  estimatedCost: number | null;
}

/** One usage-tracker telemetry call's declaration of a task's usage (`tokenledger record`, MCP `record_usage`). */
export interface Declaration {
  taskId: string;
  /** Epoch ms of the declared timestamp, or of when it arrived when none was declared. */
  ts: number;
  /** The declared ISO 8601 timestamp as sent; null when missing. */
  declaredAt: string | null;
  /** The caller's `user_request_summary` (`unavailable` when missing): kept because the telemetry format puts it in the task file. */
  summary: string;
  mode: string;
  /** The project (directory) the declaration was made in, for `report --by project` and the `.token-usage/` tree. */
  project: string | null;
  receivedAt: number;
  /** Fields missing from this call, e.g. `entries[0].model`. */
  missing: readonly string[];
  /** Entries with distinct (agent, model): each holds the task's total for that pair, not an increment. */
  entries: readonly DeclaredEntry[];
}

/** A task's declarations merged, and whether captured usage now counts in their place. */
export interface DeclaredTask extends Omit<Declaration, 'entries' | 'missing'> {
  machine: string;
  user: string;
  missing: string[];
  entries: DeclaredEntry[];
  /** True when usage captured from transcripts, hooks or runs is attributed to the task: it counts, the entries do not. */
  captured: boolean;
}

export type TelemetryErrorKind = 'tracking_failure' | 'anomaly';

/** An entry of the usage-tracker error log (`errors-YYYY-MM-DD.md`), keyed so that a repeat updates it. */
export interface TelemetryErrorInput {
  /** What it is about, e.g. `missing:T-1:entries[0].model`; one entry per key. */
  key: string;
  /** Epoch ms when it was first seen (kept on update: it dates the entry). */
  at: number;
  taskId: string | null;
  field: string | null;
  kind: TelemetryErrorKind;
  problem: string;
  /** How it was resolved (as the telemetry format's error log resolves it); null while pending. */
  resolution: string | null;
}

export interface TelemetryErrorRow extends TelemetryErrorInput {
  id: number;
  resolvedAt: number | null;
}

export interface TelemetryRepository {
  /**
   * Merges a usage-tracker telemetry declaration into the task's: each (agent, model) entry replaces the one declared
   * before, except that a null keeps the value declared before; the first declared timestamp stays.
   * Then the task's counted rows are re-derived: usage rows with source `telemetry` exist only while
   * no captured usage is attributed to the task (captured usage wins; the attribute step re-checks).
   */
  declareTask(declaration: Declaration, origin: ImportOrigin): Promise<void>;
  /** Declared tasks whose timestamp is in [fromMs, toMs), or the given ones; ordered by timestamp, then id. */
  declaredTasks(filter: {
    fromMs?: number;
    toMs?: number;
    taskIds?: readonly string[];
  }): Promise<DeclaredTask[]>;
  /** Adds error-log entries, or updates them by key (problem, kind, field and resolution; `at` stays). */
  saveTelemetryErrors(entries: readonly TelemetryErrorInput[]): Promise<void>;
  /** Error-log entries first seen in [fromMs, toMs), or only the pending ones; ordered by time, then id. */
  telemetryErrors(filter: {
    fromMs?: number;
    toMs?: number;
    pending?: boolean;
  }): Promise<TelemetryErrorRow[]>;
}
