/**
 * Turns the events of one `claude -p` output into a {@link ClaudeRunResult}: the last result event
 * wins, assistant events are the fallback, and every skipped line is counted.
 * @module
 */
import { addTokenCounts, emptyTokenCounts } from '../../../util/token-counts.js';
import { isJsonObject, type JsonObject, readString } from './json-fields.js';
import { MessageUsageTracker } from './message-usage-tracker.js';
import { RateLimitTracker } from './rate-limit-tracker.js';
import { type ResultEvent, readResultEvent } from './result-event.js';
import { fromClaudeTokenCounts, toClaudeTokenCounts } from './token-counts.js';
import type { ClaudeResultSummary, ClaudeRunResult } from './types.js';
import { chooseUsage } from './usage-choice.js';

/** Event types of Claude Code's stream-json / Agent SDK messages that carry nothing we need. */
const OTHER_EVENT_TYPES = new Set([
  'user',
  'tool_progress',
  'tool_use_summary',
  'auth_status',
  'keep_alive',
  'control_request',
  'control_response',
  'control_cancel_request',
  'streamlined_text',
  'streamlined_tool_use_summary',
  'prompt_suggestion',
]);

const MAX_ERRORS = 100;
/**
 * Characters of deferred assistant lines held before they are parsed anyway (keeps memory bounded
 * when a turn is long or no result event ever comes).
 */
export const MAX_DEFERRED_CHARS = 2 ** 20;
const PREVIEW_CHARS = 60;

/** A line that was skipped, for the warning that names the first one. */
interface Skipped {
  count: number;
  firstLine: number;
  firstPreview: string;
}

const preview = (line: string): string => {
  const s = JSON.stringify(line.trim().slice(0, PREVIEW_CHARS));
  return line.trim().length > PREVIEW_CHARS ? `${s.slice(0, -1)}…"` : s;
};

/** Sums the fields of a run's numbers that are present; null when none is. */
function sumPresent(values: (number | null)[]): number | null {
  let sum: number | null = null;
  for (const v of values) if (v !== null) sum = (sum ?? 0) + v;
  return sum;
}

/** Collects events and line-level problems; {@link finish} builds the result. */
export class RunAccumulator {
  private readonly messages = new MessageUsageTracker();
  private readonly rateLimits = new RateLimitTracker();
  private readonly results: ClaudeResultSummary[] = [];
  private lastModelUsage: JsonObject | null = null;
  private lines = 0;
  private events = 0;
  private assistantEvents = 0;
  /** `assistant`/stream events not parsed yet: a result event makes them unnecessary. */
  private deferred: string[] = [];
  private deferredLineNos: number[] = [];
  private deferredChars = 0;
  /** The last `system/init` line, parsed at the end. */
  private lastInit: { line: string; lineNo: number } | null = null;
  private readonly nonJson: Skipped = { count: 0, firstLine: 0, firstPreview: '' };
  private readonly foreign: Skipped = { count: 0, firstLine: 0, firstPreview: '' };
  private readonly problems: string[] = [];
  private initSessionId: string | null = null;
  private anySessionId: string | null = null;
  private claudeCodeVersion: string | null = null;
  private initModel: string | null = null;

  /** Counts a non-empty line. */
  countLine(): void {
    this.lines++;
  }

  /** Takes back a {@link countLine} (a line that is read again). */
  uncountLine(): void {
    this.lines--;
  }

  /** Counts a Claude Code event that was skipped without parsing (it cannot carry usage). */
  countSkippedEvent(): void {
    this.events++;
  }

  /**
   * An `assistant` event or a stream event with usage, known from its prefix (so counted as an event
   * now): parsed only if no result event comes after it, or when too many are waiting.
   */
  deferMessage(line: string, lineNo: number): void {
    this.events++;
    // `{"type":"assistant"` (the other deferred type is `stream_event`)
    if (line.charCodeAt(9) === 0x61) this.assistantEvents++;
    this.deferred.push(line);
    this.deferredLineNos.push(lineNo);
    this.deferredChars += line.length;
    if (this.deferredChars > MAX_DEFERRED_CHARS) this.parseDeferred();
  }

  /** A `system/init` event, known from its prefix: only the last one is parsed, at the end. */
  deferInit(line: string, lineNo: number): void {
    this.events++;
    this.lastInit = { line, lineNo };
  }

  /** A line that is not JSON. */
  nonJsonLine(line: string, lineNo: number): void {
    this.skip(this.nonJson, line, lineNo);
  }

