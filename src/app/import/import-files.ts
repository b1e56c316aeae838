/**
 * Imports a source's discovered files into the ledger: reads only what changed since the last import
 * (per-file cursors), and writes each batch of files atomically with their cursors. A large import
 * runs on worker threads that parse and write in parallel; a small one (the usual incremental case)
 * runs in this thread, which is faster than starting workers. Knows no source: the adapter reads.
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Discovery } from '../../capture/discovery/walk.js';
import { type FileJob, importFile } from '../../capture/file-import/import-file.js';
import type { SourceAdapter, SourceFile } from '../../capture/source-adapter.js';
import type { AgentFact, FileCursor, IngestProblem } from '../../capture/types.js';
import type { CursorStamp, ImportRunStats } from '../../ledger/ingest-state-repository.js';
import type { LedgerStore } from '../../ledger/store.js';
import type { StageMap } from '../../ledger/task-repository.js';
import type { ImportOrigin } from '../../ledger/usage-repository.js';
import { BatchWriter, type FileProgress } from './batch-writer.js';
import type { ImportWorkerExtra } from './import-worker.js';

/** How far an import is, sent after every file. */
export interface ImportProgress {
  /** The source being imported (its adapter's id). */
  source: string;
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
}

export interface FileImportOptions {
  /** A regular expression's source that finds a task id in subagent prompts. */
  taskPattern?: string;
  /** Beside `taskPattern`, the beads ids of a session's project when it has a `.beads/` folder. */
  beadsIds?: boolean;
  /** Agent type → stage, for the attribute step that follows the import. */
  stageMap?: StageMap;
  origin: ImportOrigin;
  /** Worker threads; 0 imports in this thread. Default: by the amount to read and the CPU count. */
  threads?: number;
  onProgress?: (p: ImportProgress) => void;
  /** Read at most about this many bytes per file; the rest is left for the next import. */
  maxBytesPerFile?: number;
}

/** Below this many bytes to read, starting workers costs more than it saves. */
const WORKER_THRESHOLD_BYTES = 32 << 20;
/** The worker beside this module: the CommonJS bundle's (dist/bin), else tsc's (dist/app/import). */
const WORKER_FILE = ((): URL => {
  const bundled = new URL('./import-worker.cjs', import.meta.url);
  return fs.existsSync(fileURLToPath(bundled)) ? bundled : new URL('./import-worker.js', import.meta.url);
})();

function unchanged(f: SourceFile, c: CursorStamp | undefined): boolean {
  return c !== undefined && c.identity === f.identity && c.size === f.size && c.mtimeMs === f.mtimeMs;
}

