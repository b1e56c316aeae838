/**
 * The PostgreSQL ledger: a team's machines write into one database at once. Every write is a
 * row-level upsert with the same idempotent, commutative merge as the SQLite ledger (the maximum of
 * each count, the earliest timestamp), so concurrent imports from many machines converge; refreshes
 * of derived tables (the rollups) take an advisory lock where SQLite relied on its single writer.
 *
 * The work lives in modules by responsibility, each a set of functions over a {@link PgDb}; this
 * class connects, migrates and composes them. Shared helpers for those modules: `originIdOf` and
 * `attributionActive` (usage-writes.ts), `markDirty` (rollup.ts), `addForgotten`, `clearForgotten`,
 * `forgottenAmong` (forgotten.ts), `LOCKS` (migrations.ts), `SIZE_CLASS`, `DIMENSION_SQL` (sql.ts).
 * @module
 */
import type { AgentFact, DirListing, FileCursor, IngestProblem } from '../../capture/types.js';
import { describeLedgerLocation, type PostgresLocation } from '../../config/ledger-location.js';
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
import type { ReviewProposal, ReviewProposalRow } from '../review-proposal-repository.js';
import type { RunRecord, RunRow } from '../run-repository.js';
import { sessionRollupDays } from '../session-rollup-sql.js';
import type { LedgerStats, LedgerStore } from '../store.js';
import type { SpanInput, SpanRow, StageMap, TaskRow, TaskStatus, TaskUpdate } from '../task-repository.js';
import type {
  Declaration,
  DeclaredTask,
  TelemetryErrorInput,
  TelemetryErrorRow,
} from '../telemetry-repository.js';
import type {
  BucketRow,
  BulkImport,
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
import { deferredIndexesMissing, restoreDeferredIndexes, startBulkImport } from './bulk-import.js';
import { fileReads } from './call-activity.js';
import { PgDb } from './connection.js';
import * as cursors from './cursors.js';
import * as forgetting from './forget.js';
import { migrate } from './migrations.js';
import * as queries from './queries.js';
import * as records from './records.js';
import { requestSeries } from './request-series.js';
import * as reviewProposals from './review-proposals.js';
import * as rollup from './rollup.js';
import * as runs from './runs.js';
import { sessionRollupGroups } from './session-rollup.js';
import * as spans from './spans.js';
import { taskDayGroups } from './task-rollup.js';
import * as taskStore from './tasks.js';
import * as telemetry from './telemetry.js';
import { usageTotals } from './usage-totals.js';
import * as writes from './usage-writes.js';

export interface PostgresStoreOptions {
  /** Connections in the pool (default 4). */
  maxConnections?: number;
  /** How long to wait for a connection, in ms (default 15 s). */
  connectTimeoutMs?: number;
  /** An import worker's connection: its import has the deferrable indexes dropped (bulk-import.ts). */
  bulk?: boolean;
}

export class PostgresStore implements LedgerStore {
  readonly kind = 'postgres';
  readonly at: PostgresLocation;
  readonly location: string;
  readonly #db: PgDb;

  private constructor(db: PgDb) {
    this.at = db.location;
    this.location = describeLedgerLocation(db.location);
    this.#db = db;
  }

  /** Connects to the database and brings its schema up to date. */
  static async open(location: PostgresLocation, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const db = PgDb.connect(location, {
      max: options.maxConnections ?? 4,
      connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
    });
    try {
      await migrate(db);
      // Import workers open while their import has the indexes deferred; anyone else rebuilds them.
      if (options.bulk !== true && (await deferredIndexesMissing(db)))
        await restoreDeferredIndexes(db, { ifIdle: true });
    } catch (error) {
      await db.close().catch(() => {});
      throw error;
    }
    return new PostgresStore(db);
  }

  /** The connection, for tests and tools that inspect the database. */
  get db(): PgDb {
    return this.#db;
  }

  async cursorStamps(): Promise<Map<string, CursorStamp>> {
    return cursors.cursorStamps(this.#db);
  }

  async cursorStampsOf(paths: readonly string[]): Promise<Map<string, CursorStamp>> {
    return cursors.cursorStampsOf(this.#db, paths);
  }

  async loadCursors(paths?: readonly string[]): Promise<Map<string, FileCursor>> {
    return cursors.loadCursors(this.#db, paths);
  }

  async dirListings(): Promise<Map<string, DirListing>> {
    return cursors.dirListings(this.#db);
  }

  async writeDirListings(listings: ReadonlyMap<string, DirListing>): Promise<void> {
    await cursors.writeDirListings(this.#db, listings);
  }

  async scanSnapshot(key: ScanSnapshotKey): Promise<{ snapshot: string; delta: string } | null> {
    return cursors.scanSnapshot(this.#db, key);
  }

  async saveScanSnapshot(
    key: ScanSnapshotKey,
    saved: { snapshot: string } | { delta: string },
  ): Promise<void> {
    await cursors.saveScanSnapshot(this.#db, key, saved);
  }

  async sessionsWithUnresolvedSpawns(among?: readonly string[]): Promise<Set<string>> {
    return cursors.sessionsWithUnresolvedSpawns(this.#db, among);
  }

  async writeFiles(files: readonly FileWrite[], origin: ImportOrigin): Promise<WriteCounts> {
    return writes.writeFiles(this.#db, files, origin);
  }

  async writeAgentFacts(facts: readonly AgentFact[], fileCursors: readonly FileCursor[]): Promise<void> {
    await writes.writeAgentFacts(this.#db, facts, fileCursors);
  }

  async writeProblems(problems: readonly IngestProblem[]): Promise<void> {
    await writes.writeProblems(this.#db, problems);
  }

  async recordImportRun(startedAt: number, finishedAt: number, stats: ImportRunStats): Promise<void> {
    await writes.recordImportRun(this.#db, startedAt, finishedAt, stats);
  }

  async startBulkImport(): Promise<BulkImport> {
    return startBulkImport(this.#db);
  }

  async refreshRollup(): Promise<void> {
    await rollup.refreshRollup(this.#db);
  }

  async buckets(fromMs: number | null, toMs: number | null): Promise<BucketRow[]> {
    return rollup.buckets(this.#db, fromMs, toMs);
  }

  async days(offsetSpans: readonly OffsetSpan[]): Promise<DayRow[]> {
    return rollup.days(this.#db, offsetSpans);
  }

  async rollupRange(): Promise<{ fromMs: number; toMs: number } | null> {
    return rollup.rollupRange(this.#db);
  }

  async groups(query: GroupQuery): Promise<GroupRow[]> {
    const days = sessionRollupDays(query);
    return days !== null ? sessionRollupGroups(this.#db, query, days) : queries.groups(this.#db, query);
  }

  async taskDayGroups(tasks: readonly string[]): Promise<GroupRow[]> {
    return taskDayGroups(this.#db, tasks);
  }

  async fileReads(filter: UsageFilter): Promise<FileReadRow[]> {
    return fileReads(this.#db, filter);
  }

  async requestSeries(
    sessionIds: readonly string[],
    span?: { fromMs?: number; toMs?: number },
  ): Promise<RequestPoint[]> {
    return requestSeries(this.#db, sessionIds, span);
  }

  async usageTotals(filter: UsageFilter, stageMap?: StageMap): Promise<UsageTotalRow[]> {
    return usageTotals(this.#db, filter, stageMap);
  }

  async responseTimes(): Promise<number[]> {
    return blockUsage.responseTimes(this.#db);
  }

  async usageInSpans(timeSpans: readonly TimeSpan[]): Promise<BucketRow[][]> {
    return blockUsage.usageInSpans(this.#db, timeSpans);
  }

  async responseTimesBefore(beforeMs: number | null, limit: number): Promise<TimeCount[]> {
    return blockUsage.responseTimesBefore(this.#db, beforeMs, limit);
  }

  async problems(limit: number): Promise<{ rows: ProblemRow[]; total: number }> {
    return queries.problems(this.#db, limit);
  }

  async costCheckpoints(
    source: string,
    sessionIds: readonly string[],
  ): Promise<Map<string, CostCheckpointRow>> {
    return queries.costCheckpoints(this.#db, source, sessionIds);
  }

  async stats(): Promise<LedgerStats> {
    return queries.stats(this.#db);
  }

  async saveTask(update: TaskUpdate): Promise<TaskRow> {
    return taskStore.saveTask(this.#db, update);
  }

  async task(id: string): Promise<TaskRow | null> {
    return taskStore.task(this.#db, id);
  }

  async tasks(filter?: { status?: TaskStatus; project?: string }): Promise<TaskRow[]> {
    return taskStore.tasks(this.#db, filter);
  }

  async taskTree(id: string): Promise<string[]> {
    return taskStore.taskTree(this.#db, id);
  }

  async metaValue(key: string): Promise<string | null> {
    return taskStore.metaValue(this.#db, key);
  }

  async setMetaValue(key: string, value: string): Promise<void> {
    await taskStore.setMetaValue(this.#db, key, value);
  }

  async claimMetaValue(key: string, expected: string | null, next: string | null): Promise<boolean> {
    return taskStore.claimMetaValue(this.#db, key, expected, next);
  }

  async openSpan(span: SpanInput): Promise<number> {
    return spans.openSpan(this.#db, span);
  }

  async closeSpans(
    match: Partial<Pick<SpanRow, 'scope' | 'sessionId' | 'agentId' | 'project' | 'taskId' | 'source'>>,
    atTs: number,
  ): Promise<number> {
    return spans.closeSpans(this.#db, match, atTs);
  }

  async openSessionSpans(sessionId: string): Promise<SpanRow[]> {
    return spans.openSessionSpans(this.#db, sessionId);
  }

  async openProjectSpans(project?: string): Promise<SpanRow[]> {
    return spans.openProjectSpans(this.#db, project);
  }

  async attributePending(stageMap: StageMap): Promise<number> {
    return attribution.attributePending(this.#db, stageMap);
  }

  async reattributeAll(stageMap: StageMap): Promise<number> {
    return attribution.reattributeAll(this.#db, stageMap);
  }

  async declareTask(declaration: Declaration, origin: ImportOrigin): Promise<void> {
    await telemetry.declareTask(this.#db, declaration, origin);
  }

  async declaredTasks(filter: {
    fromMs?: number;
    toMs?: number;
    taskIds?: readonly string[];
  }): Promise<DeclaredTask[]> {
    return telemetry.declaredTasks(this.#db, filter);
  }

  async saveTelemetryErrors(entries: readonly TelemetryErrorInput[]): Promise<void> {
    await telemetry.saveTelemetryErrors(this.#db, entries);
  }

  async telemetryErrors(filter: {
    fromMs?: number;
    toMs?: number;
    pending?: boolean;
  }): Promise<TelemetryErrorRow[]> {
    return telemetry.telemetryErrors(this.#db, filter);
  }

  async recordRun(run: RunRecord): Promise<number> {
    return runs.recordRun(this.#db, run);
  }

  async runs(filter: { sessionId?: string; tasks?: readonly string[] }): Promise<RunRow[]> {
    return runs.runs(this.#db, filter);
  }

  async exportRecords(filter: RecordFilter): Promise<TimedRecord[]> {
    return records.exportRecords(this.#db, filter);
  }

  async importRecords(list: readonly ImportableRecord[]): Promise<number> {
    return records.importRecords(this.#db, list);
  }

  async forget(selection: ForgetSelection, options: ForgetOptions): Promise<ForgetOutcome> {
    return forgetting.forget(this.#db, selection, options);
  }

  async forgottenKeys(keys: readonly string[]): Promise<Set<string>> {
    return forgetting.forgottenKeys(this.#db, keys);
  }

  async saveBudget(budget: BudgetInput, at: number): Promise<BudgetRow> {
    return budgetStore.saveBudget(this.#db, budget, at);
  }

  async budgets(): Promise<BudgetRow[]> {
    return budgetStore.budgets(this.#db);
  }

  async removeBudget(name: string): Promise<boolean> {
    return budgetStore.removeBudget(this.#db, name);
  }

  async budgetWarnings(keys: readonly { budget: string; period: string }[]): Promise<BudgetWarningRow[]> {
    return budgetStore.budgetWarnings(this.#db, keys);
  }

  async claimBudgetWarning(key: BudgetWarningKey, at: number): Promise<boolean> {
    return budgetStore.claimBudgetWarning(this.#db, key, at);
  }

  async saveProposals(proposals: readonly ReviewProposal[]): Promise<void> {
    await reviewProposals.saveProposals(this.#db, proposals);
  }

  async proposals(ids?: readonly string[]): Promise<ReviewProposalRow[]> {
    return reviewProposals.proposals(this.#db, ids);
  }

  async markProposalApplied(id: string, appliedAt: number): Promise<boolean> {
    return reviewProposals.markProposalApplied(this.#db, id, appliedAt);
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}
