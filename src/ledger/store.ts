/**
 * The ledger's repository interface. SQLite (embedded, the default) implements it now; a PostgreSQL
 * backend for the team server implements the same contract later, so callers never know which one
 * they hold. Every method is async for that reason, and batch-oriented so the embedded backend pays
 * no per-row promise cost.
 * @module
 */
import type {
  AgentFact,
  CostStateRecord,
  DirListing,
  FileCursor,
  FileImport,
  IngestProblem,
} from '../capture/types.js';
import { addTokenCounts, emptyTokenCounts, type TokenCounts } from '../util/token-counts.js';
import type { ForgetOptions, ForgetOutcome, ForgetSelection } from './forget.js';
import type { ImportableRecord, RecordFilter, TimedRecord } from './ledger-records.js';

/** Where a batch of imported records came from, stamped on every record it writes. */
export interface ImportOrigin {
  machine: string;
  user: string;
}

/** Rows are grouped into 15-minute UTC buckets: every real time zone offset is a multiple of 15 minutes. */
export const BUCKET_MS = 900_000;

/** A size class of the request's whole input (uncached + cache writes + cache reads): 0 ≤100k, 1 ≤200k, 2 >200k. */
export type SizeClass = 0 | 1 | 2;

/** The facts about a group of rows that its price depends on. */
export interface PricingKey {
  model: string;
  sizeClass: SizeClass;
  /** `fast` or '' */
  speed: string;
  /** `inference_geo` or '' */
  geo: string;
}

/**
 * Summed usage of a group of records. Groups never mix rows with and without a reported cost:
 * `reportedRows` is either 0 or `responses`.
 */
export interface UsageSums extends TokenCounts {
  /** Sum of costs the source reported, over the rows that had one. */
  reportedCost: number;
  /** Rows with a reported cost. */
  reportedRows: number;
  /** Number of API responses. */
  responses: number;
  /** Responses whose output count is only a lower bound (no line had a stop_reason). */
  lowerBound: number;
}

/** One row of the 15-minute rollup. */
export interface BucketRow extends PricingKey, UsageSums {
  bucket: number;
}

/** A span of time with one UTC offset; `day` numbers count local days since 1970-01-01. */
export interface OffsetSpan {
  fromMs: number;
  toMs: number;
  /** Local time minus UTC, in ms (a multiple of 15 minutes). */
  offsetMs: number;
}

/** Rollup sums for one local day and pricing key. */
export interface DayRow extends PricingKey, UsageSums {
  day: number;
}

export type GroupDimension =
  | 'session'
  | 'project'
  | 'branch'
  | 'agent'
  | 'agentId'
  | 'machine'
  | 'user'
  | 'model'
  | 'task'
  | 'stage'
  /** A label's value, e.g. `label:category`. */
  | `label:${string}`;

/** Agent type → workflow stage. Types not listed are their own stage; the main thread has none. */
export type StageMap = Readonly<Record<string, string>>;

export interface UsageFilter {
  /** Inclusive, epoch ms. */
  fromMs?: number;
  /** Exclusive, epoch ms. */
  toMs?: number;
  session?: string;
  project?: string;
  /**
   * Only rows whose project (the working directory the usage was captured in, or the project a
   * declaration was made in) is this directory or inside it.
   */
  projectDir?: string;
  /** Only rows attributed to one of these tasks. */
  tasks?: readonly string[];
}

export interface GroupQuery {
  dimensions: readonly GroupDimension[];
  filter: UsageFilter;
  /**
   * How finely rows are split by time: `bucket` (15 minutes, the default: reports group by local day
   * in any zone) or `day` (UTC days: enough for dated prices, and far fewer rows for a total).
   */
  grain?: 'bucket' | 'day';
  /** For the `stage` dimension of rows the attribute step has not given a stage. */
  stageMap?: StageMap;
}

/** An inclusive span of time, epoch ms. */
export interface TimeSpan {
  fromMs: number;
  toMs: number;
}

/** One group: its dimension values, pricing key, 15-minute bucket and sums. */
export interface GroupRow extends PricingKey, UsageSums {
  bucket: number;
  values: Partial<Record<GroupDimension, string>>;
  firstTs: number;
  lastTs: number;
}

