/**
 * The embedded SQLite ledger (better-sqlite3, WAL). Many processes may write at once: each write is
 * one IMMEDIATE transaction, waits for the lock up to the busy timeout, and merges with the same
 * idempotent rule as the capture side, so concurrent imports converge on the same ledger.
 *
 * The work lives in modules by responsibility (writes, rollup, cursors, queries, tasks,
 * attribution); this class opens the database, migrates it and composes them.
 * @module
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AgentFact, DirListing, FileCursor, IngestProblem } from '../../capture/types.js';
import type { ForgetOptions, ForgetOutcome, ForgetSelection } from '../forget.js';
import { LedgerError } from '../ledger-error.js';
import type { ImportableRecord, RecordFilter, TimedRecord } from '../ledger-records.js';
import { declaredTaskKey, taskKey } from '../record-identity.js';
import type {
  BucketRow,
  CostStateRow,
  CursorStamp,
  DayRow,
  Declaration,
  DeclaredTask,
  FileWrite,
  GroupQuery,
  GroupRow,
  ImportOrigin,
  ImportRunStats,
  LedgerStats,
  LedgerStore,
  OffsetSpan,
  ProblemRow,
  RunRecord,
  RunRow,
  SpanInput,
  SpanRow,
  StageMap,
  TaskRow,
  TaskStatus,
  TaskUpdate,
  TelemetryErrorInput,
  TelemetryErrorRow,
  TimeSpan,
  WriteCounts,
} from '../store.js';
import * as attribution from './attribution.js';
import * as blockUsage from './block-usage.js';
import * as cursors from './cursors.js';
import { deferIndexesIfEmpty, restoreDeferredIndexes } from './deferred-indexes.js';
import { forget } from './forget.js';
import { clearForgotten, forgottenAmong } from './forgotten.js';
import { exportRecords } from './jsonl-records.js';
import { MIGRATIONS } from './migrations.js';
import * as queries from './queries.js';
import { importRecords } from './record-imports.js';
import * as rollup from './rollup.js';
import { Statements } from './statements.js';
import { taskDayGroups } from './task-rollup.js';
import * as taskStore from './tasks.js';
import * as telemetry from './telemetry.js';
import * as writes from './usage-writes.js';

export interface SqliteStoreOptions {
  /** How long a writer waits for another process's lock, in ms. */
  busyTimeoutMs?: number;
  /** A long import: no automatic WAL checkpoints on this connection (the importer checkpoints once at the end). */
  bulk?: boolean;
}

export class SqliteStore implements LedgerStore {
  readonly kind = 'sqlite';
  readonly location: string;
  readonly #s: Statements;

  private constructor(file: string, db: Database.Database) {
    this.location = file;
    this.#s = new Statements(db);
  }

