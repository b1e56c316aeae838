/**
 * Imports Claude Code history into the ledger: finds the transcripts, reads only what changed since
 * the last import (per-file cursors), and writes each batch of files atomically with their cursors.
 * A large import runs on worker threads that parse and write in parallel; a small one (the usual
 * incremental case) runs in this thread, which is faster than starting workers.
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  type DiscoveredFile,
  type Discovery,
  discoverClaudeFiles,
  statClaudeFiles,
} from '../capture/claude/discover.js';
import { type ClaudeFileJob, importClaudeFile } from '../capture/claude/file-importer.js';
import { type ClaudeRoots, resolveClaudeRoots } from '../capture/claude/paths.js';
import {
  applyDelta,
  checkSnapshot,
  decodeDelta,
  decodeSnapshot,
  encodeDelta,
  encodeSnapshot,
  type FileStamp,
  fileCount,
  type ScanSnapshot,
  snapshotOf,
} from '../capture/claude/scan-snapshot.js';
import type { AgentFact, FileCursor, IngestProblem } from '../capture/types.js';
import { timing } from '../util/timing.js';
import { BatchWriter, type FileProgress } from './batch-writer.js';
import type { ImportWorkerExtra } from './claude-import-worker.js';
import type { CursorStamp, ImportRunStats } from './ingest-state-repository.js';
import type { LedgerStore } from './store.js';
import type { StageMap } from './task-repository.js';
import type { ImportOrigin } from './usage-repository.js';

export interface ImportProgress {
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
}

export interface ImportOptions {
  /** Claude dirs from the config file (CLAUDE_CONFIG_DIR still wins). */
  claudeDirs?: readonly string[];
  /** A regular expression's source that finds a task id in subagent prompts. */
  taskPattern?: string;
  /** Agent type → stage, for the attribute step that follows the import. */
  stageMap?: StageMap;
  origin: ImportOrigin;
  /** Worker threads; 0 imports in this thread. Default: by the amount to read and the CPU count. */
  threads?: number;
  onProgress?: (p: ImportProgress) => void;
  env?: NodeJS.ProcessEnv;
}

export interface ImportSummary extends ImportRunStats {
  roots: ClaudeRoots;
  durationMs: number;
  /**
   * How the Claude dirs were looked at: `snapshot` (every directory and file stat'd as the last scan
   * recorded: nothing new), `changed-files` (only files changed; they were imported) or `walk` (a
   * directory changed, or there was no usable scan snapshot).
   */
  scan: 'snapshot' | 'changed-files' | 'walk';
}

/** Stamps kept in a scan snapshot's delta before it is folded into the snapshot. */
const MAX_DELTA = 512;
/** Below this many bytes to read, starting workers costs more than it saves. */
const WORKER_THRESHOLD_BYTES = 32 << 20;
/** The worker beside this module: the CommonJS bundle's (dist/bin), else tsc's (dist/ledger). */
const WORKER_FILE = ((): URL => {
  const bundled = new URL('./claude-import-worker.cjs', import.meta.url);
  return fs.existsSync(fileURLToPath(bundled))
    ? bundled
    : new URL('./claude-import-worker.js', import.meta.url);
})();

function unchanged(f: DiscoveredFile, c: CursorStamp | undefined): boolean {
  return c !== undefined && c.identity === f.identity && c.size === f.size && c.mtimeMs === f.mtimeMs;
}

function defaultThreads(bytes: number, files: number): number {
  if (bytes < WORKER_THRESHOLD_BYTES || files < 2) return 0;
  // Running from TypeScript sources (tests) there is no compiled worker: import in this thread.
  if (!fs.existsSync(fileURLToPath(WORKER_FILE))) return 0;
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/** Reads an `agent-<id>.meta.json`: the agent's type and the tool_use that spawned it. */
function readMeta(f: DiscoveredFile): { fact: AgentFact | null; problem: IngestProblem | null } {
  const problem = (reason: string): IngestProblem => ({
    file: f.path,
    line: null,
    offset: null,
    severity: 'warning',
    reason,
  });
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(f.path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      fact: null,
      problem: problem(code ? `cannot read the file (${code})` : 'not valid JSON; agent type unknown'),
    };
  }
  // A meta file outside a session dir cannot say which session its agent belongs to: no fact, no problem.
  if (f.sessionHint === null || f.agentHint === null) return { fact: null, problem: null };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { fact: null, problem: problem('not a JSON object; agent type unknown') };
  }
  const o = raw as Record<string, unknown>;
  const agentType = typeof o.agentType === 'string' && o.agentType.length > 0 ? o.agentType : null;
  const toolUseId = typeof o.toolUseId === 'string' && o.toolUseId.length > 0 ? o.toolUseId : null;
  if (agentType === null && toolUseId === null) return { fact: null, problem: null };
  return {
    fact: { sessionId: f.sessionHint, agentId: f.agentHint, toolUseId, agentType, priority: 2 },
    problem: null,
  };
}

