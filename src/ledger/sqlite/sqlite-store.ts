/**
 * The embedded SQLite ledger (better-sqlite3, WAL). Many processes may write at once: each write is
 * one IMMEDIATE transaction, waits for the lock up to the busy timeout, and merges with the same
 * idempotent rule as the capture side, so concurrent imports converge on the same ledger.
 *
 * The work lives in modules by responsibility (writes, rollup, cursors, queries, tasks,
 * attribution); this class opens the database (`open-database.ts`) and composes them.
 * @module
 */
import type { AgentFact, DirListing, FileCursor, IngestProblem } from '../../capture/types.js';
import type { FileLocation } from '../../config/ledger-location.js';
import type { BudgetInput, BudgetRow, BudgetWarningKey, BudgetWarningRow } from '../budget-repository.js';
import type { FileReadRow } from '../call-activity-repository.js';
import type { ForgetOptions, ForgetOutcome, ForgetSelection } from '../forget.js';
import type {
  CostCheckpointRow,
  CursorStamp,
  ImportRunStats,
  ProblemRow,
  ScanSnapshotKey,
} from '../ingest-state-repository.js';
import type { ImportableRecord, RecordFilter, TimedRecord } from '../ledger-records.js';
import { declaredTaskKey, taskKey } from '../record-identity.js';
import type { ReviewProposal, ReviewProposalRow } from '../review-proposal-repository.js';
import type { RunRecord, RunRow } from '../run-repository.js';
import { sessionRollupDays } from '../session-rollup-sql.js';
import type { LedgerStats, LedgerStore } from '../store.js';
import type {
  SpanInput,
  SpanMatch,
  SpanRow,
  StageMap,
  TaskRow,
  TaskStatus,
  TaskUpdate,
} from '../task-repository.js';
import type {
  Declaration,
  DeclaredTask,
  TelemetryErrorInput,
  TelemetryErrorRow,
} from '../telemetry-repository.js';
import type {
  BucketRow,
  DayRow,
  FileWrite,
  GroupQuery,
  GroupRow,
  ImportOrigin,
  OffsetSpan,
  RequestPoint,
  TimeCount,
  TimeSpan,
  UsageFilter,
  UsageTotalRow,
  WriteCounts,
} from '../usage-repository.js';
import * as attribution from './attribution.js';
import * as blockUsage from './block-usage.js';
import * as budgetStore from './budgets.js';
import { type SqliteBulkImport, startBulkImport } from './bulk-import.js';
import { fileReads } from './call-activity.js';
import * as cursors from './cursors.js';
import { forget } from './forget.js';
import { clearForgotten, forgottenAmong } from './forgotten.js';
import { exportRecords } from './jsonl-records.js';
import { claimMetaValue, metaValue, setMetaValue } from './meta-values.js';
import { openDatabase, type SqliteStoreOptions } from './open-database.js';
import * as queries from './queries.js';
import { importRecords } from './record-imports.js';
import { requestSeries } from './request-series.js';
import * as reviewProposals from './review-proposals.js';
import * as rollup from './rollup.js';
import { sessionRollupGroups } from './session-rollup.js';
import type { Statements } from './statements.js';
import { taskDayGroups } from './task-rollup.js';
import * as taskStore from './tasks.js';
import * as telemetry from './telemetry.js';
import { usageTotals } from './usage-totals.js';
import * as writes from './usage-writes.js';

export type { SqliteStoreOptions } from './open-database.js';

export class SqliteStore implements LedgerStore {
  readonly kind = 'sqlite';
  readonly at: FileLocation;
  readonly location: string;
  readonly #s: Statements;

  private constructor(file: string, s: Statements) {
    this.at = { kind: 'file', path: file };
    this.location = file;
    this.#s = s;
  }

  /** Opens (creating if needed) and migrates the ledger at `file`. */
  static open(file: string, options: SqliteStoreOptions = {}): SqliteStore {
    return new SqliteStore(file, openDatabase(file, options));
  }

