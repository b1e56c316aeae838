import { describe, expect, it } from 'vitest';
import { MessageUsageTracker } from './message-usage-tracker.js';

const usage = (input: number, output: number, extra: Record<string, unknown> = {}) => ({
  input_tokens: input,
  output_tokens: output,
  cache_creation_input_tokens: 100,
  cache_read_input_tokens: 10,
  cache_creation: { ephemeral_1h_input_tokens: 40, ephemeral_5m_input_tokens: 60 },
  ...extra,
});
const assistant = (
  id: string | null,
  opts: { req?: string; model?: string; stop?: string; u?: object } = {},
) => ({
  type: 'assistant',
  message: { id, model: opts.model ?? 'm', stop_reason: opts.stop ?? null, usage: opts.u ?? usage(5, 1) },
  ...(opts.req === undefined ? {} : { request_id: opts.req }),
});

describe('MessageUsageTracker', () => {
  it('counts one response once however many content-block events repeat it (#6805)', () => {
    const t = new MessageUsageTracker();
    for (let i = 0; i < 3; i++) t.addAssistant(assistant('a', { req: 'r' }));
    t.addAssistant(
      assistant('b', {
        req: 'r2',
        model: 'n',
        u: usage(7, 2, { server_tool_use: { web_search_requests: 3 } }),
      }),
    );
    expect(t.size).toBe(2);
    expect(t.models()).toEqual({
      m: {
        inputTokens: 5,
        outputTokens: 1,
        cacheCreationInputTokens: 100,
        cacheReadInputTokens: 10,
        cacheCreation1hInputTokens: 40,
        webSearchRequests: 0,
        costUsd: null,
        canonicalModel: null,
        outputTokensLowerBound: true,
      },
      n: expect.objectContaining({ inputTokens: 7, webSearchRequests: 3 }),
    });
  });

  it('takes the maximum per field and a stop_reason makes the output final', () => {
    const t = new MessageUsageTracker();
    t.addAssistant(assistant('a', { u: usage(5, 1) }));
    t.addAssistant(assistant('a', { u: usage(5, 40), stop: 'end_turn' }));
    t.addAssistant(assistant('a', { u: usage(5, 3) }));
    expect(t.models().m).toEqual(
      expect.objectContaining({ outputTokens: 40, outputTokensLowerBound: false }),
    );
  });

  it('keeps responses with the same message.id but different request ids apart', () => {
    const t = new MessageUsageTracker();
    t.addAssistant(assistant('a', { req: 'r1' }));
    t.addAssistant(assistant('a', { req: 'r2' }));
    expect(t.models().m?.inputTokens).toBe(10);
  });

  it('skips synthetic messages, events without usage, and counts those without an id', () => {
    const t = new MessageUsageTracker();
    t.addAssistant(assistant('s', { model: '<synthetic>' }));
    t.addAssistant({ type: 'assistant', message: { id: 'x', model: 'm' } });
    t.addAssistant({ type: 'assistant' });
    t.addAssistant(assistant(null));
    expect([t.size, t.withoutId, t.models()]).toEqual([0, 1, {}]);
  });

  it('joins stream events to the assistant events of the same response, per parent tool use', () => {
    const t = new MessageUsageTracker();
    const stream = (event: object, parent: string | null = null) => ({
      type: 'stream_event',
      event,
      parent_tool_use_id: parent,
    });
    t.addStreamEvent(stream({ type: 'message_start', message: { id: 'a', model: 'm', usage: usage(5, 1) } }));
    t.addStreamEvent(
      stream({ type: 'message_start', message: { id: 'b', model: 'm', usage: usage(6, 1) } }, 'toolu_1'),
    );
    t.addAssistant(assistant('a', { req: 'r' }));
    t.addStreamEvent(stream({ type: 'message_delta', usage: { output_tokens: 30 } }));
    t.addAssistant(assistant('a', { req: 'r' }));
    t.addStreamEvent(stream({ type: 'message_delta' }, 'toolu_1'));
    t.addStreamEvent(stream({ type: 'message_delta', usage: { output_tokens: 9 } }, 'nobody'));
    expect(t.size).toBe(2);
    expect(t.models().m).toEqual(
      expect.objectContaining({ inputTokens: 11, outputTokens: 31, outputTokensLowerBound: true }),
    );
  });

  it('reset() forgets the responses but not how many were ever seen', () => {
    const t = new MessageUsageTracker();
    t.addAssistant(assistant('a'));
    t.reset();
    t.addAssistant(assistant('a'));
    expect([t.size, t.messagesSeen]).toEqual([1, 2]);
  });
});
