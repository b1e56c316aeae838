import { describe, expect, it } from 'vitest';
import {
  fromClaudeTokenCounts,
  readApiUsage,
  readModelUsageEntry,
  toClaudeTokenCounts,
} from './token-counts.js';

const counts = (i: number, o: number, cw: number, cr: number, w1h: number, ws: number) => ({
  inputTokens: i,
  outputTokens: o,
  cacheCreationInputTokens: cw,
  cacheReadInputTokens: cr,
  cacheCreation1hInputTokens: w1h,
  webSearchRequests: ws,
});

describe('readApiUsage', () => {
  it.each([
    [
      {
        input_tokens: 1,
        output_tokens: 2,
        cache_creation_input_tokens: 30,
        cache_read_input_tokens: 4,
        cache_creation: { ephemeral_1h_input_tokens: 10 },
        server_tool_use: { web_search_requests: 5 },
      },
      counts(1, 2, 30, 4, 10, 5),
      [],
    ],
    [
      { input_tokens: 1, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      counts(1, 2, 0, 0, 0, 0),
      [],
    ],
    [
      { input_tokens: 1, cache_creation_input_tokens: 7 },
      counts(1, 0, 7, 0, 0, 0),
      ['outputTokens', 'cacheReadInputTokens', 'cacheCreation1hInputTokens'],
    ],
    [
      { input_tokens: -1, output_tokens: '2' },
      counts(0, 0, 0, 0, 0, 0),
      ['cacheCreationInputTokens', 'inputTokens', 'outputTokens', 'cacheReadInputTokens'],
    ],
  ])('%j', (usage, value, missing) => {
    expect(readApiUsage(usage)).toEqual({ value, missing });
  });
});

describe('readModelUsageEntry', () => {
  it('reads a 2.1.330 entry', () => {
    expect(
      readModelUsageEntry({
        inputTokens: 1,
        outputTokens: 2,
        cacheReadInputTokens: 3,
        cacheCreationInputTokens: 40,
        cacheCreationEphemeral1hInputTokens: 7,
        webSearchRequests: 1,
        costUSD: 0.25,
        canonicalModel: 'claude-x',
      }),
    ).toEqual({
      value: {
        ...counts(1, 2, 40, 3, 7, 1),
        costUsd: 0.25,
        canonicalModel: 'claude-x',
        outputTokensLowerBound: false,
      },
      missing: [],
    });
  });

  it('lists what an old entry lacks', () => {
    const entry = { inputTokens: 1, outputTokens: 2, cacheCreationInputTokens: 5 };
    expect(readModelUsageEntry(entry).missing).toEqual([
      'costUsd',
      'cacheReadInputTokens',
      'cacheCreation1hInputTokens',
      'webSearchRequests',
    ]);
  });
});

describe('fromClaudeTokenCounts / toClaudeTokenCounts', () => {
  it("map each of Claude Code's names to one internal count and back", () => {
    const internal = { input: 1, output: 2, cacheWrite: 30, cacheWrite1h: 10, cacheRead: 4, webSearch: 5 };
    expect(fromClaudeTokenCounts(counts(1, 2, 30, 4, 10, 5))).toEqual(internal);
    expect(toClaudeTokenCounts(internal)).toEqual(counts(1, 2, 30, 4, 10, 5));
    // The fields in the order the library has always returned them (JSON output keeps it).
    expect(Object.keys(toClaudeTokenCounts(internal))).toEqual(Object.keys(counts(0, 0, 0, 0, 0, 0)));
  });
});