  /** Defers the deferrable indexes of an empty ledger; `finish()` builds them and checkpoints the WAL. */
  async startBulkImport(): Promise<SqliteBulkImport> {
    return startBulkImport(this.#s);
  }

  async cursorStamps(): Promise<Map<string, CursorStamp>> {
    return cursors.cursorStamps(this.#s);
  }

  async cursorStampsOf(paths: readonly string[]): Promise<Map<string, CursorStamp>> {
    return cursors.cursorStampsOf(this.#s, paths);
  }

  async loadCursors(paths?: readonly string[]): Promise<Map<string, FileCursor>> {
    return cursors.loadCursors(this.#s, paths);
  }

  async dirListings(): Promise<Map<string, DirListing>> {
    return cursors.dirListings(this.#s);
  }

  async writeDirListings(listings: ReadonlyMap<string, DirListing>): Promise<void> {
    cursors.writeDirListings(this.#s, listings);
  }

  async scanSnapshot(key: ScanSnapshotKey): Promise<{ snapshot: string; delta: string } | null> {
    return cursors.scanSnapshot(this.#s, key);
  }

  async saveScanSnapshot(
    key: ScanSnapshotKey,
    saved: { snapshot: string } | { delta: string },
  ): Promise<void> {
    cursors.saveScanSnapshot(this.#s, key, saved);
  }

  async sessionsWithUnresolvedSpawns(among?: readonly string[]): Promise<Set<string>> {
    return cursors.sessionsWithUnresolvedSpawns(this.#s, among);
  }

  async writeFiles(files: readonly FileWrite[], origin: ImportOrigin): Promise<WriteCounts> {
    return writes.writeFiles(this.#s, files, origin);
  }

  async writeAgentFacts(facts: readonly AgentFact[], fileCursors: readonly FileCursor[]): Promise<void> {
    writes.writeAgentFacts(this.#s, facts, fileCursors);
  }

  async writeProblems(problems: readonly IngestProblem[]): Promise<void> {
    writes.writeProblems(this.#s, problems);
  }

  async recordImportRun(startedAt: number, finishedAt: number, stats: ImportRunStats): Promise<void> {
    writes.recordImportRun(this.#s, startedAt, finishedAt, stats);
  }

  async refreshRollup(): Promise<void> {
    rollup.refreshRollup(this.#s);
  }

  async buckets(fromMs: number | null, toMs: number | null): Promise<BucketRow[]> {
    return rollup.buckets(this.#s, fromMs, toMs);
  }

  async days(spans: readonly OffsetSpan[]): Promise<DayRow[]> {
    return rollup.days(this.#s, spans);
  }

  async rollupRange(): Promise<{ fromMs: number; toMs: number } | null> {
    return rollup.rollupRange(this.#s);
  }

  async groups(query: GroupQuery): Promise<GroupRow[]> {
    const days = sessionRollupDays(query);
    return days !== null ? sessionRollupGroups(this.#s, query, days) : queries.groups(this.#s, query);
  }

  async taskDayGroups(tasks: readonly string[]): Promise<GroupRow[]> {
    return taskDayGroups(this.#s, tasks);
  }

  async fileReads(filter: UsageFilter): Promise<FileReadRow[]> {
    return fileReads(this.#s, filter);
  }

  async requestSeries(
    sessionIds: readonly string[],
    span?: { fromMs?: number; toMs?: number },
  ): Promise<RequestPoint[]> {
    return requestSeries(this.#s, sessionIds, span);
  }

  async usageTotals(filter: UsageFilter, stageMap?: StageMap): Promise<UsageTotalRow[]> {
    return usageTotals(this.#s, filter, stageMap);
  }

  async responseTimes(): Promise<number[]> {
    return blockUsage.responseTimes(this.#s);
  }

  async usageInSpans(spans: readonly TimeSpan[]): Promise<BucketRow[][]> {
    return blockUsage.usageInSpans(this.#s, spans);
  }

  async responseTimesBefore(beforeMs: number | null, limit: number): Promise<TimeCount[]> {
    return blockUsage.responseTimesBefore(this.#s, beforeMs, limit);
  }

  async problems(limit: number): Promise<{ rows: ProblemRow[]; total: number }> {
    return queries.problems(this.#s, limit);
  }

  async costCheckpoints(
    source: string,
    sessionIds: readonly string[],
  ): Promise<Map<string, CostCheckpointRow>> {
    return queries.costCheckpoints(this.#s, source, sessionIds);
  }

  async stats(): Promise<LedgerStats> {
    return queries.stats(this.#s);
  }

  async saveTask(update: TaskUpdate): Promise<TaskRow> {
    clearForgotten(this.#s, [taskKey(update.id)]);
    return taskStore.saveTask(this.#s, update);
  }

  async task(id: string): Promise<TaskRow | null> {
    return taskStore.task(this.#s, id);
  }

  async tasks(filter?: { status?: TaskStatus; project?: string }): Promise<TaskRow[]> {
    return taskStore.tasks(this.#s, filter);
  }

  async taskTree(id: string): Promise<string[]> {
    return taskStore.taskTree(this.#s, id);
  }

  async openSpan(span: SpanInput): Promise<number> {
    if (span.taskId != null) clearForgotten(this.#s, [taskKey(span.taskId)]);
    return taskStore.openSpan(this.#s, span);
  }

  async closeSpans(match: SpanMatch, atTs: number): Promise<number> {
    return taskStore.closeSpans(this.#s, match, atTs);
  }

  async openProjectSpans(project?: string): Promise<SpanRow[]> {
    return taskStore.openProjectSpans(this.#s, project);
  }

  async openSessionSpans(sessionId: string): Promise<SpanRow[]> {
    return taskStore.openSessionSpans(this.#s, sessionId);
  }

  async declareTask(declaration: Declaration, origin: ImportOrigin): Promise<void> {
    clearForgotten(this.#s, [declaredTaskKey(declaration.taskId), taskKey(declaration.taskId)]);
    telemetry.declareTask(this.#s, declaration, origin);
  }

  async declaredTasks(filter: {
    fromMs?: number;
    toMs?: number;
    taskIds?: readonly string[];
  }): Promise<DeclaredTask[]> {
    return telemetry.declaredTasks(this.#s, filter);
  }

  async saveTelemetryErrors(entries: readonly TelemetryErrorInput[]): Promise<void> {
    telemetry.saveTelemetryErrors(this.#s, entries, Date.now());
  }

  async telemetryErrors(filter: {
    fromMs?: number;
    toMs?: number;
    pending?: boolean;
  }): Promise<TelemetryErrorRow[]> {
    return telemetry.telemetryErrors(this.#s, filter);
  }

  async metaValue(key: string): Promise<string | null> {
    return metaValue(this.#s, key);
  }

  async setMetaValue(key: string, value: string): Promise<void> {
    setMetaValue(this.#s, key, value);
  }

  async claimMetaValue(key: string, expected: string | null, next: string | null): Promise<boolean> {
    return claimMetaValue(this.#s, key, expected, next);
  }

  async attributePending(stageMap: StageMap): Promise<number> {
    return attribution.attributePending(this.#s, stageMap);
  }

  async reattributeAll(stageMap: StageMap): Promise<number> {
    return attribution.reattributeAll(this.#s, stageMap);
  }

  async recordRun(run: RunRecord): Promise<number> {
    if (run.taskId !== null) clearForgotten(this.#s, [taskKey(run.taskId)]);
    return taskStore.recordRun(this.#s, run);
  }

  async runs(filter: { sessionId?: string; tasks?: readonly string[] }): Promise<RunRow[]> {
    return taskStore.runs(this.#s, filter);
  }

  async exportRecords(filter: RecordFilter): Promise<TimedRecord[]> {
    return exportRecords(this.#s, filter);
  }

  async importRecords(records: readonly ImportableRecord[]): Promise<number> {
    return importRecords(this.#s, records);
  }

  async forget(selection: ForgetSelection, options: ForgetOptions): Promise<ForgetOutcome> {
    return forget(this.#s, selection, { ...options, now: Date.now() });
  }

  async forgottenKeys(keys: readonly string[]): Promise<Set<string>> {
    return forgottenAmong(this.#s, keys);
  }

  async saveBudget(budget: BudgetInput, at: number): Promise<BudgetRow> {
    return budgetStore.saveBudget(this.#s, budget, at);
  }

  async budgets(): Promise<BudgetRow[]> {
    return budgetStore.budgets(this.#s);
  }

  async removeBudget(name: string): Promise<boolean> {
    return budgetStore.removeBudget(this.#s, name);
  }

  async budgetWarnings(keys: readonly { budget: string; period: string }[]): Promise<BudgetWarningRow[]> {
    return budgetStore.budgetWarnings(this.#s, keys);
  }

  async claimBudgetWarning(key: BudgetWarningKey, at: number): Promise<boolean> {
    return budgetStore.claimBudgetWarning(this.#s, key, at);
  }

  async saveProposals(proposals: readonly ReviewProposal[]): Promise<void> {
    reviewProposals.saveProposals(this.#s, proposals);
  }

  async proposals(ids?: readonly string[]): Promise<ReviewProposalRow[]> {
    return reviewProposals.proposals(this.#s, ids);
  }

  async markProposalApplied(id: string, appliedAt: number): Promise<boolean> {
    return reviewProposals.markProposalApplied(this.#s, id, appliedAt);
  }

  async close(): Promise<void> {
    this.#s.db.close();
  }
}
