/**
 * Turns parsed Claude Code transcript lines into usage records, `cost-state` totals and subagent facts
 * (FORMATS.md §1). Fields are checked by hand here, not with a schema library: this is the hot path,
 * and every check below is one the logic needs anyway. Problems name the field and value, never the
 * line's content (privacy).
 * @module
 */
import { findTaskId } from '../context/attribution-context.js';
import { addUsageRecord } from '../merge.js';
import type {
  FollowUpPass,
  ParseContext,
  ParsedFile,
  RecordParser,
  SourceFileKind,
} from '../source-adapter.js';
import type { AgentFact, CostCheckpoint, IngestProblem, UsageRecord } from '../types.js';
import { CLAUDE_FACT_PRIORITY } from './agent-facts.js';
import { claudeDedupKey } from './dedup-key.js';
import { ToolActivities } from './tool-activity.js';

export type ClaudeFileKind = Exclude<SourceFileKind, 'meta'>;

/** What the parser of one transcript knows before it reads (its place, the file's mtime, the task pattern). */
export type ClaudeFileContext = ParseContext;

/** More tokens than this in one field of one response is not plausible; such lines are reported. */
export const MAX_PLAUSIBLE_TOKENS = 100_000_000;
/** The `source` of Claude Code's records, and its adapter's id. */
export const CLAUDE_SOURCE = 'claude-code';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** The session a line belongs to: a fork's copy names the original in `requestSessionId`. */
function sessionOf(o: Obj): string | null {
  return str(o.requestSessionId) ?? str(o.sessionId);
}

/**
 * How a bad value is named in a problem. A string is echoed only when it is short and shaped like an
 * identifier or a number (`"12"`, `"yesterday"`); anything else — which could be prompt text — is
 * described by its length, never quoted.
 */
function describe(v: unknown): string {
  if (typeof v === 'string')
    return /^[A-Za-z0-9_.:@+/-]{1,32}$/.test(v) ? JSON.stringify(v) : `a string of ${v.length} characters`;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : String(v);
}

/**
 * A background agent's tool result (`async_launched`) and some progress lines link a spawn to its
 * agent id without any usage. They are looked for only after an unlinked spawn.
 */
const LINK_MARKERS = [Buffer.from('"agentId"')];

export class ClaudeLineParser implements RecordParser {
  readonly records = new Map<string, UsageRecord>();
  readonly costStates: CostCheckpoint[] = [];
  readonly agentFacts: AgentFact[] = [];
  readonly problems: IngestProblem[] = [];
  readonly #ctx: ClaudeFileContext;
  readonly #seenFacts = new Set<string>();
  /** One instance per distinct value: records of one file share their session, model, project... strings. */
  readonly #strings = new Map<string, string>();
  #lastTs: number;
  /** The field that failed in the last token read, for the problem message. */
  #bad: string | null = null;
  /** Agent/Task tool_use ids seen → the offset of their line; and those already linked to an agent id. */
  readonly #spawns = new Map<string, number>();
  readonly #linked = new Set<string>();
  readonly #activities = new ToolActivities();

  constructor(ctx: ClaudeFileContext) {
    this.#ctx = ctx;
    this.#lastTs = ctx.fallbackTs;
  }

  problem(offset: number | null, reason: string, severity: IngestProblem['severity'] = 'error'): void {
    this.problems.push({ file: this.#ctx.file, line: null, offset, severity, reason });
  }

  /** Handles one parsed JSON value from the line at `offset`. */
  handle(value: unknown, offset: number): void {
    if (!isObj(value)) {
      this.problem(offset, `not a JSON object (got ${describe(value)})`);
      return;
    }
    const type = value.type;
    if (type === 'assistant') this.#assistant(value, offset, null);
    else if (type === 'progress') this.#progress(value, offset);
    else if (type === 'cost-state') this.#costState(value, offset);
    else if (type === 'user') this.#userToolResult(value);
  }

  /** A token count at `u[key]`; `where` is the object's path for the problem message. */
  #tokens(u: Obj, key: string, where = 'message.usage'): number {
    const v = u[key];
    if (v === undefined || v === null) return 0;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_PLAUSIBLE_TOKENS) return v;
    this.#bad ??= `${where}.${key} is ${describe(v)}; expected ${typeof v === 'number' && v > MAX_PLAUSIBLE_TOKENS ? `at most ${MAX_PLAUSIBLE_TOKENS}` : 'a non-negative integer'}`;
    return 0;
  }