export async function importClaudeHistory(
  store: LedgerStore,
  options: ImportOptions,
): Promise<ImportSummary> {
  const started = Date.now();
  const roots = resolveClaudeRoots(options.claudeDirs, options.env);
  const key = JSON.stringify(roots.roots);
  const saved = await store.scanSnapshot(key);
  const base = saved === null ? null : decodeSnapshot(saved.snapshot);
  const delta = saved === null ? new Map<string, FileStamp | undefined>() : decodeDelta(saved.delta);
  const snapshot = base === null ? null : applyDelta(base, delta);
  timing(
    `scan snapshot (${snapshot === null ? 'none' : `${fileCount(snapshot)} files, ${delta.size} in its delta`})`,
  );
  if (snapshot !== null) {
    const stats = await importFromSnapshot(store, key, snapshot, delta, options, started);
    if (stats !== null) return { ...stats, roots, durationMs: Date.now() - started };
  }
  const listings = await store.dirListings();
  timing(`directory listings (${listings.size})`);
  const discovery = discoverClaudeFiles(roots.roots, listings);
  timing(`discovery (${discovery.files.length} files)`);
  const stamps = await store.cursorStamps();
  timing(`cursor stamps (${stamps.size})`);
  const { changed, ...stats } = await importDiscovered(store, discovery, stamps, options, started);
  timing(`import (${stats.filesRead} files read)`);
  // The files that changed have new cursors now; the others' are the stamps they matched.
  const read = new Set(changed);
  const after = read.size === 0 ? new Map<string, CursorStamp>() : await store.cursorStampsOf(changed);
  const next = snapshotOf(discovery, (p) => (read.has(p) ? after.get(p) : stamps.get(p)));
  if (next !== null) await store.saveScanSnapshot(key, { snapshot: encodeSnapshot(next) });
  timing(
    `scan snapshot saved (${next === null ? 'no: a listing is too new or the walk met a problem' : `${fileCount(next)} files`})`,
  );
  return { ...stats, roots, durationMs: Date.now() - started, scan: 'walk' };
}

/**
 * An import guided by the last scan snapshot: nothing to do when every directory and file stats as
 * recorded; only the files that changed are imported when no directory did. Null when a directory
 * changed: the caller walks.
 */
async function importFromSnapshot(
  store: LedgerStore,
  key: string,
  snapshot: ScanSnapshot,
  delta: ReadonlyMap<string, FileStamp | undefined>,
  options: ImportOptions,
  started: number,
): Promise<(ImportRunStats & { bytesLeft: number; scan: 'snapshot' | 'changed-files' }) | null> {
  const check = checkSnapshot(snapshot);
  timing(
    `scan snapshot checked (${check.kind === 'files' ? `${check.changed.length} files changed` : check.kind})`,
  );
  if (check.kind === 'dirs') return null;
  if (check.kind === 'same') {
    // What an import that finds nothing new still does: rollups current, pending usage attributed.
    await store.refreshRollup();
    await store.attributePending(options.stageMap ?? {});
    return {
      filesSeen: check.files,
      filesRead: 0,
      bytesRead: 0,
      records: 0,
      added: 0,
      forgotten: 0,
      problems: 0,
      bytesLeft: 0,
      scan: 'snapshot',
    };
  }
  const paths = check.changed.map((f) => f.path);
  const discovery: Discovery = {
    files: check.changed,
    problems: [],
    listings: new Map(),
    dirs: [],
    absent: [],
  };
  const { changed: _, ...stats } = await importDiscovered(
    store,
    discovery,
    await store.cursorStampsOf(paths),
    options,
    started,
  );
  // The new stamps go into the delta; a long one is folded into the snapshot at once.
  const after = await store.cursorStampsOf(paths);
  const next = new Map(delta);
  for (const p of paths) next.set(p, after.get(p));
  await store.saveScanSnapshot(
    key,
    next.size > MAX_DELTA
      ? { snapshot: encodeSnapshot(applyDelta(snapshot, next)) }
      : { delta: encodeDelta(next) },
  );
  timing(`import of changed files (${stats.filesRead} read)`);
  return { ...stats, filesSeen: check.files, scan: 'changed-files' };
}

export interface TargetedImportOptions extends Omit<ImportOptions, 'claudeDirs' | 'threads' | 'env'> {
  /** Read at most about this many bytes per file; the rest is left for the next import. */
  maxBytesPerFile?: number;
  /** A missing file is expected (a session that has not written its transcript yet): no problem. */
  quietMissing?: boolean;
}

export interface TargetedImportSummary extends ImportRunStats {
  /** Bytes left unread in the files because of `maxBytesPerFile`. */
  bytesLeft: number;
  durationMs: number;
}