  /** Opens (creating if needed) and migrates the ledger at `file`. */
  static open(file: string, options: SqliteStoreOptions = {}): SqliteStore {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    let db: Database.Database;
    try {
      const binding = nativeBinding();
      db = new Database(file, {
        timeout: options.busyTimeoutMs ?? 30_000,
        ...(binding === undefined ? {} : { nativeBinding: binding }),
      });
    } catch (error) {
      throw new LedgerError(
        `cannot open the ledger at ${file}: ${(error as Error).message}. Check the path and its permissions, or pass --db PATH.`,
        { cause: error },
      );
    }
    try {
      enableWal(db, options.busyTimeoutMs ?? 30_000);
      db.pragma('synchronous = NORMAL');
      // Statement journals (an upsert with a trigger needs one per row) stay in memory, not in temp files.
      db.pragma('temp_store = MEMORY');
      // Import workers each hold a connection: keep their page caches small.
      db.pragma(options.bulk === true ? 'cache_size = -8000' : 'cache_size = -16000');
      if (options.bulk === true) db.pragma('wal_autocheckpoint = 0');
      const store = new SqliteStore(file, db);
      store.#migrate();
      // Import workers open while their import has the indexes deferred; anyone else rebuilds them.
      if (options.bulk !== true) restoreDeferredIndexes(store.#s, { ifIdle: true });
      return store;
    } catch (error) {
      db.close();
      if (error instanceof LedgerError) throw error;
      throw new LedgerError(
        `cannot use the ledger at ${file}: ${(error as Error).message}. Is it a tokenledger database? Pass --db PATH to use another.`,
        { cause: error },
      );
    }
  }

  #migrate(): void {
    const db = this.#s.db;
    const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
    const current = () =>
      (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    if (current() === latest) return;
    this.#s.write(() => {
      const applied = current();
      if (applied > latest) {
        throw new LedgerError(
          `the ledger at ${this.location} has schema version ${applied}, newer than this tokenledger knows (${latest}). Upgrade tokenledger, or pass --db PATH to use another ledger.`,
        );
      }
      for (const m of MIGRATIONS) {
        if (m.version <= applied) continue;
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          m.version,
          m.name,
          Date.now(),
        );
      }
    });
  }

  /** Copies the WAL back into the database (after a bulk import); never waits for readers. */
  async checkpoint(): Promise<void> {
    this.#s.db.pragma('wal_checkpoint(PASSIVE)');
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

  async scanSnapshot(key: string): Promise<{ snapshot: string; delta: string } | null> {
    return cursors.scanSnapshot(this.#s, key);
  }

  async saveScanSnapshot(key: string, saved: { snapshot: string } | { delta: string }): Promise<void> {
    cursors.saveScanSnapshot(this.#s, key, saved);
  }

  async sessionsWithUnlinkedSpawns(among?: readonly string[]): Promise<Set<string>> {
    return cursors.sessionsWithUnlinkedSpawns(this.#s, among);
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

  async beginBulkImport(): Promise<boolean> {
    return deferIndexesIfEmpty(this.#s);
  }

  async endBulkImport(): Promise<void> {
    restoreDeferredIndexes(this.#s);
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
    return queries.groups(this.#s, query);
  }

  async taskDayGroups(tasks: readonly string[]): Promise<GroupRow[]> {
    return taskDayGroups(this.#s, tasks);
  }

  async responseTimes(): Promise<number[]> {
    return blockUsage.responseTimes(this.#s);
  }

  async usageInSpans(spans: readonly TimeSpan[]): Promise<BucketRow[][]> {
    return blockUsage.usageInSpans(this.#s, spans);
  }

  async problems(limit: number): Promise<{ rows: ProblemRow[]; total: number }> {
    return queries.problems(this.#s, limit);
  }

  async costStates(sessionIds: readonly string[]): Promise<Map<string, CostStateRow>> {
    return queries.costStates(this.#s, sessionIds);
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

  async closeSpans(
    match: Partial<Pick<SpanRow, 'scope' | 'sessionId' | 'agentId' | 'project' | 'taskId' | 'source'>>,
    atTs: number,
  ): Promise<number> {
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
    const row = this.#s.get('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  async setMetaValue(key: string, value: string): Promise<void> {
    this.#s.write(() =>
      this.#s
        .get(
          'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        )
        .run(key, value),
    );
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

  async close(): Promise<void> {
    this.#s.db.close();
  }
}

/**
 * Switches a ledger to WAL (once per file; it persists). Changing the journal mode needs an exclusive
 * lock and does not wait on the busy handler, so processes opening a new ledger at the same moment
 * retry here until the busy timeout.
 */
function enableWal(db: Database.Database, timeoutMs: number): void {
  if (db.pragma('journal_mode', { simple: true }) === 'wal') return;
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') || Date.now() > deadline) throw error;
      Atomics.wait(pause, 0, 0, 10 + Math.floor(Math.random() * 20));
    }
  }
}

let addonPath: string | null | undefined;

/**
 * The compiled better-sqlite3 addon, found directly: its default lookup (the `bindings` package) tries
 * a dozen paths and walks a stack trace, which costs a hook a few milliseconds. Undefined falls back
 * to that lookup (an unusual build layout).
 */
function nativeBinding(): string | undefined {
  if (addonPath === undefined) {
    addonPath = null;
    try {
      const dir = path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
      const file = path.join(dir, 'build', 'Release', 'better_sqlite3.node');
      if (fs.existsSync(file)) addonPath = file;
    } catch {
      // use the default lookup
    }
  }
  return addonPath ?? undefined;
}
