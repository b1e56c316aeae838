/**
 * What imports remember between runs: file cursors and their stamps, directory listings, scan
 * snapshots, agent facts, problems, sources' cost checkpoints and the log of import runs. Nothing
 * here knows a source agent: sources are named by their adapter id.
 * @module
 */
import type { AgentFact, CostCheckpoint, DirListing, FileCursor, IngestProblem } from '../capture/types.js';

export type CursorStamp = Pick<FileCursor, 'identity' | 'size' | 'mtimeMs'>;

export interface ProblemRow extends IngestProblem {
  firstSeen: number;
  lastSeen: number;
}

/** A source's latest cost checkpoint of a session (the one latest in its file). */
export type CostCheckpointRow = Pick<CostCheckpoint, 'sessionId' | 'totalCostUsd' | 'models'>;

/** Which scan snapshot: a source's, for one set of roots (their resolved paths, in order). */
export interface ScanSnapshotKey {
  source: string;
  roots: readonly string[];
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
   * The scan snapshot saved for a source and set of roots, as saved: the snapshot and the delta
   * saved since (see capture/discovery/scan-snapshot.ts); null when there is none.
   */
  scanSnapshot(key: ScanSnapshotKey): Promise<{ snapshot: string; delta: string } | null>;
  /**
   * Saves a scan snapshot for `key` (with an empty delta), or only a new delta for the one saved.
   * Best effort: it never waits for another writer's lock; a snapshot or delta that could not be
   * saved only makes the next import do more.
   */
  saveScanSnapshot(key: ScanSnapshotKey, saved: { snapshot: string } | { delta: string }): Promise<void>;
  /**
   * Sessions (of `among`, or all) with a spawned agent whose id is not known yet: a later import may
   * find the link.
   */
  sessionsWithUnresolvedSpawns(among?: readonly string[]): Promise<Set<string>>;
  /**
   * Agent facts that come with no transcript (a sidecar file, a hook), and the cursors of the sidecar
   * files they were read from (read whole: they replace the old cursors and problems). Per agent the
   * type of the fact with the lowest priority is kept; a spawn's missing fields fill in.
   */
  writeAgentFacts(facts: readonly AgentFact[], cursors: readonly FileCursor[]): Promise<void>;
  /** Records problems that belong to no single import (e.g. discovery errors). */
  writeProblems(problems: readonly IngestProblem[]): Promise<void>;
  problems(limit: number): Promise<{ rows: ProblemRow[]; total: number }>;
  /** The latest cost checkpoints a source wrote for these sessions, by session id. */
  costCheckpoints(source: string, sessionIds: readonly string[]): Promise<Map<string, CostCheckpointRow>>;
  recordImportRun(startedAt: number, finishedAt: number, stats: ImportRunStats): Promise<void>;
}