export interface ProblemRow extends IngestProblem {
  firstSeen: number;
  lastSeen: number;
}

export interface CostStateRow {
  sessionId: string;
  totalCostUsd: number;
  models: CostStateRecord['models'];
}

export interface ImportRunStats {
  filesSeen: number;
  filesRead: number;
  bytesRead: number;
  /** API-call records read (each file's lines of one response merged into one). */
  records: number;
  /** Of those, API calls new to the ledger; the rest merged into calls it holds, or were forgotten. */
  added: number;
  /** Of those, records skipped because the user forgot their API call. */
  forgotten: number;
  problems: number;
}

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

export type CursorStamp = Pick<FileCursor, 'identity' | 'size' | 'mtimeMs'>;

/**
 * `open`: known to the ledger (named by `run --task`, a hook, a `--parent`, `task estimate --create`)
 * but never started; `active`: started with `task start` and not stopped (its project span is open,
 * see `isActiveSpan` in task-actions); `paused`: another task was started in its project (`task
 * start` resumes it); `done`: stopped.
 */
export type TaskStatus = 'open' | 'active' | 'paused' | 'done';

/** A task: a work item, or a plan or section whose children roll up into it. */
export interface TaskRow {
  id: string;
  title: string | null;
  parentId: string | null;
  status: TaskStatus;
  estimateTokens: number | null;
  estimateUsd: number | null;
  labels: Record<string, string>;
  stage: string | null;
  project: string | null;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
}

/** Fields to set on a task; absent fields keep their value. */
export interface TaskUpdate {
  id: string;
  title?: string | null;
  parentId?: string | null;
  estimateTokens?: number | null;
  estimateUsd?: number | null;
  /** Merged into the task's labels. */
  labels?: Record<string, string>;
  stage?: string | null;
  project?: string | null;
  status?: TaskStatus;
  startedAt?: number;
  endedAt?: number | null;
}

export type SpanScope = 'agent' | 'session' | 'project';

/**
 * An attribution span: usage in its scope and time range belongs to its task, stage and labels.
 * The most specific scope wins (agent, then session, then project; the deepest project dir first),
 * then the latest declaration.
 */
export interface SpanInput {
  scope: SpanScope;
  sessionId?: string | null;
  agentId?: string | null;
  /** A directory: the span covers usage whose working directory is it or below it. */
  project?: string | null;
  fromTs: number;
  toTs?: number | null;
  taskId?: string | null;
  stage?: string | null;
  labels?: Record<string, string> | null;
  /** Who declared it: `task`, `hook`, `run`, … */
  source: string;
}

export interface SpanRow extends SpanInput {
  id: number;
  createdAt: number;
}

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

/** One agent × model entry of a seed 000 declaration, as sent: null where the value was missing. */
export interface DeclaredEntry {
  agent: string;
  model: string;
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  estimatedCost: number | null;
}

/** One seed 000 telemetry call's declaration of a task's usage (`tokenledger record`, MCP `record_usage`). */
export interface Declaration {
  taskId: string;
  /** Epoch ms of the declared timestamp, or of when it arrived when none was declared. */
  ts: number;
  /** The declared ISO 8601 timestamp as sent; null when missing. */
  declaredAt: string | null;
  /** The caller's `user_request_summary` (`unavailable` when missing): kept because seed 000 puts it in the task file. */
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

/** An entry of the seed 000 error log (`errors-YYYY-MM-DD.md`), keyed so that a repeat updates it. */
export interface TelemetryErrorInput {
  /** What it is about, e.g. `missing:T-1:entries[0].model`; one entry per key. */
  key: string;
  /** Epoch ms when it was first seen (kept on update: it dates the entry). */
  at: number;
  taskId: string | null;
  field: string | null;
  kind: TelemetryErrorKind;
  problem: string;
  /** How it was resolved (seed 000 8.3); null while pending. */
  resolution: string | null;
}

export interface TelemetryErrorRow extends TelemetryErrorInput {
  id: number;
  resolvedAt: number | null;
}

/** One file's import, ready to be written atomically with its cursor. */
export type FileWrite = FileImport;

/**
 * What a write of imported usage did. Every record read is an API call new to the ledger, merged into
 * one it holds (the same call in another file or line: forks, relayed subagent progress, a response
 * split over lines, an earlier import), or skipped because the user forgot that call.
 */
export interface WriteCounts {
  /** API calls new to the ledger. */
  added: number;
  /** Records skipped: their API call was forgotten (`tokenledger forget`). */
  forgotten: number;
}

export interface LedgerStore {
  readonly kind: 'sqlite' | 'postgres';
  /** A path or a redacted URL, for messages. */
  readonly location: string;

