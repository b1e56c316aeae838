/**
 * What imports remember between runs: file cursors and their stamps, directory listings, scan
 * snapshots, agent facts, problems and the log of import runs.
 * @module
 */
import type { AgentFact, CostStateRecord, DirListing, FileCursor, IngestProblem } from '../capture/types.js';

export type CursorStamp = Pick<FileCursor, 'identity' | 'size' | 'mtimeMs'>;

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

export interface IngestStateRepository {
  /** What is needed to tell whether a file changed since its import: path → identity, size, mtime. */
  cursorStamps(): Promise<Map<string, CursorStamp>>;
  /** The same for a few files (a targeted import), by primary key. */
  cursorStampsOf(paths: readonly string[]): Promise<Map<string, CursorStamp>>;
  /** Full cursors of the given files (those that changed). */
  loadCursors(paths?: readonly string[]): Promise<Map<string, FileCursor>>;
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
  /** Agent facts that do not come with a file (e.g. `.meta.json`), and their files' cursors. */
  writeAgentFacts(facts: readonly AgentFact[], cursors: readonly FileCursor[]): Promise<void>;
  /** Records problems that belong to no single import (e.g. discovery errors). */
  writeProblems(problems: readonly IngestProblem[]): Promise<void>;
  problems(limit: number): Promise<{ rows: ProblemRow[]; total: number }>;
  costStates(sessionIds: readonly string[]): Promise<Map<string, CostStateRow>>;
  recordImportRun(startedAt: number, finishedAt: number, stats: ImportRunStats): Promise<void>;
}
