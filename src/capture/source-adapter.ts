/**
 * What a source agent (Claude Code today; Codex, Gemini CLI later) provides to the import. Each
 * source is one folder under `capture/` with the same files:
 *
 * - `paths.ts`: where its files live (default roots, the env override such as `CLAUDE_CONFIG_DIR`
 *   or `CODEX_HOME`, and the configured dirs);
 * - `discover.ts`: its {@link SourceLayout}: which dirs to walk below a root, and what a file's
 *   place and name say (its kind, session and agent);
 * - `parse.ts`: its {@link RecordParser}: decoded lines (or a whole document) → {@link UsageRecord}s,
 *   agent facts, cost checkpoints and problems;
 * - `dedup-key.ts`: how a record's `dedupKey` is built (one key per model API call);
 * - `agent-facts.ts`: its agent-fact priorities and the sidecar files that only carry facts;
 * - `adapter.ts`: the {@link SourceAdapter} object that ties them together.
 *
 * Everything else is shared and knows no source: the walk with its directory listings and scan
 * snapshots (`capture/discovery`), cursors and fingerprints that read only new bytes
 * (`capture/file-import`), the dedup merge (`capture/merge.ts`), and the import use case that
 * runs it all on worker threads and writes to the ledger (`app/import`).
 *
 * Why this shape fits the sources of FORMATS.md §6:
 * - Codex rollouts are JSONL under `${CODEX_HOME:-~/.codex}/sessions/YYYY/MM/DD/` and
 *   `archived_sessions/`: two walk roots of one root ({@link SourceLayout.walkRoots}); the path
 *   gives the kind, the uuid in the name the session. Usage is in `event_msg` lines of
 *   `payload.type == "token_count"` (a line filter: {@link SourceFormat.markers}). A line's model
 *   comes from the last `turn_context`, and older rollouts carry only cumulative totals whose
 *   difference is the request's usage: both need earlier lines, so Codex declares
 *   `reread: 'whole-file'` (a changed file is parsed from its start; its dedup keys, e.g.
 *   `<session>:<line ordinal>`, make a re-read idempotent) and its parser keeps the running state
 *   (previous total, current model, subagent replay detection) while it reads one file. A
 *   rollout copied to both `sessions/` and `archived_sessions/` gives the same keys twice, which the
 *   merge counts once.
 * - Gemini chats are JSONL (current) or one JSON document (older) under `~/.gemini/tmp/<project>/
 *   chats/`; the same message id repeats as it is updated, so its dedup key is
 *   `<session>:<message id>` and the ledger's max-merge keeps the final counts. Its adapter's
 *   {@link SourceAdapter.formatOf} picks by name: a `.json` chat has a `container: 'json'` format
 *   (read whole, handed to the parser as one value), a `.jsonl` one a JSONL format read
 *   `whole-file`, since `$rewindTo` and `$set.messages` rewrite what came before.
 * Neither needs a change to shared code: a new folder, and its adapter added to the list the
 * application imports from (`app/import/source-adapters.ts`).
 * @module
 */
import type { AgentFact, CallActivity, CostCheckpoint, IngestProblem, UsageRecord } from './types.js';

/**
 * What a file is to its source. `main`: a session's own transcript; `subagent`: an agent's
 * transcript (a subagent, a spawned thread); `other`: another transcript-shaped file of a session;
 * `meta`: a sidecar that holds facts about an agent but no usage (Claude's `agent-<id>.meta.json`).
 */
export type SourceFileKind = 'main' | 'subagent' | 'other' | 'meta';

/** What a file's place and name say about it. */
export interface FileClass {
  kind: SourceFileKind;
  /** The session the file belongs to, when its path names it. */
  sessionHint: string | null;
  /** The agent the file belongs to, when its path names it. */
  agentHint: string | null;
}

/** A file found by discovery (or named by a hook), classified and stat'd. */
export interface SourceFile extends FileClass {
  path: string;
  /** `dev:ino`. */
  identity: string;
  size: number;
  mtimeMs: number;
}

/** The roots a source reads, resolved from the environment, the config and its defaults. */
export interface SourceRoots {
  /** Dirs that exist and are readable (real paths). */
  roots: string[];
  /** Every dir that was looked at, for the "no history yet" message. */
  searched: string[];
  /** Where the list came from. */
  origin: 'env' | 'config' | 'default';
  /** Problems with dirs the user named that do not stop an import, one sentence each, for stderr. */
  warnings: string[];
}

/**
 * Where a source's files are below a root, and what their place says. Discovery walks the dirs of
 * {@link walkRoots}; a directory's facts are computed once from its path below the walk root, so a
 * scan snapshot can recompute them without walking.
 */
