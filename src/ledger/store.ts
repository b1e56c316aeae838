/**
 * The ledger: every repository a backend implements, plus the operations over the whole of it.
 * SQLite (embedded, the default) implements it; a PostgreSQL backend for a team implements the same
 * contract, so callers never know which one they hold. Every method is async for that reason, and
 * batch-oriented so the embedded backend pays no per-row promise cost. A use case that needs only
 * part of the ledger takes the repository it needs (`UsageRepository`, `TaskRepository`, …).
 * @module
 */
import type { LedgerLocation } from '../config/ledger-location.js';
import type { BudgetRepository } from './budget-repository.js';
import type { CallActivityRepository } from './call-activity-repository.js';
import type { ForgetOptions, ForgetOutcome, ForgetSelection } from './forget.js';
import type { IngestStateRepository } from './ingest-state-repository.js';
import type { ImportableRecord, RecordFilter, TimedRecord } from './ledger-records.js';
import type { ReviewProposalRepository } from './review-proposal-repository.js';
import type { RunRepository } from './run-repository.js';
import type { TaskRepository } from './task-repository.js';
import type { TelemetryRepository } from './telemetry-repository.js';
import type { UsageRepository } from './usage-repository.js';

export interface LedgerStats {
  /** Usage rows: API calls read from transcripts, and entries of declared telemetry that count. */
  records: number;
  /** Of those, the entries of declared telemetry (`record`, MCP `record_usage`) that count. */
  declaredRecords: number;
  /** Sessions with usage read from transcripts. */
  sessions: number;
  firstTs: number | null;
  lastTs: number | null;
  /** Files with a cursor: transcripts and subagent `.meta.json` files. */
  files: number;
  /** Of those, subagent `.meta.json` files (read for the agent type; they hold no usage). */
  metaFiles: number;
  /** API calls the user forgot (`tokenledger forget`), which imports skip. */
  forgottenCalls: number;
  problems: number;
  lastImport: number | null;
}

export interface LedgerStore
  extends UsageRepository,
    IngestStateRepository,
    TaskRepository,
    TelemetryRepository,
    RunRepository,
    CallActivityRepository,
    BudgetRepository,
    ReviewProposalRepository {
  readonly kind: 'sqlite' | 'postgres';
  /** Where the ledger is, to open it again (an import worker's own connection). */
  readonly at: LedgerLocation;
  /** A path or a redacted URL, for messages only. */
  readonly location: string;

  stats(): Promise<LedgerStats>;
  /**
   * Every record another ledger can rebuild this one from (see `ledger-records.ts`), oldest first:
   * usage (not the rows derived from declarations), agents, spawns, tasks, spans, runs, declared
   * tasks, telemetry errors, call activity, budgets, the budget warnings shown (with their budget's
   * definition) and review proposals.
   */
  exportRecords(filter: RecordFilter): Promise<TimedRecord[]>;
  /**
   * Merges records into the ledger, in batches of transactions, types in `RECORD_TYPES` order, and
   * marks what changed for a refresh. Per type: usage merges like `writeFiles` (new rows keep the
   * record's origin), and its task, stage and labels are set to the record's; an agent's lower
   * priority wins (ties: the smaller type); a spawn's missing fields fill in; a span is matched by its
   * content (its end and creation keep the earliest known); a run is added unless an identical one
   * exists; tasks, telemetry errors, budgets and review proposals are replaced (a budget whose
   * definition changes forgets its warnings, as `saveBudget` does); activity merges as the capture's
   * does (a call's "no tool" row only while it has no other); a budget warning keeps its earliest
   * claim. New spans and spawn tasks mark the usage they
   * cover for the attribute step. Returns how many records changed something.
   */
  importRecords(records: readonly ImportableRecord[]): Promise<number>;
  /**
   * Forgets a task and what was added for it, or what a source added in a time range (see
   * `ledger/forget.ts`), in one transaction, and remembers what it removed so no import brings it
   * back. Declaring a task again by hand (saveTask, openSpan, declareTask, recordRun) forgets that.
   * With `apply: false` (a dry run) it changes nothing and tells exactly what applying would do.
   */
  forget(selection: ForgetSelection, options: ForgetOptions): Promise<ForgetOutcome>;
  /** The given record keys (`record-identity.ts`) that were forgotten. */
  forgottenKeys(keys: readonly string[]): Promise<Set<string>>;
  close(): Promise<void>;
}
