import { describe, expect, it } from 'vitest';
import { MessageUsageTracker } from './message-usage-tracker.js';
import { readResultEvent } from './result-event.js';
import { chooseUsage, type UsageInputs } from './usage-choice.js';

const tracker = (responses: number): MessageUsageTracker => {
  const t = new MessageUsageTracker();
  for (let i = 0; i < responses; i++)
    t.addAssistant({ type: 'assistant', message: { id: `m${i}`, model: 'x', usage: { input_tokens: 2 } } });
  return t;
};
const inputs = (over: Partial<UsageInputs>): UsageInputs => ({
  last: null,
  lastModelUsage: null,
  initModel: null,
  messages: tracker(0),
  emptyOutput: false,
  sawEvents: true,
  ...over,
});
const result = (event: Record<string, unknown>) => readResultEvent({ type: 'result', ...event }, 0).summary;

describe('chooseUsage', () => {
  it('prefers modelUsage, skipping entries that are not objects', () => {
    const warnings: string[] = [];
    const choice = chooseUsage(
      inputs({ last: result({}), lastModelUsage: { a: { inputTokens: 1 }, b: 7 } }),
      [],
      warnings,
    );
    expect([choice.source, Object.keys(choice.models), choice.reason]).toEqual(['result', ['a'], null]);
    expect(warnings).toEqual(['modelUsage["b"] is not an object: skipped']);
  });

  it('falls back to result.usage under the init model, or "unknown"', () => {
    const last = result({ usage: { input_tokens: 4 } });
    expect(Object.keys(chooseUsage(inputs({ last, initModel: 'opus' }), [], []).models)).toEqual(['opus']);
    expect(chooseUsage(inputs({ last }), [], []).source).toBe('result-usage');
    expect(Object.keys(chooseUsage(inputs({ last }), [], []).models)).toEqual(['unknown']);
  });

  it('reports responses after the last result apart from the totals', () => {
    const choice = chooseUsage(
      inputs({ last: result({}), lastModelUsage: {}, messages: tracker(2) }),
      [],
      [],
    );
    expect(choice.afterLastResult).toEqual({
      messages: 2,
      models: { x: expect.objectContaining({ inputTokens: 4 }) },
    });
  });

  it('rebuilds from assistant events without a result', () => {
    const warnings: string[] = [];
    const choice = chooseUsage(inputs({ messages: tracker(3) }), [], warnings);
    expect([choice.source, choice.models.x?.inputTokens, warnings.length]).toEqual([
      'assistant-events',
      6,
      2,
    ]);
  });

  it.each([
    [{ emptyOutput: true, sawEvents: false }, 'the output is empty'],
    [
      { sawEvents: false },
      'the output has no Claude Code events (not `claude -p --output-format json|stream-json` output)',
    ],
    [{}, 'no result event and no API response: the run ended before Claude Code reported any usage'],
  ])('%j → source none: %s', (over, reason) => {
    const unavailable: string[] = [];
    const choice = chooseUsage(inputs(over), unavailable, []);
    expect([choice.source, choice.models, choice.reason, unavailable]).toEqual([
      'none',
      {},
      reason,
      ['models'],
    ]);
  });
});
