import { describe, expect, it } from 'vitest';
import { RunAccumulator } from './run-accumulator.js';

const assistant = (id: string, input: number) =>
  JSON.stringify({
    type: 'assistant',
    message: { id, model: 'm', stop_reason: null, usage: { input_tokens: input, output_tokens: 1 } },
    session_id: 's',
  });

describe('RunAccumulator', () => {
  it('handles put-aside and parsed events in line order (a result drops what came before it)', () => {
    const acc = new RunAccumulator();
    acc.deferMessage(assistant('a', 5), 1);
    acc.value({ type: 'result', modelUsage: {} }, '', 2);
    acc.deferMessage(assistant('b', 7), 3);
    acc.value(JSON.parse(assistant('c', 11)), '', 4);
    const run = acc.finish();
    expect(run.afterLastResult).toEqual({
      messages: 2,
      models: { m: expect.objectContaining({ inputTokens: 18 }) },
    });
    expect(run.stats).toEqual({
      lines: 0,
      events: 4,
      assistantEvents: 3,
      nonJsonLines: 0,
      foreignJsonLines: 0,
    });
  });

  it('reads only the last init event, whether put aside or parsed', () => {
    const init = (version: string) => ({
      type: 'system',
      subtype: 'init',
      claude_code_version: version,
      model: 'x',
      session_id: 's',
    });
    const acc = new RunAccumulator();
    acc.deferInit(JSON.stringify(init('1')), 1);
    acc.value(init('2'), '', 2);
    acc.deferInit(JSON.stringify(init('3')), 3);
    expect(acc.finish().claudeCodeVersion).toBe('3');
    const other = new RunAccumulator();
    other.deferInit(JSON.stringify(init('1')), 1);
    other.value(init('2'), '', 2);
    expect(other.finish().claudeCodeVersion).toBe('2');
  });

  it('reports a put-aside line that is not JSON under its own line number', () => {
    const acc = new RunAccumulator();
    acc.nonJsonLine('late', 9);
    acc.deferMessage('{"type":"assistant",broken', 4);
    const run = acc.finish();
    expect(run.stats).toEqual(expect.objectContaining({ events: 0, nonJsonLines: 2 }));
    expect(run.warnings).toContain(
      '2 non-JSON line(s) skipped (first: line 4, "{\\"type\\":\\"assistant\\",broken")',
    );
  });

  it('counts an array of events as several events, and an array of other things as one foreign line', () => {
    const acc = new RunAccumulator();
    acc.value([{ type: 'user', session_id: 's' }, { type: 'keep_alive' }, 3], '[…]', 1);
    acc.value([1, 2], '[1,2]', 2);
    acc.value({ type: 'mystery' }, '{…}', 3);
    acc.value({ type: 'mystery', session_id: 's' }, '{…}', 4);
    expect(acc.finish().stats).toEqual(expect.objectContaining({ events: 3, foreignJsonLines: 2 }));
  });

  it('reports an assistant event without message.id', () => {
    const acc = new RunAccumulator();
    acc.value({ type: 'assistant', message: { model: 'm', usage: { input_tokens: 1 } } }, '', 1);
    expect(acc.finish().warnings).toContain(
      '1 assistant event(s) without message.id were skipped (cannot deduplicate)',
    );
  });

  it('a result with neither modelUsage nor usage leaves the models unavailable', () => {
    const acc = new RunAccumulator();
    acc.value({ type: 'result', total_cost_usd: 0.1 }, '', 1);
    const run = acc.finish();
    expect([run.source, run.models, run.totalCostUsd, run.unavailable]).toEqual([
      'result',
      {},
      0.1,
      ['models', 'numTurns', 'durationMs', 'durationApiMs'],
    ]);
  });
});
