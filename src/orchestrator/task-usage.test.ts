import { describe, expect, it } from 'vitest';
import type { ClaudeRunResult } from '../capture/claude/stream/types.js';
import { isClaudeRunResult, type TaskUsage, taskUsageFromRun, toTaskUsage } from './task-usage.js';

const run = {
  models: { a: {}, b: {} },
  totals: {
    inputTokens: 1,
    outputTokens: 2,
    cacheCreationInputTokens: 3,
    cacheReadInputTokens: 4,
    cacheCreation1hInputTokens: 1,
    webSearchRequests: 9,
  },
  totalCostUsd: null,
  numTurns: 5,
  durationApiMs: 600,
} as unknown as ClaudeRunResult;

const task: TaskUsage = {
  inputTokens: 1,
  outputTokens: 2,
  cacheReadTokens: 4,
  cacheCreationTokens: 3,
  totalCostUsd: null,
  numTurns: 5,
  durationApiMs: 600,
};

describe('task usage', () => {
  it('taskUsageFromRun maps the totals and keeps a missing cost null', () => {
    expect(taskUsageFromRun(run)).toEqual(task);
  });

  it('isClaudeRunResult tells the two shapes apart', () => {
    expect(isClaudeRunResult(run)).toBe(true);
    expect(isClaudeRunResult(task)).toBe(false);
  });

  it('toTaskUsage converts and checks, returning a copy', () => {
    expect(toTaskUsage(run)).toEqual(task);
    const copy = toTaskUsage(task);
    expect(copy).toEqual(task);
    expect(copy).not.toBe(task);
    expect(() => toTaskUsage({ ...task, cacheReadTokens: -1 }, 'x')).toThrow(
      'x.cacheReadTokens must be a non-negative integer, got -1',
    );
    expect(() => toTaskUsage({ ...task, totalCostUsd: undefined } as unknown as TaskUsage)).toThrow(
      'usage.totalCostUsd must be a finite number ≥ 0 or null, got undefined',
    );
  });
});