/**
 * Imports the given transcript files only (a hook's `transcript_path`, a subagent's file), with no
 * discovery walk: the cheap path for hooks and `run`. Same cursors, merge and attribute step as a
 * full import, so the two can interleave freely.
 */
export async function importClaudeFiles(
  store: LedgerStore,
  paths: readonly string[],
  options: TargetedImportOptions,
): Promise<TargetedImportSummary> {
  const started = Date.now();
  const discovery = statClaudeFiles(paths, options.quietMissing === true);
  const stamps = await store.cursorStampsOf(discovery.files.map((f) => f.path));
  const { changed: _, ...stats } = await importDiscovered(
    store,
    discovery,
    stamps,
    { ...options, threads: 0 },
    started,
  );
  return { ...stats, durationMs: Date.now() - started };
}

async function importDiscovered(
  store: LedgerStore,
  discovery: Discovery,
  stamps: ReadonlyMap<string, CursorStamp>,
  options: Omit<ImportOptions, 'claudeDirs' | 'env'> & { maxBytesPerFile?: number },
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

  const metaFacts: AgentFact[] = [];
  const metaCursors: FileCursor[] = [];
  const otherProblems: IngestProblem[] = [...discovery.problems];
  const jobs: (ClaudeFileJob & { size: number })[] = [];
  const mainSessions = changed.flatMap((f) =>
    f.kind === 'main' && f.sessionHint !== null ? [f.sessionHint] : [],
  );
  const unlinked =
    mainSessions.length === 0
      ? new Set<string>()
      : // Only these sessions matter: a few are looked up one by one, many with one scan.
        await store.sessionsWithUnlinkedSpawns(mainSessions.length < 64 ? mainSessions : undefined);
  let bytesTotal = 0;
  for (const f of changed) {
    const prev = cursors.get(f.path);
    if (f.kind === 'meta') {
      const { fact, problem } = readMeta(f);
      if (fact) metaFacts.push(fact);
      if (problem) otherProblems.push(problem);
      metaCursors.push({
        path: f.path,
        identity: f.identity,
        size: f.size,
        mtimeMs: f.mtimeMs,
        offset: f.size,
        headHash: '',
        headLength: 0,
        tailHash: '',
      });
      continue;
    }
    jobs.push({
      path: f.path,
      kind: f.kind,
      sessionHint: f.sessionHint,
      agentHint: f.agentHint,
      previous: prev ?? null,
      linkHint: f.kind === 'main' && f.sessionHint !== null && unlinked.has(f.sessionHint),
      ...(options.taskPattern === undefined ? {} : { taskPattern: options.taskPattern }),
      ...(options.maxBytesPerFile === undefined ? {} : { maxBytes: options.maxBytesPerFile }),
      size: f.size,
    });
    bytesTotal += Math.max(0, f.size - (prev?.offset ?? 0));
  }
  // Largest first, so the last file to finish is a small one.
  jobs.sort((a, b) => b.size - a.size);

  const progress: ImportProgress = { bytesDone: 0, bytesTotal, filesDone: 0, filesTotal: jobs.length };
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
      const result = importClaudeFile(job);
      bytesLeft += result.bytesLeft;
      onFile(await writer.add(result));
    }
    onFile(await writer.flush());
  }
  await store.refreshRollup();

  if (metaFacts.length > 0 || metaCursors.length > 0) await store.writeAgentFacts(metaFacts, metaCursors);
  if (otherProblems.length > 0) await store.writeProblems(otherProblems);
  if (discovery.listings.size > 0) await store.writeDirListings(discovery.listings);
  await store.attributePending(options.stageMap ?? {});
  stats.problems += otherProblems.length;
  if (jobs.length > 0 || metaCursors.length > 0 || otherProblems.length > 0)
    await store.recordImportRun(started, Date.now(), stats);
  return { ...stats, bytesLeft, changed: changed.map((f) => f.path) };
}

/** Parses and writes the jobs on worker threads, each with its own connection, writes serialized. */
async function runWorkers(
  jobs: readonly ClaudeFileJob[],
  target: Omit<ImportWorkerExtra, 'mutex'>,
  threads: number,
  onFile: (p: FileProgress) => void,
): Promise<void> {
  // Loaded only for a large import: hooks and small imports never pay for worker_threads.
  const [{ SharedMutex }, { runPool }] = await Promise.all([
    import('../util/shared-mutex.js'),
    import('../util/worker-pool.js'),
  ]);
  const extra: ImportWorkerExtra = { ...target, mutex: SharedMutex.create().buffer };
  await runPool<ClaudeFileJob, ImportWorkerExtra, FileProgress>(
    WORKER_FILE,
    jobs,
    extra,
    { threads },
    onFile,
  );
}