  /** A problem to report as is (a cut-off last line, an over-long line, …). */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** Handles one parsed JSON value (an event, or an array of events as `--output-format json --verbose` prints). */
  value(value: unknown, line: string, lineNo: number): void {
    let recognised = 0;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (this.dispatch(item, true)) {
        this.events++;
        recognised++;
      }
    }
    if (recognised === 0) this.skip(this.foreign, line, lineNo);
  }

  /** Parses and handles a line that was counted as an event when it was put aside. */
  private parseCounted(line: string, lineNo: number): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.events--;
      this.nonJsonLine(line, lineNo);
      return;
    }
    if (!this.dispatch(value, false)) {
      this.events--;
      this.skip(this.foreign, line, lineNo);
    }
  }

  private parseDeferred(): void {
    const lines = this.deferred;
    const lineNos = this.deferredLineNos;
    this.dropDeferred();
    for (const [i, line] of lines.entries()) this.parseCounted(line, lineNos[i] ?? 0);
  }

  private dropDeferred(): void {
    this.deferred = [];
    this.deferredLineNos = [];
    this.deferredChars = 0;
  }

  /**
   * Handles one event; false when the value is not a Claude Code event. `inOrder`: the value comes
   * from the line being read, so deferred lines before it are handled first (false while handling
   * those).
   */
  private dispatch(value: unknown, inOrder: boolean): boolean {
    if (!isJsonObject(value)) return false;
    const event = value;
    const type = event.type;
    if (typeof type !== 'string') return false;
    const sessionId = readString(event, 'session_id');
    switch (type) {
      case 'result':
        this.result(readResultEvent(event, this.results.length));
        break;
      case 'assistant':
        if (inOrder) {
          this.parseDeferred();
          this.assistantEvents++;
        }
        this.messages.addAssistant(event);
        break;
      case 'stream_event':
        if (inOrder) this.parseDeferred();
        this.messages.addStreamEvent(event);
        break;
      case 'system':
        this.system(event, sessionId);
        break;
      case 'rate_limit_event':
        this.rateLimits.addRateLimitEvent(event);
        break;
      default:
        if (!OTHER_EVENT_TYPES.has(type) && sessionId === null) return false;
    }
    this.anySessionId ??= sessionId;
    return true;
  }

  private system(event: JsonObject, sessionId: string | null): void {
    const subtype = readString(event, 'subtype');
    if (subtype === 'init') {
      this.lastInit = null;
      this.initSessionId = sessionId ?? this.initSessionId;
      this.claudeCodeVersion = readString(event, 'claude_code_version') ?? this.claudeCodeVersion;
      this.initModel = readString(event, 'model') ?? this.initModel;
    } else if (subtype === 'api_retry') {
      this.rateLimits.addApiRetry(event);
    }
  }

  private result(read: ResultEvent): void {
    this.results.push(read.summary);
    this.lastModelUsage = read.modelUsage;
    if (read.limitResetsAt !== null) this.rateLimits.limitUntil(read.limitResetsAt);
    // The result covers every response so far; what comes after it is a later turn.
    this.dropDeferred();
    this.messages.reset();
  }

  private skip(into: Skipped, line: string, lineNo: number): void {
    // Deferred lines are looked at late, so the first one reported is the lowest line number.
    if (into.count === 0 || lineNo < into.firstLine) {
      into.firstLine = lineNo;
      into.firstPreview = preview(line);
    }
    into.count++;
  }

  /** Builds the run's result. */
  finish(): ClaudeRunResult {
    this.parseDeferred();
    if (this.lastInit !== null) this.parseCounted(this.lastInit.line, this.lastInit.lineNo);
    const warnings: string[] = [];
    const unavailable: string[] = [];
    const last = this.results.at(-1) ?? null;
    const { source, models, reason, afterLastResult } = chooseUsage(
      {
        last,
        lastModelUsage: this.lastModelUsage,
        initModel: this.initModel,
        messages: this.messages,
        emptyOutput: this.lines === 0,
        sawEvents: this.events > 0,
      },
      unavailable,
      warnings,
    );
    const retries = this.rateLimits.snapshot().apiRetries;
    if (retries > 0 && source === 'result')
      warnings.push(
        `${retries} API request(s) were retried (system/api_retry): Claude Code 2.1.3xx adds an aborted attempt's message_start usage to modelUsage and total_cost_usd, so the totals can exceed what the responses report`,
      );
    if (this.messages.withoutId > 0)
      warnings.push(
        `${this.messages.withoutId} assistant event(s) without message.id were skipped (cannot deduplicate)`,
      );

    const totals = emptyTokenCounts();
    for (const m of Object.values(models)) addTokenCounts(totals, fromClaudeTokenCounts(m));
    const numTurns = sumPresent(this.results.map((r) => r.numTurns));
    const durationMs = sumPresent(this.results.map((r) => r.durationMs));
    const totalCostUsd = last?.totalCostUsd ?? null;
    const durationApiMs = last?.durationApiMs ?? null;
    const fields = { totalCostUsd, numTurns, durationMs, durationApiMs };
    for (const [name, v] of Object.entries(fields)) if (v === null) unavailable.push(name);

    if (this.nonJson.count > 0)
      warnings.push(
        `${this.nonJson.count} non-JSON line(s) skipped (first: line ${this.nonJson.firstLine}, ${this.nonJson.firstPreview})`,
      );
    if (this.foreign.count > 0)
      warnings.push(
        `${this.foreign.count} JSON line(s) that are not Claude Code events skipped (first: line ${this.foreign.firstLine}, ${this.foreign.firstPreview})`,
      );
    warnings.push(...this.problems);

    return {
      source,
      models,
      totals: toClaudeTokenCounts(totals),
      totalCostUsd,
      numTurns,
      durationMs,
      durationApiMs,
      sessionId: last?.sessionId ?? this.initSessionId ?? this.anySessionId,
      isError: last?.isError ?? false,
      complete: last !== null,
      subtype: last?.subtype ?? null,
      stopReason: last?.stopReason ?? null,
      resultCount: this.results.length,
      results: this.results,
      lastResult: last,
      errors: this.results.flatMap((r) => r.errors).slice(0, MAX_ERRORS),
      permissionDenials: last?.permissionDenials ?? 0,
      claudeCodeVersion: this.claudeCodeVersion,
      model: this.initModel,
      rateLimits: this.rateLimits.snapshot(),
      afterLastResult,
      unavailable,
      reason,
      warnings,
      stats: {
        lines: this.lines,
        events: this.events,
        assistantEvents: this.assistantEvents,
        nonJsonLines: this.nonJson.count,
        foreignJsonLines: this.foreign.count,
      },
    };
  }
}
