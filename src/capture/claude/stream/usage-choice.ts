/**
 * {@link chooseUsage}: where a run's per-model numbers come from: the last result's
 * `modelUsage`, else its main-loop `usage`, else the deduplicated assistant events, else nothing.
 * @module
 */
import { isJsonObject, type JsonObject } from './json-fields.js';
import type { MessageUsageTracker } from './message-usage-tracker.js';
import { readModelUsageEntry } from './token-counts.js';
import type { ClaudeModelUsage, ClaudeResultSummary, ClaudeRunResult, ClaudeUsageSource } from './types.js';

/** What the choice looks at. */
export interface UsageInputs {
  last: ClaudeResultSummary | null;
  /** The last result's `modelUsage`, or null. */
  lastModelUsage: JsonObject | null;
  /** The init event's model, for a result without `modelUsage`. */
  initModel: string | null;
  /** Responses seen in assistant events since the last result (or since the start). */
  messages: MessageUsageTracker;
  emptyOutput: boolean;
  sawEvents: boolean;
}

/** The chosen numbers. */
export interface UsageChoice {
  source: ClaudeUsageSource;
  models: Record<string, ClaudeModelUsage>;
  reason: string | null;
  afterLastResult: ClaudeRunResult['afterLastResult'];
}

/** Chooses the source of the per-model numbers; appends to `unavailable` and `warnings`. */
export function chooseUsage(inputs: UsageInputs, unavailable: string[], warnings: string[]): UsageChoice {
  const { last, messages } = inputs;
  if (last !== null) {
    const choice = fromResult(last, inputs, unavailable, warnings);
    if (messages.size > 0) {
      choice.afterLastResult = { messages: messages.size, models: messages.models() };
      warnings.push(
        `${messages.size} API response(s) after the last result event are not in its totals (see afterLastResult): the output ended before the turn finished`,
      );
    }
    return choice;
  }
  if (messages.size > 0) {
    const models = messages.models();
    const reason = `no result event (the process was killed or the output was cut): totals are rebuilt from ${messages.size} API response(s) in assistant events, counted once per message.id`;
    warnings.push(reason);
    if (Object.values(models).some((m) => m.outputTokensLowerBound))
      warnings.push(
        'output tokens are lower bounds: assistant events carry the message_start usage snapshot, not the final count',
      );
    return { source: 'assistant-events', models, reason, afterLastResult: null };
  }
  unavailable.push('models');
  const reason = inputs.emptyOutput
    ? 'the output is empty'
    : inputs.sawEvents
      ? 'no result event and no API response: the run ended before Claude Code reported any usage'
      : 'the output has no Claude Code events (not `claude -p --output-format json|stream-json` output)';
  warnings.push(reason);
  return { source: 'none', models: {}, reason, afterLastResult: null };
}

function fromResult(
  last: ClaudeResultSummary,
  inputs: UsageInputs,
  unavailable: string[],
  warnings: string[],
): UsageChoice {
  if (inputs.lastModelUsage !== null) {
    const models = modelsFromResult(inputs.lastModelUsage, unavailable, warnings);
    return { source: 'result', models, reason: null, afterLastResult: null };
  }
  if (last.mainLoopUsage !== null) {
    const reason =
      'the result event has no modelUsage: its usage counts the main agent loop only (no subagents) and is filed under the session model';
    warnings.push(reason);
    const usage = {
      ...last.mainLoopUsage,
      costUsd: null,
      canonicalModel: null,
      outputTokensLowerBound: false,
    };
    return {
      source: 'result-usage',
      models: Object.fromEntries([[inputs.initModel ?? 'unknown', usage]]),
      reason,
      afterLastResult: null,
    };
  }
  unavailable.push('models');
  warnings.push('the last result event has neither modelUsage nor usage: token counts are unavailable');
  return { source: 'result', models: {}, reason: null, afterLastResult: null };
}

/** `modelUsage` per model, keys as given (a Map, so that `__proto__` stays a plain key). */
function modelsFromResult(
  modelUsage: JsonObject,
  unavailable: string[],
  warnings: string[],
): Record<string, ClaudeModelUsage> {
  const out = new Map<string, ClaudeModelUsage>();
  for (const [name, entry] of Object.entries(modelUsage)) {
    if (!isJsonObject(entry)) {
      warnings.push(`modelUsage[${JSON.stringify(name)}] is not an object: skipped`);
      continue;
    }
    const read = readModelUsageEntry(entry);
    for (const field of read.missing) unavailable.push(`models[${JSON.stringify(name)}].${field}`);
    out.set(name, read.value);
  }
  return Object.fromEntries(out);
}