export interface SourceLayout<Facts = unknown> {
  /** The directories to walk below one root (Claude: `<root>/projects`). A missing one is empty. */
  walkRoots(root: string): string[];
  /** What a directory's path below its walk root (`parts`, names) says about the files in it. Pure. */
  dirFacts(parts: readonly string[]): Facts;
  /** A file's class from its directory's facts and its name; null for a file that is not the source's. */
  classify(facts: Facts, name: string): FileClass | null;
  /** Whether a directory listing keeps a file of this name (a cheap test of its suffix). */
  listsFile(name: string): boolean;
  /** A path named outside discovery (a hook's transcript path): its class, or null when not the source's. */
  classifyPath(file: string): FileClass | null;
  /** The problem reason for a named path {@link classifyPath} refused, saying what was expected. */
  notOurs: string;
}

/** What the parser of one file knows before it reads. */
export interface ParseContext extends FileClass {
  file: string;
  /** Used when a record has no usable timestamp and no earlier one had (the file's mtime). */
  fallbackTs: number;
  /** Finds a task id in a spawning prompt (the configured `taskPattern`); only the id is kept. */
  taskPattern: RegExp | null;
  /**
   * The task pattern of the project a line comes from (its cwd), when it differs by project (beads
   * ids in a project with `.beads/`); without it, or for a line without a cwd, `taskPattern`.
   */
  taskPatternFor?: ((cwd: string) => RegExp | null) | undefined;
}

/** A second, narrow pass over a file, asked for by the parser after the first. */
export interface FollowUpPass {
  /** Byte offset to start at (before the end of the first pass). */
  from: number;
  /** Only lines containing one of these are decoded. */
  markers: readonly Buffer[];
  handle(value: unknown, offset: number): void;
}

/** Everything a parser found in one file (or in the new bytes of one). */
export interface ParsedFile {
  records: UsageRecord[];
  costCheckpoints: CostCheckpoint[];
  agentFacts: AgentFact[];
  problems: IngestProblem[];
  /** What each call asked tools to do (see {@link CallActivity}); absent when the source does not tell. */
  activities?: CallActivity[];
}

/**
 * Turns one file's decoded values into normalized records. One instance per file read, so it may
 * keep state across the file's lines (a current model, a previous cumulative total).
 */
export interface RecordParser {
  /** One decoded JSON value of the line (or document) at `offset`. */
  handle(value: unknown, offset: number): void;
  /** Notes a problem at a line (null: the whole file). Problems never quote prompt text. */
  problem(offset: number | null, reason: string, severity?: IngestProblem['severity']): void;
  /**
   * After the first pass: a second pass the parser needs, or null. `linkFrom` is where the ledger
   * asks it to look for agent links (the session has spawns whose agent is not known), or null.
   */
  followUp?(linkFrom: number | null): FollowUpPass | null;
  /** What was found, records merged by dedup key. */
  result(): ParsedFile;
}

/** How a source's transcript files are read. */
export interface SourceFormat {
  /** `jsonl`: one value per line, read incrementally; `json`: one document, read whole. */
  container: 'jsonl' | 'json';
  /**
   * `append`: a file only grows; the next import reads only the bytes after its cursor.
   * `whole-file`: a line's meaning depends on earlier lines, so a changed file is read from its
   * start (dedup keys make the re-read idempotent).
   */
  reread: 'append' | 'whole-file';
  /** Only lines containing one of these byte strings are decoded (all lines when both are empty). */
  markers: readonly Buffer[];
  /** …or starting with one of these. */
  prefixes: readonly Buffer[];
  createParser(ctx: ParseContext): RecordParser;
}

/** What a sidecar file (kind `meta`) says: facts about an agent, no usage. */
export interface SidecarRead {
  facts: AgentFact[];
  problem: IngestProblem | null;
}

/** Options of an import that a source's adapter reads. */
export interface SourceOptions {
  /** Dirs from the config file for this source (its env override still wins). */
  dirs?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** A source agent, as the import sees it. */
export interface SourceAdapter<Facts = unknown> {
  /** The `source` of its usage records (e.g. `claude-code`) and the key of its scan snapshots. */
  readonly id: string;
  /** Its name in messages, e.g. `Claude Code`. */
  readonly label: string;
  /** The dirs to read. A dir the user named that cannot be read throws a UserError that says what to set. */
  resolveRoots(options: SourceOptions): SourceRoots;
  readonly layout: SourceLayout<Facts>;
  /** How a transcript is read (by its name: a source may have several, e.g. older JSON and current JSONL). */
  formatOf(file: string): SourceFormat;
  /** Reads a sidecar (`meta`) file whole. */
  readSidecar(file: SourceFile): SidecarRead;
}
