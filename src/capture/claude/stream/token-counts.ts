/**
 * Reading token counts from the two shapes Claude Code prints: the API's snake_case `usage`
 * (`assistant` events, `result.usage`) and Claude Code's camelCase `modelUsage` entries; and the
 * conversion between {@link ClaudeTokenCounts}, which the library returns, and the
 * {@link TokenCounts} the parser adds and merges in.
 * @module
 */
import type { TokenCounts } from '../../../util/token-counts.js';
import { type JsonObject, readCount, readObject, readString } from './json-fields.js';
import type { ClaudeModelUsage, ClaudeTokenCounts } from './types.js';

/** Counts read from one usage object, with the names of the fields that were missing (read as 0). */
export interface ReadCounts<T> {
  value: T;
  missing: string[];
}

/** Claude's counts in the one internal shape. */
export function fromClaudeTokenCounts(c: ClaudeTokenCounts): TokenCounts {
  return {
    input: c.inputTokens,
    output: c.outputTokens,
    cacheWrite: c.cacheCreationInputTokens,
    cacheWrite1h: c.cacheCreation1hInputTokens,
    cacheRead: c.cacheReadInputTokens,
    webSearch: c.webSearchRequests,
  };
}

/** Internal counts as the library returns them ({@link ClaudeTokenCounts}, Claude Code's names). */
export function toClaudeTokenCounts(t: TokenCounts): ClaudeTokenCounts {
  return {
    inputTokens: t.input,
    outputTokens: t.output,
    cacheCreationInputTokens: t.cacheWrite,
    cacheReadInputTokens: t.cacheRead,
    cacheCreation1hInputTokens: t.cacheWrite1h,
    webSearchRequests: t.webSearch,
  };
}

/** Reads an API `usage` object (`input_tokens`, `cache_creation.ephemeral_1h_input_tokens`, …). */
export function readApiUsage(usage: JsonObject): ReadCounts<ClaudeTokenCounts> {
  const missing: string[] = [];
  const need = (value: number | null, name: string): number => {
    if (value !== null) return value;
    missing.push(name);
    return 0;
  };
  const cacheCreation = need(readCount(usage, 'cache_creation_input_tokens'), 'cacheCreationInputTokens');
  const split = readObject(usage, 'cache_creation');
  const oneHour = split === null ? null : readCount(split, 'ephemeral_1h_input_tokens');
  const tools = readObject(usage, 'server_tool_use');
  const webSearch = tools === null ? null : readCount(tools, 'web_search_requests');
  return {
    value: {
      inputTokens: need(readCount(usage, 'input_tokens'), 'inputTokens'),
      outputTokens: need(readCount(usage, 'output_tokens'), 'outputTokens'),
      cacheCreationInputTokens: cacheCreation,
      cacheReadInputTokens: need(readCount(usage, 'cache_read_input_tokens'), 'cacheReadInputTokens'),
      cacheCreation1hInputTokens: cacheCreation === 0 ? 0 : need(oneHour, 'cacheCreation1hInputTokens'),
      // Responses without server tool use often leave `server_tool_use` out: that means none.
      webSearchRequests: webSearch ?? 0,
    },
    missing,
  };
}

/** Reads one `modelUsage[model]` entry (`inputTokens`, `costUSD`, `cacheCreationEphemeral1hInputTokens`, …). */
export function readModelUsageEntry(entry: JsonObject): ReadCounts<ClaudeModelUsage> {
  const missing: string[] = [];
  const need = (key: string, name: string): number => {
    const value = readCount(entry, key);
    if (value !== null) return value;
    missing.push(name);
    return 0;
  };
  const cacheCreation = need('cacheCreationInputTokens', 'cacheCreationInputTokens');
  const costUsd = readCount(entry, 'costUSD');
  if (costUsd === null) missing.push('costUsd');
  return {
    value: {
      inputTokens: need('inputTokens', 'inputTokens'),
      outputTokens: need('outputTokens', 'outputTokens'),
      cacheCreationInputTokens: cacheCreation,
      cacheReadInputTokens: need('cacheReadInputTokens', 'cacheReadInputTokens'),
      // Before 2.1.2xx modelUsage did not split cache writes by TTL.
      cacheCreation1hInputTokens:
        cacheCreation === 0 ? 0 : need('cacheCreationEphemeral1hInputTokens', 'cacheCreation1hInputTokens'),
      webSearchRequests: need('webSearchRequests', 'webSearchRequests'),
      costUsd,
      canonicalModel: readString(entry, 'canonicalModel'),
      outputTokensLowerBound: false,
    },
    missing,
  };
}
