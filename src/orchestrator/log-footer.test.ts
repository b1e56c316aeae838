import { describe, expect, it } from 'vitest';
import type { ClaudeRunResult } from '../capture/claude/stream/types.js';
import { formatLogFooter, formatLogHeaderUsage, formatTokenFooter } from './log-footer.js';
import type { TaskUsage } from './task-usage.js';

const u = (i: number, o: number, cw: number, cr: number) => ({
  inputTokens: i,
  outputTokens: o,
  cacheCreationInputTokens: cw,
  cacheReadInputTokens: cr,
});

describe('formatTokenFooter', () => {
  it("prints one model exactly as seed 002's block", () => {
    expect(formatTokenFooter({ 'claude-opus-4-1': u(1200, 340, 5000, 80000) })).toBe(
      '--- Token Usage ---\n' +
        'Input Tokens: 1200\n' +
        'Output Tokens: 340\n' +
        'Cache Creation Input Tokens: 5000\n' +
        'Cache Read Input Tokens: 80000\n' +
        'Service Tier: standard',
    );
  });

  it('prints zeros when there is no model', () => {
    expect(formatTokenFooter({})).toBe(
      '--- Token Usage ---\nInput Tokens: 0\nOutput Tokens: 0\nCache Creation Input Tokens: 0\n' +
        'Cache Read Input Tokens: 0\nService Tier: standard',
    );
  });

  it('uses the given service tier, and standard for null, blank or absent', () => {
    const last = (tier: string | null | undefined) =>
      formatTokenFooter({ m: u(1, 1, 1, 1) }, tier === undefined ? {} : { serviceTier: tier })
        .split('\n')
        .pop();
    expect(last('priority')).toBe('Service Tier: priority');
    expect(last(null)).toBe('Service Tier: standard');
    expect(last('  ')).toBe('Service Tier: standard');
    expect(last(undefined)).toBe('Service Tier: standard');
  });

  it('prints one block per model and a total when there are several', () => {
    expect(
      formatTokenFooter(
        { 'claude-opus-4-1': u(1, 2, 3, 4), 'claude-haiku-4-5': u(10, 20, 30, 40) },
        { serviceTier: 'batch' },
      ),
    ).toBe(
      [
        '--- Token Usage ---',
        'Model: claude-opus-4-1',
        'Input Tokens: 1',
        'Output Tokens: 2',
        'Cache Creation Input Tokens: 3',
        'Cache Read Input Tokens: 4',
        'Model: claude-haiku-4-5',
        'Input Tokens: 10',
        'Output Tokens: 20',
        'Cache Creation Input Tokens: 30',
        'Cache Read Input Tokens: 40',
        'Total (2 models):',
        'Input Tokens: 11',
        'Output Tokens: 22',
        'Cache Creation Input Tokens: 33',
        'Cache Read Input Tokens: 44',
        'Service Tier: batch',
      ].join('\n'),
    );
  });

  it('rejects a bad count', () => {
    expect(() => formatTokenFooter({ m: u(-1, 0, 0, 0) })).toThrow(
      'usage["m"].inputTokens must be a non-negative integer, got -1',
    );
  });
});

describe('formatLogFooter', () => {
  const end = new Date('2025-03-04T05:06:07.890Z');

  it("prints seed 002's footer byte for byte", () => {
    expect(
      formatLogFooter({
        endTime: end,
        durationSec: 12.345,
        exitCode: 0,
        usage: { m: u(1200, 340, 5000, 80000) },
      }),
    ).toBe(
      '\n\n-------------------------------------------------\n' +
        '--- Process finished at: 2025-03-04T05:06:07.890Z ---\n' +
        '--- Duration: 12.35s, Exit Code: 0 ---\n' +
        '--- Token Usage ---\n' +
        'Input Tokens: 1200\n' +
        'Output Tokens: 340\n' +
        'Cache Creation Input Tokens: 5000\n' +
        'Cache Read Input Tokens: 80000\n' +
        'Service Tier: standard',
    );
  });

  it('leaves the token block out without usage, and prints a signal after a null exit code', () => {
    const text =
      '\n\n-------------------------------------------------\n' +
      '--- Process finished at: 2025-03-04T05:06:07.890Z ---\n' +
      '--- Duration: 0.00s, Exit Code: null, Signal: SIGTERM ---';
    expect(formatLogFooter({ endTime: end, durationSec: 0, exitCode: null, signal: 'SIGTERM' })).toBe(text);
    expect(
      formatLogFooter({
        endTime: '2025-03-04T05:06:07.890Z',
        durationSec: 0,
        exitCode: null,
        signal: 'SIGTERM',
        usage: null,
      }),
    ).toBe(text);
  });

  it('passes the service tier on and prints a non-zero exit code', () => {
    const text = formatLogFooter({
      endTime: end,
      durationSec: 1,
      exitCode: 2,
      usage: { m: u(0, 0, 0, 0) },
      serviceTier: 'priority',
    });
    expect(text).toContain('--- Duration: 1.00s, Exit Code: 2 ---\n--- Token Usage ---\n');
    expect(text.endsWith('\nService Tier: priority')).toBe(true);
  });

  it.each([
    [{ endTime: 'yesterday', durationSec: 1, exitCode: 0 }, 'endTime is not a valid date: "yesterday"'],
    [
      { endTime: end, durationSec: -1, exitCode: 0 },
      'durationSec must be a finite number ≥ 0 or null, got -1',
    ],
    [
      { endTime: end, durationSec: Number.NaN, exitCode: 0 },
      'durationSec must be a finite number ≥ 0 or null, got NaN',
    ],
    [{ endTime: end, durationSec: 1, exitCode: 1.5 }, 'exitCode must be an integer or null, got 1.5'],
  ])('rejects %j', (input, message) => {
    expect(() => formatLogFooter(input)).toThrow(message);
  });
});