  /** Housekeeping after a bulk import (SQLite: a WAL checkpoint). */
  checkpoint(): Promise<void>;
  /** What is needed to tell whether a file changed since its import: path → identity, size, mtime. */
  cursorStamps(): Promise<Map<string, CursorStamp>>;
  /** The same for a few files (a targeted import), by primary key. */
  cursorStampsOf(paths: readonly string[]): Promise<Map<string, CursorStamp>>;
  /** Directory listings from the last discovery. */
  dirListings(): Promise<Map<string, DirListing>>;
  /** Remembers new or changed directory listings. */
  writeDirListings(listings: ReadonlyMap<string, DirListing>): Promise<void>;
  /**
   * The scan snapshot saved for a set of Claude dirs (`key`), as saved: the snapshot and the delta
   * saved since (see capture/claude/scan-snapshot.ts); null when there is none.
   */
  scanSnapshot(key: string): Promise<{ snapshot: string; delta: string } | null>;
  /**
   * Saves a scan snapshot for `key` (with an empty delta), or only a new delta for the one saved.
   * Best effort: it never waits for another writer's lock; a snapshot or delta that could not be
   * saved only makes the next import do more.
   */
  saveScanSnapshot(key: string, saved: { snapshot: string } | { delta: string }): Promise<void>;
  /** Sessions with an Agent/Task spawn whose agent id is not known yet (a later import may find it). */
  sessionsWithUnlinkedSpawns(among?: readonly string[]): Promise<Set<string>>;
  /** Full cursors of the given files (those that changed). */
  loadCursors(paths?: readonly string[]): Promise<Map<string, FileCursor>>;
  /**
   * Writes files' records, totals, agent facts, problems and cursors in one transaction, and marks
   * the affected time buckets for a rollup refresh. Safe to call from many processes at once:
   * the merge is idempotent and commutative, so the result is the same in any order.
   */
  writeFiles(files: readonly FileWrite[], origin: ImportOrigin): Promise<WriteCounts>;
  /**
   * Before a large import. On a ledger with no usage yet, the store may stop maintaining some
   * secondary indexes row by row and build them once in {@link endBulkImport} (which must follow,
   * also after a failure; a store that finds them missing when it opens rebuilds them). True if it did.
   */
  beginBulkImport(): Promise<boolean>;
  /** After a large import: rebuilds what {@link beginBulkImport} deferred. */
  endBulkImport(): Promise<void>;
  /** Refreshes the rollup for buckets written since the last refresh (reads of the rollup do it too). */
  refreshRollup(): Promise<void>;
  /** Agent facts that do not come with a file (e.g. `.meta.json`), and their files' cursors. */
  writeAgentFacts(facts: readonly AgentFact[], cursors: readonly FileCursor[]): Promise<void>;
  /** Records problems that belong to no single import (e.g. discovery errors). */
  writeProblems(problems: readonly IngestProblem[]): Promise<void>;
  recordImportRun(startedAt: number, finishedAt: number, stats: ImportRunStats): Promise<void>;