  #timestamp(v: unknown, offset: number): number {
    if (typeof v === 'string') {
      const ms = Date.parse(v);
      if (!Number.isNaN(ms)) {
        this.#lastTs = ms;
        return ms;
      }
    }
    this.problem(offset, `timestamp is ${describe(v)}; used the previous line's time instead`, 'warning');
    return this.#lastTs;
  }

  /**
   * An assistant record. `outer` is the enclosing progress line, whose fields fill what the nested
   * record lacks.
   */
  #assistant(o: Obj, offset: number, outer: Obj | null): void {
    const m = o.message;
    if (!isObj(m)) {
      this.problem(offset, `message is ${describe(m)}; expected an object`);
      return;
    }
    const u = m.usage;
    if (u === undefined || u === null) return;
    const model = m.model;
    if (model === '<synthetic>') return;
    if (!isObj(u)) {
      this.problem(offset, `message.usage is ${describe(u)}; expected an object`);
      return;
    }
    const messageId = str(m.id);
    if (messageId === null) {
      this.problem(offset, `message.id is ${describe(m.id)}; expected the API message id`);
      return;
    }
    if (typeof model !== 'string' || model.length === 0) {
      this.problem(offset, `message.model is ${describe(model)}; expected a model name`);
      return;
    }
    this.#bad = null;
    const input = this.#tokens(u, 'input_tokens');
    const output = this.#tokens(u, 'output_tokens');
    const cacheWrite = this.#tokens(u, 'cache_creation_input_tokens');
    const cacheRead = this.#tokens(u, 'cache_read_input_tokens');
    const cc = u.cache_creation;
    const cacheWrite1h = isObj(cc)
      ? this.#tokens(cc, 'ephemeral_1h_input_tokens', 'message.usage.cache_creation')
      : 0;
    const stu = u.server_tool_use;
    const webSearch = isObj(stu)
      ? this.#tokens(stu, 'web_search_requests', 'message.usage.server_tool_use')
      : 0;
    if (this.#bad !== null) {
      this.problem(offset, `${this.#bad}; line skipped`);
      return;
    }
    if (cacheWrite1h > cacheWrite) {
      this.problem(
        offset,
        `cache_creation.ephemeral_1h_input_tokens (${cacheWrite1h}) exceeds cache_creation_input_tokens (${cacheWrite}); line skipped`,
      );
      return;
    }
    const requestId = str(o.requestId) ?? (outer ? str(outer.requestId) : null);
    // A nested (progress) record often has no session of its own: the enclosing line's counts, and a
    // fork's copy names the original session in requestSessionId.
    const sessionId = sessionOf(o) ?? (outer ? sessionOf(outer) : null) ?? this.#ctx.sessionHint;
    if (sessionId === null) {
      this.problem(offset, 'no sessionId on the line or in the file name; line skipped');
      return;
    }
    const ts = this.#timestamp(o.timestamp ?? outer?.timestamp, offset);
    const sidechain = o.isSidechain === true || outer !== null || this.#ctx.kind === 'subagent';
    const agentId =
      str(o.agentId) ??
      (outer && isObj(outer.data) ? str(outer.data.agentId) : null) ??
      (sidechain ? this.#ctx.agentHint : null);
    const cost = o.costUSD;
    const geo = str(u.inference_geo);
    const record: UsageRecord = {
      dedupKey: claudeDedupKey(messageId, requestId),
      source: CLAUDE_SOURCE,
      ts,
      sessionId: this.#intern(sessionId),
      agentId: agentId === null ? null : this.#intern(agentId),
      sidechain,
      model: this.#intern(model),
      input,
      output,
      cacheWrite,
      cacheWrite1h,
      cacheRead,
      webSearch,
      outputFinal: typeof m.stop_reason === 'string',
      speed: this.#internOrNull(str(u.speed)),
      geo: this.#internOrNull(geo),
      reportedCost: typeof cost === 'number' && cost >= 0 && Number.isFinite(cost) ? cost : null,
      project: this.#internOrNull(str(o.cwd) ?? (outer ? str(outer.cwd) : null)),
      gitBranch: this.#internOrNull(str(o.gitBranch) ?? (outer ? str(outer.gitBranch) : null)),
      agentVersion: this.#internOrNull(str(o.version) ?? (outer ? str(outer.version) : null)),
    };
    addUsageRecord(this.records, record);

    const attribution = str(o.attributionAgent);
    if (attribution !== null && agentId !== null)
      this.#fact(sessionId, agentId, null, attribution, CLAUDE_FACT_PRIORITY.line);
    const content = m.content;
    if (Array.isArray(content)) {
      for (const block of content) {
        if (!isObj(block) || block.type !== 'tool_use') continue;
        this.#activities.add(record.dedupKey, block);
        if (block.name === 'Agent' || block.name === 'Task') {
          const input = isObj(block.input) ? block.input : {};
          const toolUseId = str(block.id);
          const prompt = input.prompt;
          const byProject = record.project === null ? null : this.#ctx.taskPatternFor?.(record.project);
          const pattern = byProject ?? this.#ctx.taskPattern;
          const taskId = typeof prompt === 'string' ? findTaskId(prompt, pattern) : null;
          this.#fact(
            sessionId,
            null,
            toolUseId,
            str(input.subagent_type) ?? 'general-purpose',
            CLAUDE_FACT_PRIORITY.spawn,
            taskId,
          );
          if (toolUseId !== null && !this.#spawns.has(toolUseId)) this.#spawns.set(toolUseId, offset);
        }
      }
    }
  }

  /** A progress line: may relay a subagent's response (FORMATS.md §8) and links tool_use to agent. */
  #progress(o: Obj, offset: number, linksOnly = false): void {
    const data = o.data;
    if (!isObj(data)) return;
    const agentId = str(data.agentId);
    const sessionId = sessionOf(o) ?? this.#ctx.sessionHint;
    if (agentId !== null && sessionId !== null) {
      const toolUseId = str(o.parentToolUseID);
      this.#fact(sessionId, agentId, toolUseId, str(data.agentType), CLAUDE_FACT_PRIORITY.progress);
      if (toolUseId !== null) this.#linked.add(toolUseId);
    }
    const nested = data.message;
    if (isObj(nested) && isObj(nested.message) && !linksOnly) this.#assistant(nested, offset, o);
  }

  /** A user line holding an Agent/Task tool result: links the spawning tool_use id to the agent id. */
  #userToolResult(o: Obj): void {
    const r = o.toolUseResult;
    if (!isObj(r)) return;
    const agentId = str(r.agentId);
    const m = o.message;
    if (agentId === null || !isObj(m) || !Array.isArray(m.content)) return;
    const sessionId = sessionOf(o) ?? this.#ctx.sessionHint;
    if (sessionId === null) return;
    for (const block of m.content) {
      if (isObj(block) && block.type === 'tool_result') {
        const toolUseId = str(block.tool_use_id);
        this.#fact(sessionId, agentId, toolUseId, str(r.agentType), CLAUDE_FACT_PRIORITY.spawn);
        if (toolUseId !== null) this.#linked.add(toolUseId);
      }
    }
  }

  #costState(o: Obj, offset: number): void {
    const sessionId = str(o.sessionId) ?? this.#ctx.sessionHint;
    const total = o.totalCostUSD;
    if (
      sessionId === null ||
      typeof total !== 'number' ||
      !Number.isFinite(total) ||
      total < 0 ||
      !isObj(o.modelUsage)
    ) {
      this.problem(
        offset,
        'cost-state line without sessionId, a valid totalCostUSD or modelUsage; ignored',
        'warning',
      );
      return;
    }
    const models: CostCheckpoint['models'] = {};
    for (const [model, mu] of Object.entries(o.modelUsage)) {
      if (!isObj(mu)) continue;
      const num = (k: string) => {
        const v = mu[k];
        return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
      };
      models[model] = {
        input: num('inputTokens'),
        output: num('outputTokens'),
        cacheWrite: num('cacheCreationInputTokens'),
        cacheWrite1h: num('cacheCreationEphemeral1hInputTokens'),
        cacheRead: num('cacheReadInputTokens'),
        webSearch: num('webSearchRequests'),
        costUsd: num('costUSD'),
      };
    }
    this.costStates.push({
      source: CLAUDE_SOURCE,
      sessionId,
      totalCostUsd: total,
      models,
      file: this.#ctx.file,
      offset,
    });
  }

  #intern(s: string): string {
    const known = this.#strings.get(s);
    if (known !== undefined) return known;
    this.#strings.set(s, s);
    return s;
  }

  #internOrNull(s: string | null): string | null {
    return s === null ? null : this.#intern(s);
  }

  #fact(
    sessionId: string,
    agentId: string | null,
    toolUseId: string | null,
    agentType: string | null,
    priority: number,
    taskId: string | null = null,
  ): void {
    const key = `${sessionId}|${agentId}|${toolUseId}|${agentType}|${priority}|${taskId}`;
    if (this.#seenFacts.has(key)) return;
    this.#seenFacts.add(key);
    this.agentFacts.push(
      taskId === null
        ? { sessionId, agentId, toolUseId, agentType, priority }
        : { sessionId, agentId, toolUseId, agentType, priority, taskId },
    );
  }

  /**
   * Handles a line for its agent links only (tool results and progress lines that name an agent id).
   * Used by a second, narrow pass over lines the usage pass does not decode.
   */
  handleLinks(value: unknown, offset: number): void {
    if (!isObj(value)) return;
    if (value.type === 'user') this.#userToolResult(value);
    else if (value.type === 'progress') this.#progress(value, offset, true);
  }

  /** The offset of the first Agent/Task spawn whose agent id is still unknown, or null. */
  firstUnlinkedSpawn(): number | null {
    let first: number | null = null;
    for (const [id, offset] of this.#spawns)
      if (!this.#linked.has(id) && (first === null || offset < first)) first = offset;
    return first;
  }

  /** Records from this file so far, in first-seen order. */
  usageRecords(): UsageRecord[] {
    return [...this.records.values()];
  }

  /**
   * A second pass for agent links (tool results and progress lines that name an agent id, which the
   * usage pass does not decode) in a main transcript: from its first spawn still unlinked, or from
   * `linkFrom` when the ledger holds unlinked spawns of the session.
   */
  followUp(linkFrom: number | null): FollowUpPass | null {
    if (this.#ctx.kind !== 'main') return null;
    let from = this.firstUnlinkedSpawn();
    if (linkFrom !== null && (from === null || linkFrom < from)) from = linkFrom;
    return from === null
      ? null
      : { from, markers: LINK_MARKERS, handle: (value, offset) => this.handleLinks(value, offset) };
  }

  result(): ParsedFile {
    return {
      records: this.usageRecords(),
      costCheckpoints: this.costStates,
      agentFacts: this.agentFacts,
      problems: this.problems,
      activities: this.#activities.rows(this.records.keys()),
    };
  }
}
