/**
 * Rebuilds usage from `assistant` events (and, with `--include-partial-messages`, `stream_event`
 * message_start/message_delta) for when there is no `result` event to read it from.
 *
 * Claude Code prints one `assistant` event per content block, each repeating the whole response's
 * `message_start` usage. So events are grouped by
 * `message.id` (+ `request_id` when present), each field takes its maximum over the group, and the
 * output count is final only if some event of the group had a `stop_reason` or a message_delta.
 * @module
 */
import {
  addTokenCounts,
  emptyTokenCounts,
  maxTokenCounts,
  type TokenCounts,
} from '../../../util/token-counts.js';
import { isJsonObject, type JsonObject, readObject, readString } from './json-fields.js';
import { fromClaudeTokenCounts, readApiUsage, toClaudeTokenCounts } from './token-counts.js';
import type { ClaudeModelUsage } from './types.js';

interface MessageGroup {
  model: string;
  requestId: string | null;
  counts: TokenCounts;
  /** The output count is final (a stop_reason or a message_delta was seen). */
  final: boolean;
}

/** Claude Code's placeholder model for messages it made up itself (no API call). */
const SYNTHETIC_MODEL = '<synthetic>';

/** Deduplicated per-response usage since the last {@link MessageUsageTracker.reset}. */
export class MessageUsageTracker {
  private readonly byKey = new Map<string, MessageGroup>();
  private readonly byId = new Map<string, MessageGroup>();
  private readonly groups: MessageGroup[] = [];
  /** Per `parent_tool_use_id`: the response whose stream events are arriving. */
  private readonly streaming = new Map<string, MessageGroup>();
  /** Distinct responses ever seen (not reset). */
  messagesSeen = 0;
  /** `assistant` events with usage but no `message.id`: they cannot be deduplicated, so they are skipped. */
  withoutId = 0;

  /** Distinct responses since the last reset. */
  get size(): number {
    return this.groups.length;
  }

  /** Reads one `assistant` event. */
  addAssistant(event: JsonObject): void {
    const message = readObject(event, 'message');
    const usage = message === null ? null : readObject(message, 'usage');
    if (message === null || usage === null) return;
    const model = readString(message, 'model') ?? 'unknown';
    if (model === SYNTHETIC_MODEL) return;
    const id = readString(message, 'id');
    if (id === null) {
      this.withoutId++;
      return;
    }
    const requestId = readString(event, 'request_id') ?? readString(event, 'requestId');
    const stopReason = message.stop_reason;
    this.merge(id, requestId, model, apiCounts(usage), stopReason !== null && stopReason !== undefined);
  }

  /** Reads one `stream_event` (only message_start and message_delta matter). */
  addStreamEvent(event: JsonObject): void {
    const inner = readObject(event, 'event');
    if (inner === null) return;
    const parent = readString(event, 'parent_tool_use_id') ?? '';
    const type = readString(inner, 'type');
    if (type === 'message_start') {
      const message = readObject(inner, 'message');
      const usage = message === null ? null : readObject(message, 'usage');
      const id = message === null ? null : readString(message, 'id');
      if (message === null || usage === null || id === null) return;
      const model = readString(message, 'model') ?? 'unknown';
      if (model === SYNTHETIC_MODEL) return;
      this.streaming.set(parent, this.merge(id, null, model, apiCounts(usage), false));
    } else if (type === 'message_delta') {
      const group = this.streaming.get(parent);
      const usage = inner.usage;
      if (group === undefined || !isJsonObject(usage)) return;
      // message_delta carries the final (cumulative) output count.
      maxTokenCounts(group.counts, apiCounts(usage));
      group.final = true;
    }
  }

  /** Forgets the responses seen so far (a result event covers them). */
  reset(): void {
    this.byKey.clear();
    this.byId.clear();
    this.groups.length = 0;
    this.streaming.clear();
  }

  /** Usage per model since the last reset. */
  models(): Record<string, ClaudeModelUsage> {
    const out = new Map<string, { counts: TokenCounts; lowerBound: boolean }>();
    for (const g of this.groups) {
      let m = out.get(g.model);
      if (m === undefined) {
        m = { counts: emptyTokenCounts(), lowerBound: false };
        out.set(g.model, m);
      }
      addTokenCounts(m.counts, g.counts);
      if (!g.final) m.lowerBound = true;
    }
    // Object.fromEntries defines own properties, so a model named `__proto__` stays a plain key.
    return Object.fromEntries(
      [...out].map(([model, m]): [string, ClaudeModelUsage] => [
        model,
        {
          ...toClaudeTokenCounts(m.counts),
          costUsd: null,
          canonicalModel: null,
          outputTokensLowerBound: m.lowerBound,
        },
      ]),
    );
  }

  private merge(
    id: string,
    requestId: string | null,
    model: string,
    counts: TokenCounts,
    final: boolean,
  ): MessageGroup {
    const key = requestId === null ? id : `${id}:${requestId}`;
    let group = this.byKey.get(key);
    if (group === undefined) {
      // A stream event knows the message id but not the request id: the two describe one response.
      const sameId = this.byId.get(id);
      if (sameId !== undefined && (sameId.requestId === null || requestId === null)) {
        group = sameId;
        if (requestId !== null) {
          sameId.requestId = requestId;
          this.byKey.set(key, sameId);
        }
      }
    }
    if (group === undefined) {
      group = { model, requestId, counts: { ...counts }, final };
      this.byKey.set(key, group);
      this.byId.set(id, group);
      this.groups.push(group);
      this.messagesSeen++;
      return group;
    }
    maxTokenCounts(group.counts, counts);
    if (final) group.final = true;
    return group;
  }
}

/** The counts of an API `usage` object (fields it lacks count 0). */
function apiCounts(usage: JsonObject): TokenCounts {
  return fromClaudeTokenCounts(readApiUsage(usage).value);
}
