import { describe, expect, it } from 'vitest';
import { readResultEvent } from './result-event.js';

describe('readResultEvent', () => {
  it('reads the summary fields and keeps no result text', () => {
    const read = readResultEvent(
      {
        type: 'result',
        subtype: 'success',
        is_error: false,
        num_turns: 2,
        duration_ms: 745,
        duration_api_ms: 198,
        total_cost_usd: 0.5,
        session_id: 's',
        stop_reason: 'end_turn',
        terminal_reason: 'completed',
        api_error_status: null,
        result: 'secret answer',
        result_index: 1,
        permission_denials: [{}, {}],
        origin: { kind: 'task-notification' },
        usage: {
          input_tokens: 1,
          output_tokens: 2,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 3,
        },
        modelUsage: { m: {} },
      },
      4,
    );
    expect(read).toEqual({
      summary: {
        index: 4,
        resultIndex: 1,
        subtype: 'success',
        isError: false,
        numTurns: 2,
        durationMs: 745,
        durationApiMs: 198,
        totalCostUsd: 0.5,
        sessionId: 's',
        stopReason: 'end_turn',
        terminalReason: 'completed',
        apiErrorStatus: null,
        errors: [],
        permissionDenials: 2,
        originKind: 'task-notification',
        mainLoopUsage: {
          inputTokens: 1,
          outputTokens: 2,
          cacheCreationInputTokens: 0,
          cacheReadInputTokens: 3,
          cacheCreation1hInputTokens: 0,
          webSearchRequests: 0,
        },
      },
      modelUsage: { m: {} },
      limitResetsAt: null,
    });
    expect(JSON.stringify(read)).not.toContain('secret');
  });

  it.each([
    [{ is_error: true, errors: ['a', { code: 1 }] }, ['a', '{"code":1}']],
    [{ is_error: true, result: 'API Error: 500' }, ['API Error: 500']],
    [{ is_error: true, result: 'x'.repeat(600) }, [`${'x'.repeat(500)}…`]],
    [{ is_error: true, result: '' }, []],
    [{ is_error: false, result: 'fine' }, []],
    [{ errors: 'not an array' }, []],
  ])('errors of %j', (event, errors) => {
    expect(readResultEvent({ type: 'result', ...event }, 0).summary.errors).toEqual(errors);
  });

  it.each([
    ['Claude AI usage limit reached|1795500000', 1795500000_000],
    ['Claude AI usage limit reached|1795500000123', 1795500000123],
    ['5-hour limit reached ∙ resets 3pm', null],
  ])('usage limit in %s', (result, at) => {
    expect(readResultEvent({ type: 'result', result }, 0).limitResetsAt).toBe(at);
  });

  it('treats every field as optional', () => {
    const { summary, modelUsage } = readResultEvent({ type: 'result', modelUsage: [1] }, 0);
    expect([
      summary.subtype,
      summary.numTurns,
      summary.totalCostUsd,
      summary.mainLoopUsage,
      modelUsage,
    ]).toEqual([null, null, null, null, null]);
  });
});