  /** Rollup rows in [fromMs, toMs). */
  buckets(fromMs: number | null, toMs: number | null): Promise<BucketRow[]>;
  /** Rollup sums grouped by local day, computed in the database, span by span. */
  days(spans: readonly OffsetSpan[]): Promise<DayRow[]>;
  /** First and last instant the rollup covers, or null when it is empty. */
  rollupRange(): Promise<{ fromMs: number; toMs: number } | null>;
  groups(query: GroupQuery): Promise<GroupRow[]>;
  /**
   * The usage of each of `tasks` (its own rows, not its subtree) by task and UTC day: the rows
   * `groups({dimensions: ['task'], grain: 'day', filter: {tasks}})` gives, from a per-task rollup.
   */
  taskDayGroups(tasks: readonly string[]): Promise<GroupRow[]>;
  /**
   * The time of every API response, oldest first: what billing blocks are drawn from. Rows derived
   * from declared telemetry are left out (they carry a task's total, not a response's time).
   */
  responseTimes(): Promise<number[]>;
  /**
   * The usage of the API responses in each span (bounds included; spans do not overlap), as rollup
   * rows: per 15-minute bucket and pricing key. Declared-telemetry rows are left out.
   */
  usageInSpans(spans: readonly TimeSpan[]): Promise<BucketRow[][]>;
  problems(limit: number): Promise<{ rows: ProblemRow[]; total: number }>;
  costStates(sessionIds: readonly string[]): Promise<Map<string, CostStateRow>>;
  stats(): Promise<LedgerStats>;

  /** Creates or updates a task. */
  saveTask(update: TaskUpdate): Promise<TaskRow>;
  task(id: string): Promise<TaskRow | null>;
  tasks(filter?: { status?: TaskStatus; project?: string }): Promise<TaskRow[]>;
  /** A task's id and all its descendants' ids. */
  taskTree(id: string): Promise<string[]>;
  /** Opens an attribution span and re-attributes the usage it covers. Returns its id. */
  openSpan(span: SpanInput): Promise<number>;
  /** Ends the open spans that match at `atTs`, and re-attributes the usage they covered. Returns how many ended. */
  closeSpans(
    match: Partial<Pick<SpanRow, 'scope' | 'sessionId' | 'agentId' | 'project' | 'taskId' | 'source'>>,
    atTs: number,
  ): Promise<number>;
  /** Open session spans of `sessionId`, the latest first. */
  openSessionSpans(sessionId: string): Promise<SpanRow[]>;
  /** A small persistent value (e.g. which overrun warnings were shown), or null. */
  metaValue(key: string): Promise<string | null>;
  setMetaValue(key: string, value: string): Promise<void>;
  /**
   * Open project spans, most specific first, that cover `project` (the dir or one above it) now;
   * without `project`, every open project span.
   */
  openProjectSpans(project?: string): Promise<SpanRow[]>;
  /** Gives pending rows their task, stage and labels. Returns how many rows were attributed. */
  attributePending(stageMap: StageMap): Promise<number>;
  /** Re-applies every span to every row (e.g. after the stage map changed). */
  reattributeAll(stageMap: StageMap): Promise<number>;
  /**
   * Merges a seed 000 declaration into the task's: each (agent, model) entry replaces the one declared
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
  recordRun(run: RunRecord): Promise<number>;
  runs(filter: { sessionId?: string; tasks?: readonly string[] }): Promise<RunRow[]>;
  /**
   * Every record another ledger can rebuild this one from (see `ledger-records.ts`), oldest first:
   * usage (not the rows derived from declarations), agents, spawns, tasks, spans, runs, declared
   * tasks and telemetry errors.
   */
  exportRecords(filter: RecordFilter): Promise<TimedRecord[]>;
  /**
   * Merges records into the ledger, in batches of transactions, types in `RECORD_TYPES` order, and
   * marks what changed for a refresh. Per type: usage merges like {@link writeFiles} (new rows keep the
   * record's origin), and its task, stage and labels are set to the record's; an agent's lower
   * priority wins (ties: the smaller type); a spawn's missing fields fill in; a span is matched by its
   * content (its end and creation keep the earliest known); a run is added unless an identical one
   * exists; tasks and telemetry errors are replaced. New spans and spawn tasks mark the usage they
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

/** All-zero sums. */
export function emptySums(): UsageSums {
  return { ...emptyTokenCounts(), reportedCost: 0, reportedRows: 0, responses: 0, lowerBound: 0 };
}

/** Adds `from` into `into`: its token counts with {@link addTokenCounts}, then the response counts. */
export function addSums(into: UsageSums, from: UsageSums): void {
  addTokenCounts(into, from);
  into.reportedCost += from.reportedCost;
  into.reportedRows += from.reportedRows;
  into.responses += from.responses;
  into.lowerBound += from.lowerBound;
}
