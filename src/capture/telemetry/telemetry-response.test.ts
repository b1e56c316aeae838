import { describe, expect, it } from 'vitest';
import type { TelemetryEntry, TelemetryRequest } from './telemetry-request.js';
import { parseTelemetryRequest } from './telemetry-request.js';
import {
  errorResponse,
  invalidRequestResponse,
  recordedResponse,
  responseForRecorded,
  reviewResponse,
  summarizeEntries,
} from './telemetry-response.js';

const e = (
  agent: string,
  model: string,
  input: number | null,
  output: number | null,
  cost: number | null,
  total: number | null = input !== null && output !== null ? input + output : null,
): TelemetryEntry => ({
  agent,
  model,
  input_tokens: input,
  output_tokens: output,
  total_tokens: total,
  estimated_cost: cost,
});

const req = (entries: TelemetryEntry[], over: Partial<TelemetryRequest> = {}): TelemetryRequest => ({
  mode: 'log_and_summarize',
  task_id: 'T-12',
  timestamp: '2025-11-28T14:30:00Z',
  timestampMs: Date.UTC(2025, 10, 28, 14, 30),
  user_request_summary: 'SECRET user text',
  entries,
  days: null,
  missing: [],
  ...over,
});

describe('recordedResponse', () => {
  it('leaves summary out when not given (log_only)', () => {
    const r = recordedResponse('T-12');
    expect(r).toEqual({ status: 'recorded', task_id: 'T-12' });
    expect(Object.keys(r)).toEqual(['status', 'task_id']);
    expect(JSON.stringify(r)).toBe('{"status":"recorded","task_id":"T-12"}');
  });

  it('carries a summary (log_and_summarize)', () => {
    expect(JSON.stringify(recordedResponse('T-12', 'Done.'))).toBe(
      '{"status":"recorded","task_id":"T-12","summary":"Done."}',
    );
  });
});

describe('summarizeEntries', () => {
  it('writes the example summary', () => {
    const r = req([e('build-lead', 'opus', 12000, 3000, 0.45), e('ui-impl', 'haiku', 2000, 1000, 0.09)]);
    expect(summarizeEntries(r)).toBe(
      'T-12: 18,000 tokens ($0.54) across 2 agents; build-lead on opus used 83%.',
    );
  });

  it('groups by agent and model, and counts distinct agents', () => {
    const r = req([
      e('build-lead', 'opus', 1000, 0, 0.1),
      e('api-impl', 'sonnet', 1500, 0, 0.1),
      e('build-lead', 'opus', 1000, 0, 0.1),
      e('build-lead', 'haiku', 500, 0, 0.01),
    ]);
    expect(summarizeEntries(r)).toBe(
      'T-12: 4,000 tokens ($0.31) across 2 agents; build-lead on opus used 50%.',
    );
  });

  it('names the first pair on a tie', () => {
    const r = req([e('a', 'm', 10, 0, 0), e('b', 'm', 10, 0, 0)]);
    expect(summarizeEntries(r)).toBe('T-12: 20 tokens ($0.00) across 2 agents; a on m used 50%.');
  });

  it('handles one agent, one token, tiny cost and zero tokens', () => {
    expect(summarizeEntries(req([e('a', 'm', 1, 0, 0.001)]))).toBe(
      'T-12: 1 token (<$0.01) across 1 agent; a on m used 100%.',
    );
    expect(summarizeEntries(req([e('a', 'm', 0, 0, 0)]))).toBe('T-12: 0 tokens ($0.00) across 1 agent.');
  });

  it('uses input + output when total is missing, and mentions what is unavailable', () => {
    const r = req([
      e('a', 'opus', 600, 400, null, null),
      e('b', 'sonnet', null, null, 0.2, null),
      e('unavailable', 'unavailable', null, 5, null, null),
    ]);
    expect(summarizeEntries(r)).toBe(
      'T-12: 1,000 tokens ($0.20) across 3 agents; a on opus used 100%. Unavailable: token counts for 2 entries and cost for 2 entries.',
    );
  });

  it('rounds shares and formats large numbers', () => {
    const r = req([e('x', 'opus', 1_234_567, 0, 37.035), e('y', 'haiku', 2, 0, 0)]);
    expect(summarizeEntries(r)).toBe('T-12: 1,234,569 tokens ($37.04) across 2 agents; x on opus used 100%.');
  });

  it('never includes the user request summary', () => {
    expect(summarizeEntries(req([e('a', 'm', 1, 1, 1)]))).not.toContain('SECRET');
  });
});

describe('responseForRecorded', () => {
  it('summarizes only for log_and_summarize', () => {
    const entries = [e('a', 'm', 1, 1, 1)];
    expect(responseForRecorded(req(entries, { mode: 'log_only' }))).toEqual({
      status: 'recorded',
      task_id: 'T-12',
    });
    expect(responseForRecorded(req(entries))).toEqual({
      status: 'recorded',
      task_id: 'T-12',
      summary: 'T-12: 2 tokens ($1.00) across 1 agent; a on m used 100%.',
    });
  });
});

describe('reviewResponse', () => {
  it('builds the §5.2 answer and copies the recommendations', () => {
    const recs = [
      {
        type: 'model_selection' as const,
        description: 'Default to haiku for glob/grep exploration.',
        proposed_change: 'Add to build-lead.md §6: prefer haiku for file search.',
      },
      {
        type: 'context_reuse' as const,
        description: 'Cache foundation.md.',
        proposed_change: 'Reuse its summary.',
      },
      {
        type: 'delegation_reduction' as const,
        description: 'Fewer sub-agents.',
        proposed_change: 'Do reads inline.',
      },
    ];
    const r = reviewResponse('/token-usage/reports/usage-review-2025-11-28.md', recs);
    expect(JSON.stringify(r)).toBe(
      JSON.stringify({
        status: 'report_generated',
        report_path: '/token-usage/reports/usage-review-2025-11-28.md',
        recommendations: recs,
      }),
    );
    expect(r.recommendations[0]).not.toBe(recs[0]);
    expect(reviewResponse('/r.md', [])).toEqual({
      status: 'report_generated',
      report_path: '/r.md',
      recommendations: [],
    });
  });
});

describe('errorResponse', () => {
  it('builds {status: "error", reason, details?}', () => {
    expect(JSON.stringify(errorResponse('disk full'))).toBe('{"status":"error","reason":"disk full"}');
    expect(errorResponse('x', [])).toEqual({ status: 'error', reason: 'x' });
    expect(errorResponse('x', ['a', 'b'])).toEqual({ status: 'error', reason: 'x', details: ['a', 'b'] });
  });

  it('answers a rejected request', () => {
    const one = parseTelemetryRequest({ mode: 'nope' });
    const many = parseTelemetryRequest({ mode: 'nope', task_id: 1 });
    if (one.ok || many.ok) throw new Error('expected failures');
    expect(invalidRequestResponse(one)).toEqual({
      status: 'error',
      reason:
        'invalid telemetry: mode: "nope" is not a mode; expected one of log_only, log_and_summarize, review_period',
    });
    expect(invalidRequestResponse(many)).toEqual({
      status: 'error',
      reason: 'invalid telemetry: 2 problems',
      details: [
        'mode: "nope" is not a mode; expected one of log_only, log_and_summarize, review_period',
        'task_id: 1 is not a string',
      ],
    });
  });
});