describe('formatLogHeaderUsage', () => {
  const usage: TaskUsage = {
    inputTokens: 1200,
    outputTokens: 340,
    cacheReadTokens: 80000,
    cacheCreationTokens: 5000,
    totalCostUsd: 0.42131,
    numTurns: 7,
    durationApiMs: 80123,
  };

  it('prints the usage lines', () => {
    expect(formatLogHeaderUsage(usage)).toBe(
      [
        'Input tokens: 1200',
        'Output tokens: 340',
        'Cache read tokens: 80000',
        'Cache write tokens: 5000',
        'Cache hit rate: 98.5%',
        'Cost: $0.4213',
        'Turns: 7',
        'API duration: 80.12s',
      ].join('\n'),
    );
  });

  it('puts the duration and return code first when given', () => {
    expect(formatLogHeaderUsage(usage, { durationSec: 95.2, returnCode: 1 }).split('\n').slice(0, 3)).toEqual(
      ['Duration: 95.20s', 'Return code: 1', 'Input tokens: 1200'],
    );
    expect(formatLogHeaderUsage(usage, { returnCode: null }).split('\n')[0]).toBe('Return code: null');
  });

  it('says unknown for what the run did not report, and n/a for the hit rate without input', () => {
    const none: TaskUsage = {
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheCreationTokens: 0,
      totalCostUsd: null,
      numTurns: null,
      durationApiMs: null,
    };
    expect(formatLogHeaderUsage(none).split('\n').slice(4)).toEqual([
      'Cache hit rate: n/a',
      'Cost: unknown',
      'Turns: unknown',
      'API duration: unknown',
    ]);
  });

  it('takes a ClaudeRunResult: tokens of every model, the CLI cost', () => {
    const run = {
      models: {},
      totals: {
        inputTokens: 10,
        outputTokens: 20,
        cacheCreationInputTokens: 30,
        cacheReadInputTokens: 90,
        cacheCreation1hInputTokens: 0,
        webSearchRequests: 0,
      },
      totalCostUsd: 1.5,
      numTurns: 3,
      durationApiMs: 1000,
    } as unknown as ClaudeRunResult;
    expect(formatLogHeaderUsage(run)).toBe(
      [
        'Input tokens: 10',
        'Output tokens: 20',
        'Cache read tokens: 90',
        'Cache write tokens: 30',
        'Cache hit rate: 90.0%',
        'Cost: $1.5000',
        'Turns: 3',
        'API duration: 1.00s',
      ].join('\n'),
    );
  });

  it('rejects bad numbers', () => {
    expect(() => formatLogHeaderUsage({ ...usage, totalCostUsd: -1 })).toThrow(
      'usage.totalCostUsd must be a finite number ≥ 0 or null, got -1',
    );
    expect(() => formatLogHeaderUsage({ ...usage, numTurns: 1.5 })).toThrow(
      'usage.numTurns must be a non-negative integer, got 1.5',
    );
    expect(() => formatLogHeaderUsage(usage, { returnCode: 0.5 })).toThrow(
      'returnCode must be an integer or null, got 0.5',
    );
    expect(() => formatLogHeaderUsage(usage, { durationSec: -2 })).toThrow('durationSec must be');
  });
});
