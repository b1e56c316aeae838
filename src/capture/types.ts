/**
 * The normalized records every capture source produces. A source only turns its input into these;
 * it never aggregates across sources or prints.
 * @module
 */
import type { TokenCounts } from '../util/token-counts.js';

/**
 * One model API call: its token counts and where it happened. Several transcript lines of one response merge into one record (see
 * {@link mergeUsageRecord}); the ledger applies the same merge across files and import runs.
 */
export interface UsageRecord extends TokenCounts {
  /**
   * Global de-duplication key: `message.id:requestId`, or `message.id` when there is no requestId.
   * (Message ids never contain `:`, so both ids can be read back from it.)
   */
  dedupKey: string;
  /** Which capture source produced it, e.g. `claude-code`. */
  source: string;
  /** Epoch milliseconds of the earliest line of the response. */
  ts: number;
  sessionId: string;
  agentId: string | null;
  sidechain: boolean;
  model: string;
  /** True when some line of the response had a `stop_reason`, so `output` is final, not a lower bound. */
  outputFinal: boolean;
  /** `usage.speed` (`fast` has its own price), or null. */
  speed: string | null;
  /** `usage.inference_geo` (US-only inference costs more on some models), or null. */
  geo: string | null;
  /** A cost the source itself wrote for this response (old transcripts' `costUSD`), or null. */
  reportedCost: number | null;
  /** The real working directory of the session. */
  project: string | null;
  gitBranch: string | null;
  /** The agent's version, e.g. Claude Code `2.1.330`. */
  agentVersion: string | null;
}

/**
 * A source's own running cost totals for a session (Claude Code's `cost-state` line), kept as a
 * cross-check and to tell a resumed run's share. The ledger keeps the latest per source and session.
 */
export interface CostCheckpoint {
  /** The source that wrote it (its adapter's id). */
  source: string;
  sessionId: string;
  totalCostUsd: number;
  /** Per model: token totals and the source's cost. */
  models: Record<string, TokenCounts & { costUsd: number }>;
  /** Ordering within a file: later lines win. */
  file: string;
  offset: number;
}

/**
 * A fact about a subagent: its type, or the tool call that spawned it. Facts from different lines
 * and files combine in the ledger (a spawning call names the type, its result names the id).
 */
export interface AgentFact {
  sessionId: string;
  agentId: string | null;
  toolUseId: string | null;
  agentType: string | null;
  /**
   * How much the source trusts where the type came from: the ledger keeps the type of the fact with
   * the lowest priority. The adapter sets it (`agent-facts.ts`), from 1 up to
   * {@link SPAWN_FACT_PRIORITY}, the priority of a type known only from the spawning call.
   */
  priority: number;
  /** A task id found in the spawning prompt by the configured pattern (only the id is kept, never the prompt). */
  taskId?: string | null;
}

/** The priority of an agent type known only from the call that spawned the agent: the weakest. */
export const SPAWN_FACT_PRIORITY = 4;

export type ProblemSeverity = 'error' | 'warning';

/** Something in the input that could not be used as it was. Never silently dropped. */
export interface IngestProblem {
  file: string;
  /** 1-based line number, or null when the problem concerns the whole file. */
  line: number | null;
  /** Byte offset of the line, used to compute `line` and to keep problems unique. */
  offset: number | null;
  severity: ProblemSeverity;
  reason: string;
}

/**
 * A directory's relevant entries as last read. A dir's mtime changes when entries are added, removed
 * or renamed (not when a file in it grows), so an unchanged mtime means the same entries.
 */
export interface DirListing {
  mtimeMs: number;
  /** When it was listed; it is trusted only if listed well after its last change (coarse mtimes). */
  listedAt: number;
  /** `d<name>` a directory, `l<name>` a symlink, `f<name>` a file the source lists (its transcripts and sidecars). */
  entries: string[];
}

/** What the ledger remembers about a file so the next import reads only new bytes. */
export interface FileCursor {
  path: string;
  /** `dev:ino` of the file; a changed identity means the file was replaced. */
  identity: string;
  size: number;
  mtimeMs: number;
  /** Bytes consumed: just past the last complete line. */
  offset: number;
  /** Hash of the first `headLength` bytes, to notice a rewritten file. */
  headHash: string;
  headLength: number;
  /** Hash of up to 64 bytes just before `offset`. */
  tailHash: string;
}

/** The outcome of importing one file. */
export interface FileImport {
  path: string;
  cursor: FileCursor | null;
  /** True when the file was read from the start (new, rewritten or truncated). */
  fromStart: boolean;
  /** When the read began (epoch ms): a cursor another process wrote after it is not replaced. */
  readAt: number;
  bytesRead: number;
  /** Bytes left unread because the job's `maxBytes` budget ran out (the next import reads them). */
  bytesLeft: number;
  records: UsageRecord[];
  costCheckpoints: CostCheckpoint[];
  agentFacts: AgentFact[];
  problems: IngestProblem[];
  /** What each API call's response asked tools to do (absent from sources that do not tell). */
  activities?: CallActivity[];
}

/** What a file tool did with its file: `read` it, `edit` it (edit, write, notebook edit), or `search` in it. */
export type FileOp = 'read' | 'edit' | 'search';

/**
 * One tool use that an API call's response asked for, as identifiers only (never an input's content):
 * the tool, the MCP server it belongs to, the skill or subagent type it starts, the file it works on.
 * Every source gives the same shape.
 *
 * The row is keyed by the call that ISSUED the tool use. The tokens it drives are those of the NEXT
 * call of the same thread (same source, session, agent id and sidechain flag, by time), whose input
 * carries the tool's result: the ledger resolves that link when it reads (see
 * `ledger/call-activity-sql.ts`), so files imported in any order and a response split over several
 * lines or files give the same rows.
 *
 * Every call a source read gets at least one row: a call that asked for no tool has one row with
 * `toolUseId` `''` and every other field null. It says "this call was read, and asked for nothing",
 * so the ledger can tell "no tool" from "not known" (a call imported before tool uses were recorded).
 */
export interface CallActivity {
  /** The dedup key of the API call whose response issued the tool use. */
  dedupKey: string;
  /** The tool use's id (unique within the response), or `''` for the row of a call without tool use. */
  toolUseId: string;
  /** The tool's own name (`Read`, `Bash`; for an MCP tool its name on its server, e.g. `create_issue`). */
  tool: string | null;
  /** The MCP server of an MCP tool (Claude Code's `mcp__<server>__<tool>`), else null. */
  mcpServer: string | null;
  /** The skill a skill tool runs (Claude Code's `Skill` tool, its `skill` input), else null. */
  skill: string | null;
  /** The subagent type a spawning tool starts (Claude Code's `Task`/`Agent`, `subagent_type`), else null. */
  agentType: string | null;
  /** The file path a file tool works on, as the agent wrote it, else null. */
  file: string | null;
  fileOp: FileOp | null;
}