function defaultThreads(bytes: number, files: number): number {
  if (bytes < WORKER_THRESHOLD_BYTES || files < 2) return 0;
  // Running from TypeScript sources (tests) there is no compiled worker: import in this thread.
  if (!fs.existsSync(fileURLToPath(WORKER_FILE))) return 0;
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/** The cursor of a sidecar read whole: it only stamps the file. */
function sidecarCursor(f: SourceFile): FileCursor {
  return {
    path: f.path,
    identity: f.identity,
    size: f.size,
    mtimeMs: f.mtimeMs,
    offset: f.size,
    headHash: '',
    headLength: 0,
    tailHash: '',
  };
}

/**
 * Imports the discovered files that changed against their cursor stamps, then refreshes the rollup,
 * writes sidecar facts, problems and listings, and attributes pending usage. `changed` lists the
 * files it read.
 */
export async function importDiscovered(
  store: LedgerStore,
  adapter: SourceAdapter,
  discovery: Discovery,
  stamps: ReadonlyMap<string, CursorStamp>,
  options: FileImportOptions,
  started: number,
): Promise<ImportRunStats & { bytesLeft: number; changed: string[] }> {
  const changed = discovery.files.filter((f) => !unchanged(f, stamps.get(f.path)));
  const cursors =
    changed.length === 0
      ? new Map<string, FileCursor>()
      : await store.loadCursors(changed.filter((f) => stamps.has(f.path)).map((f) => f.path));
  const stats: ImportRunStats = {
    filesSeen: discovery.files.length,
    filesRead: 0,
    bytesRead: 0,
    records: 0,
    added: 0,
    forgotten: 0,
    problems: 0,
  };
  let bytesLeft = 0;

  const sidecarFacts: AgentFact[] = [];
  const sidecarCursors: FileCursor[] = [];
  const otherProblems: IngestProblem[] = [...discovery.problems];
  const jobs: (FileJob & { size: number })[] = [];
  const mainSessions = changed.flatMap((f) =>
    f.kind === 'main' && f.sessionHint !== null ? [f.sessionHint] : [],
  );
  const unresolved =
    mainSessions.length === 0
      ? new Set<string>()
      : // Only these sessions matter: a few are looked up one by one, many with one scan.
        await store.sessionsWithUnresolvedSpawns(mainSessions.length < 64 ? mainSessions : undefined);
  let bytesTotal = 0;
  for (const f of changed) {
    const prev = cursors.get(f.path);
    if (f.kind === 'meta') {
      const { facts, problem } = adapter.readSidecar(f);
      sidecarFacts.push(...facts);
      if (problem) otherProblems.push(problem);
      sidecarCursors.push(sidecarCursor(f));
      continue;
    }
    jobs.push({
      source: adapter.id,
      path: f.path,
      kind: f.kind,
      sessionHint: f.sessionHint,
      agentHint: f.agentHint,
      previous: prev ?? null,
      linkHint: f.kind === 'main' && f.sessionHint !== null && unresolved.has(f.sessionHint),
      ...(options.taskPattern === undefined ? {} : { taskPattern: options.taskPattern }),
      ...(options.beadsIds === true ? { beadsIds: true } : {}),
      ...(options.maxBytesPerFile === undefined ? {} : { maxBytes: options.maxBytesPerFile }),
      size: f.size,
    });
    bytesTotal += Math.max(0, f.size - (prev?.offset ?? 0));
  }
  // Largest first, so the last file to finish is a small one.
  jobs.sort((a, b) => b.size - a.size);

  const progress: ImportProgress = {
    source: adapter.id,
    bytesDone: 0,
    bytesTotal,
    filesDone: 0,
    filesTotal: jobs.length,
  };
  const onFile = (p: FileProgress) => {
    stats.filesRead += p.files;
    stats.bytesRead += p.bytes;
    stats.records += p.records;
    stats.added += p.added;
    stats.forgotten += p.forgotten;
    stats.problems += p.problems;
    progress.filesDone += p.files;
    progress.bytesDone += p.bytes;
    options.onProgress?.(progress);
  };

  const threads = options.threads ?? defaultThreads(bytesTotal, jobs.length);
  if (threads > 0 && jobs.length > 0) {
    // The workers write through their own connections; the store prepares for that and tidies up after.
    const bulk = await store.startBulkImport();
    try {
      await runWorkers(jobs, { ledger: store.at, origin: options.origin }, threads, onFile);
    } finally {
      await bulk.finish();
    }
  } else {
    const writer = new BatchWriter(store, options.origin, null);
    for (const job of jobs) {
      const result = importFile(adapter.formatOf(job.path), job);
      bytesLeft += result.bytesLeft;
      onFile(await writer.add(result));
    }
    onFile(await writer.flush());
  }
  await store.refreshRollup();

  if (sidecarFacts.length > 0 || sidecarCursors.length > 0)
    await store.writeAgentFacts(sidecarFacts, sidecarCursors);
  if (otherProblems.length > 0) await store.writeProblems(otherProblems);
  if (discovery.listings.size > 0) await store.writeDirListings(discovery.listings);
  await store.attributePending(options.stageMap ?? {});
  stats.problems += otherProblems.length;
  if (jobs.length > 0 || sidecarCursors.length > 0 || otherProblems.length > 0)
    await store.recordImportRun(started, Date.now(), stats);
  return { ...stats, bytesLeft, changed: changed.map((f) => f.path) };
}

/** Parses and writes the jobs on worker threads, each with its own connection (SQLite writes serialized). */
async function runWorkers(
  jobs: readonly FileJob[],
  target: Omit<ImportWorkerExtra, 'mutex'>,
  threads: number,
  onFile: (p: FileProgress) => void,
): Promise<void> {
  // Loaded only for a large import: hooks and small imports never pay for worker_threads.
  const [{ SharedMutex }, { runPool }] = await Promise.all([
    import('../../util/shared-mutex.js'),
    import('../../util/worker-pool.js'),
  ]);
  const extra: ImportWorkerExtra = { ...target, mutex: SharedMutex.create().buffer };
  await runPool<FileJob, ImportWorkerExtra, FileProgress>(WORKER_FILE, jobs, extra, { threads }, onFile);
}
