import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClaudeOutput } from './parse-output.js';

const fixture = (name: string): string =>
  fs.readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

/** `[input, output, cacheCreation, cacheRead]` per model. */
const tokens = (models: ReturnType<typeof parseClaudeOutput>['models']) =>
  Object.fromEntries(
    Object.entries(models).map(([name, m]) => [
      name,
      [m.inputTokens, m.outputTokens, m.cacheCreationInputTokens, m.cacheReadInputTokens],
    ]),
  );

const SONNET = 'claude-sonnet-4-5-20250929';
const HAIKU = 'claude-haiku-4-5-20251001';
const OPUS_197 = 'claude-opus-4-8[1m]';

/** Lines of a fixture, without the trailing empty one. */
const linesOf = (text: string): string[] => text.split('\n').filter((l) => l !== '');
const resultFree = (text: string): string =>
  `${linesOf(text)
    .filter((l) => !l.includes('"type":"result"'))
    .join('\n')}\n`;

/** The last result line of the single-turn 2.1.197 sample, as an object to vary. */
const singleTurnResult = (): Record<string, unknown> =>
  JSON.parse(linesOf(fixture('2.1.197-single-turn.stream-json.jsonl')).at(-1) ?? '{}');

describe('parseClaudeOutput on real CLI outputs', () => {
  it.each([
    {
      file: '2.1.330-broken-stream.stream-json.jsonl',
      models: { 'claude-opus-5-5': [2468, 57, 4000, 600] },
      cost: 0.031132000000000003,
      turns: 1,
      results: 1,
      session: '721e5b48-5cfd-4081-978a-7068b928d18c',
      version: '2.1.330',
    },
    {
      file: '2.1.330-background-agent.stream-json.jsonl',
      models: { [SONNET]: [137, 78, 10200, 10000], [HAIKU]: [311, 42, 4033, 4000] },
      cost: 0.048793249999999996,
      turns: 3,
      results: 2,
      session: '477e2c1a-b36f-4bfc-845c-19a35ad6082a',
      version: '2.1.330',
    },
    {
      file: '2.1.330-background-agent.unicode.stream-json.jsonl',
      models: { [SONNET]: [137, 78, 10200, 10000], [HAIKU]: [311, 42, 4033, 4000] },
      cost: 0.048793249999999996,
      turns: 3,
      results: 2,
      session: '477e2c1a-b36f-4bfc-845c-19a35ad6082a',
      version: '2.1.330',
    },
    {
      file: '2.1.330-resume.results.jsonl',
      models: { [SONNET]: [80, 95, 12230, 24150] },
      cost: 0.054772499999999995,
      turns: 3,
      results: 2,
      session: '767d965d-2ca2-4466-a1ec-5cdfc4fe3f10',
      version: null,
    },
    {
      file: '2.1.330-sdk-query.messages.jsonl',
      models: { [SONNET]: [130, 75, 10200, 10000], [HAIKU]: [311, 42, 4033, 4000] },
      cost: 0.04872725,
      turns: 2,
      results: 1,
      session: '38d4e0a4-8ec9-46d3-82a1-83d7b251d6b8',
      version: '2.1.330',
    },
    {
      file: '2.1.197-single-turn.stream-json.jsonl',
      models: { [OPUS_197]: [1234, 56, 2000, 300] },
      cost: 0.020220000000000002,
      turns: 1,
      results: 1,
      session: '97e062c6-6af7-44bd-adee-c58437667c1b',
      version: '2.1.197',
    },
    {
      file: '2.1.197-single-turn.output-json.json',
      models: { [OPUS_197]: [1234, 56, 2000, 300] },
      cost: 0.020220000000000002,
      turns: 1,
      results: 1,
      session: 'a9a0e54d-9e89-441f-a685-6a856f19ee86',
      version: null,
    },
    {
      file: '2.1.197-broken-stream.stream-json.jsonl',
      models: { [OPUS_197]: [1234, 56, 2000, 300] },
      cost: 0.020220000000000002,
      turns: 1,
      results: 1,
      session: 'ce519432-bf37-4470-acb4-4c907dd41320',
      version: '2.1.197',
    },
    {
      file: '2.1.197-subagent.stream-json.jsonl',
      models: { [SONNET]: [130, 75, 10200, 10000], [HAIKU]: [311, 42, 4033, 4000] },
      cost: 0.04872725,
      turns: 2,
      results: 1,
      session: '2d41546c-7ddd-411e-a2b1-f30d037ed04d',
      version: '2.1.197',
    },
    {
      file: '2.1.197-resume-prompt1.stream-json.jsonl',
      models: { [SONNET]: [10, 30, 80, 12150] },
      cost: 0.004425,
      turns: 1,
      results: 1,
      session: 'c016a966-e025-4ded-9651-5ed5cd66a5f0',
      version: '2.1.197',
    },
  ])('$file: last result wins', ({ file, models, cost, turns, results, session, version }) => {
    const run = parseClaudeOutput(fixture(file));
    expect(run.source).toBe('result');
    expect(tokens(run.models)).toEqual(models);
    expect(run.totalCostUsd).toBe(cost);
    expect(run.numTurns).toBe(turns);
    expect(run.resultCount).toBe(results);
    expect(run.sessionId).toBe(session);
    expect(run.claudeCodeVersion).toBe(version);
    expect(run.isError).toBe(false);
    expect(run.complete).toBe(true);
    expect(run.subtype).toBe('success');
    expect(run.stats.nonJsonLines + run.stats.foreignJsonLines).toBe(0);
  });

  it('keeps 2.1.330 extras: canonical model, 1h cache writes, cost per model, init model', () => {
    const run = parseClaudeOutput(fixture('2.1.330-background-agent.stream-json.jsonl'));
    expect(run.models[HAIKU]).toEqual({
      inputTokens: 311,
      outputTokens: 42,
      cacheCreationInputTokens: 4033,
      cacheReadInputTokens: 4000,
      cacheCreation1hInputTokens: 0,
      webSearchRequests: 0,
      costUsd: 0.0059622500000000005,
      canonicalModel: 'claude-haiku-4-5',
      outputTokensLowerBound: false,
    });
    expect(run.model).toBe(SONNET);
    expect(run.unavailable).toEqual([]);
    expect(run.warnings).toEqual([]);
    expect(run.totals.inputTokens).toBe(137 + 311);
  });

  it('does not add up several result events, and keeps each one (background agent: two results)', () => {
    const run = parseClaudeOutput(fixture('2.1.330-background-agent.stream-json.jsonl'));
    expect(run.results.map((r) => [r.resultIndex, r.numTurns, r.durationMs, r.originKind])).toEqual([
      [0, 2, 745, null],
      [1, 1, 79, 'task-notification'],
    ]);
    expect(run.results.map((r) => r.totalCostUsd)).toEqual([0.048793249999999996, 0.048793249999999996]);
    expect(run.durationMs).toBe(745 + 79);
    expect(run.durationApiMs).toBe(198);
    expect(run.lastResult).toBe(run.results[1]);
  });

  it('reports result.usage only as the main loop of the last turn, never as the totals', () => {
    const run = parseClaudeOutput(fixture('2.1.330-background-agent.stream-json.jsonl'));
    expect(run.lastResult?.mainLoopUsage?.inputTokens).toBe(7);
    expect(run.results[0]?.mainLoopUsage?.inputTokens).toBe(130);
    expect(run.totals.inputTokens).toBe(448);
  });

  it('keeps modelUsage when result.usage is zeroed (2.1.197 non-streaming retry)', () => {
    const run = parseClaudeOutput(fixture('2.1.197-broken-stream.stream-json.jsonl'));
    expect(run.lastResult?.mainLoopUsage?.inputTokens).toBe(0);
    expect(tokens(run.models)).toEqual({ [OPUS_197]: [1234, 56, 2000, 300] });
  });

  it('reports api_retry events and warns that 2.1.330 counts the aborted attempt', () => {
    const run = parseClaudeOutput(fixture('2.1.330-broken-stream.stream-json.jsonl'));
    expect(run.rateLimits.apiRetries).toBe(1);
    expect(run.rateLimits.retriesByStatus).toEqual({ none: 1 });
    expect(run.rateLimits.lastApiRetry).toEqual({
      attempt: 1,
      maxRetries: 10,
      retryDelayMs: 539,
      errorStatus: null,
      error: 'unknown',
    });
    expect(run.warnings).toEqual([expect.stringContaining('1 API request(s) were retried')]);
  });

  it('marks the 1h cache split unavailable where modelUsage predates it (2.1.197)', () => {
    const run = parseClaudeOutput(fixture('2.1.197-single-turn.output-json.json'));
    expect(run.unavailable).toEqual([`models["${OPUS_197}"].cacheCreation1hInputTokens`]);
    expect(run.models[OPUS_197]?.canonicalModel).toBeNull();
  });
});

describe('parseClaudeOutput without a result event (#6805)', () => {
  it('counts each message.id once, takes input/cache from the snapshot and flags output as a lower bound', () => {
    const run = parseClaudeOutput(resultFree(fixture('2.1.330-background-agent.stream-json.jsonl')));
    expect(run.source).toBe('assistant-events');
    // The first response has two events (text + tool_use): summing them would give 237 input.
    expect(tokens(run.models)).toEqual({ [SONNET]: [137, 3, 10200, 10000], [HAIKU]: [311, 2, 4033, 4000] });
    expect(Object.values(run.models).map((m) => [m.outputTokensLowerBound, m.costUsd])).toEqual([
      [true, null],
      [true, null],
    ]);
    expect(run.complete).toBe(false);
    expect(run.totalCostUsd).toBeNull();
    expect(run.unavailable).toEqual(['totalCostUsd', 'numTurns', 'durationMs', 'durationApiMs']);
    expect(run.reason).toContain('no result event');
    expect(run.warnings).toEqual([run.reason, expect.stringContaining('lower bounds')]);
    expect(run.sessionId).toBe('477e2c1a-b36f-4bfc-845c-19a35ad6082a');
    expect(run.stats.assistantEvents).toBe(6);
  });

  it('groups by message.id + request_id and takes the maximum of each field', () => {
    const event = (id: string, req: string | null, out: number, stop: string | null) =>
      JSON.stringify({
        type: 'assistant',
        message: {
          id,
          model: 'm',
          stop_reason: stop,
          usage: {
            input_tokens: 5,
            output_tokens: out,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 1,
          },
        },
        ...(req === null ? {} : { request_id: req }),
        session_id: 's',
      });
    const run = parseClaudeOutput(
      [event('a', 'r1', 1, null), event('a', 'r1', 9, 'end_turn'), event('b', null, 2, null)].join('\n'),
    );
    expect(run.models.m).toEqual(
      expect.objectContaining({ inputTokens: 10, outputTokens: 11, cacheReadInputTokens: 2 }),
    );
    expect(run.models.m?.outputTokensLowerBound).toBe(true);
  });

  it('uses the final output count of --include-partial-messages stream events', () => {
    const stream = (event: Record<string, unknown>) =>
      JSON.stringify({ type: 'stream_event', event, session_id: 's', parent_tool_use_id: null });
    const usage = {
      input_tokens: 12,
      output_tokens: 1,
      cache_creation_input_tokens: 3,
      cache_read_input_tokens: 4,
    };
    const lines = [
      stream({ type: 'message_start', message: { id: 'msg_1', model: 'm', usage } }),
      stream({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'hi' } }),
      JSON.stringify({
        type: 'assistant',
        message: { id: 'msg_1', model: 'm', stop_reason: null, usage },
        request_id: 'req_1',
        session_id: 's',
      }),
      stream({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 77 } }),
    ];
    const run = parseClaudeOutput(lines.join('\n'));
    expect(tokens(run.models)).toEqual({ m: [12, 77, 3, 4] });
    expect(run.models.m?.outputTokensLowerBound).toBe(false);
    expect(run.warnings).toEqual([run.reason]);
  });

  it('reports usage seen after the last result separately (a later turn that was cut off)', () => {
    const lines = linesOf(fixture('2.1.197-single-turn.stream-json.jsonl'));
    const assistant = lines.find((l) => l.startsWith('{"type":"assistant"')) ?? '';
    const later = assistant.replaceAll('msg_fake_', 'msg_later_');
    const run = parseClaudeOutput([...lines, later].join('\n'));
    expect(run.source).toBe('result');
    expect(tokens(run.models)).toEqual({ [OPUS_197]: [1234, 56, 2000, 300] });
    expect(run.afterLastResult?.messages).toBe(1);
    expect(tokens(run.afterLastResult?.models ?? {})).toEqual({ 'claude-opus-4-8': [1234, 1, 2000, 300] });
    expect(run.warnings).toEqual([expect.stringContaining('after the last result event')]);
  });

  it('skips synthetic messages (no API call)', () => {
    const line = JSON.stringify({
      type: 'assistant',
      message: { id: 'x', model: '<synthetic>', usage: { input_tokens: 9, output_tokens: 9 } },
      session_id: 's',
    });
    expect(parseClaudeOutput(line).source).toBe('none');
  });
});

describe('parseClaudeOutput on --output-format json', () => {
  it('reads one result object on one line', () => {
    const compact = JSON.stringify(JSON.parse(fixture('2.1.197-single-turn.output-json.json')));
    const run = parseClaudeOutput(compact);
    expect(tokens(run.models)).toEqual({ [OPUS_197]: [1234, 56, 2000, 300] });
    expect(run.warnings).toEqual([]);
  });

  it('reads a pretty-printed result with CRLF line ends and a BOM', () => {
    const text = `\uFEFF${fixture('2.1.197-single-turn.output-json.json').replaceAll('\n', '\r\n')}`;
    const run = parseClaudeOutput(text);
    expect(run.totalCostUsd).toBe(0.020220000000000002);
    expect(run.stats).toEqual(expect.objectContaining({ events: 1, nonJsonLines: 0 }));
  });

  it('reads the array of events that --verbose json prints, pretty or not', () => {
    const events = linesOf(fixture('2.1.330-background-agent.stream-json.jsonl')).map((l) => JSON.parse(l));
    for (const text of [JSON.stringify(events), JSON.stringify(events, null, 2)]) {
      const run = parseClaudeOutput(text);
      expect([run.resultCount, run.totalCostUsd, run.claudeCodeVersion]).toEqual([
        2,
        0.048793249999999996,
        '2.1.330',
      ]);
    }
  });

  it('reads a pretty-printed result between a wrapper’s prints', () => {
    const text = `starting claude…\n${fixture('2.1.197-single-turn.output-json.json')}done.\n`;
    const run = parseClaudeOutput(text);
    expect(run.source).toBe('result');
    expect(run.stats.nonJsonLines).toBe(2);
    expect(run.warnings).toEqual([
      expect.stringMatching(/^2 non-JSON line\(s\) skipped \(first: line 1, "starting/),
    ]);
  });
});

describe('parseClaudeOutput on error results', () => {
  it.each([
    {
      subtype: 'error_max_turns',
      extra: { errors: [] as string[], stop_reason: 'tool_use' },
      errors: [] as string[],
    },
    {
      subtype: 'error_during_execution',
      extra: { errors: ['Tool Bash failed: permission denied', 'aborted'] },
      errors: ['Tool Bash failed: permission denied', 'aborted'],
    },
    {
      subtype: 'error_max_budget_usd',
      extra: { errors: ['Reached maximum budget ($0.01)'] },
      errors: ['Reached maximum budget ($0.01)'],
    },
    {
      subtype: 'success',
      extra: {
        result: 'API Error: 529 {"type":"error","error":{"type":"overloaded_error"}}',
        api_error_status: 529,
      },
      errors: ['API Error: 529 {"type":"error","error":{"type":"overloaded_error"}}'],
    },
  ])('$subtype still yields its usage and sets isError, subtype and errors', ({ subtype, extra, errors }) => {
    // Error results have no `result` text (only success results do).
    const { result: _, ...base } = singleTurnResult();
    const result = { ...base, subtype, is_error: true, ...extra };
    const run = parseClaudeOutput(`${JSON.stringify(result)}\n`);
    expect(run.isError).toBe(true);
    expect(run.subtype).toBe(subtype);
    expect(run.errors).toEqual(errors);
    expect(run.source).toBe('result');
    expect(tokens(run.models)).toEqual({ [OPUS_197]: [1234, 56, 2000, 300] });
  });

  it('keeps the API error status and the usage-limit reset time', () => {
    const result = {
      ...singleTurnResult(),
      is_error: true,
      api_error_status: 429,
      result: 'Claude AI usage limit reached|1795500000',
    };
    const run = parseClaudeOutput(JSON.stringify(result));
    expect(run.lastResult?.apiErrorStatus).toBe(429);
    expect(run.rateLimits.limitedUntil).toBe(1795500000_000);
  });

  it('isError follows the last result: an error turn followed by a successful one', () => {
    const error = JSON.stringify({
      ...singleTurnResult(),
      subtype: 'error_during_execution',
      is_error: true,
      errors: ['x'],
    });
    const run = parseClaudeOutput(`${error}\n${JSON.stringify(singleTurnResult())}\n`);
    expect([run.isError, run.subtype, run.errors]).toEqual([false, 'success', ['x']]);
  });
});

describe('parseClaudeOutput on cut, odd and foreign output', () => {
  const broken = fixture('2.1.330-broken-stream.stream-json.jsonl');

  it('uses a complete last line that has no newline', () => {
    const run = parseClaudeOutput(broken.trimEnd());
    expect(run.source).toBe('result');
    expect(run.warnings).toEqual([expect.stringContaining('were retried')]);
  });

  it('falls back to the assistant events when the stream is cut inside the result line', () => {
    const cut = broken.slice(0, broken.lastIndexOf('"modelUsage"'));
    const run = parseClaudeOutput(cut);
    expect(run.source).toBe('assistant-events');
    expect(tokens(run.models)).toEqual({ 'claude-opus-5-5': [1234, 1, 2000, 300] });
    expect(run.warnings).toContainEqual(
      expect.stringMatching(
        /^output ended mid-line: line 6 \(\d+ characters\) is incomplete and was ignored$/,
      ),
    );
  });

  it('names the event type of a cut-off line when it can', () => {
    const lines = linesOf(broken);
    const run = parseClaudeOutput(`${lines.slice(0, 4).join('\n')}\n${lines[4]?.slice(0, 100)}`);
    expect(run.source).toBe('none');
    expect(run.warnings).toContainEqual(expect.stringContaining('a "assistant" event'));
  });

  it('skips and counts non-JSON lines and foreign JSON among the events', () => {
    const lines = linesOf(fixture('2.1.197-single-turn.stream-json.jsonl'));
    const text = [
      '[wrapper] running claude',
      ...lines.slice(0, 2),
      '{oops',
      '42',
      '{"level":"info"}',
      ...lines.slice(2),
    ];
    const run = parseClaudeOutput(text.join('\n'));
    expect(run.source).toBe('result');
    expect(run.stats).toEqual(expect.objectContaining({ nonJsonLines: 2, foreignJsonLines: 2, events: 5 }));
    expect(run.warnings).toEqual([
      '2 non-JSON line(s) skipped (first: line 1, "[wrapper] running claude")',
      '2 JSON line(s) that are not Claude Code events skipped (first: line 5, "42")',
    ]);
  });

  it.each([
    { name: 'empty', text: '', reason: 'the output is empty', lines: 0 },
    { name: 'blank lines', text: '\n \r\n\t\n', reason: 'the output is empty', lines: 0 },
    {
      name: 'plain text',
      text: 'Error: not logged in\nRun claude login\n',
      reason: expect.stringContaining('no Claude Code events'),
      lines: 2,
    },
    {
      name: 'foreign JSONL',
      text: '{"timestamp":"2026-11-20T10:00:07Z","type":"event_msg","payload":{}}\n[1,2]\n',
      reason: expect.stringContaining('no Claude Code events'),
      lines: 2,
    },
    {
      name: 'only an init event',
      text: `${linesOf(broken)[2]}\n`,
      reason: expect.stringContaining('no result event and no API response'),
      lines: 1,
    },
  ])('$name: a usable result with source none, zeros and a reason', ({ text, reason, lines }) => {
    const run = parseClaudeOutput(text);
    expect(run.source).toBe('none');
    expect(run.models).toEqual({});
    expect(run.totals).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
      cacheCreation1hInputTokens: 0,
      webSearchRequests: 0,
    });
    expect([run.totalCostUsd, run.numTurns, run.isError, run.complete]).toEqual([null, null, false, false]);
    expect(run.reason).toEqual(reason);
    expect(run.unavailable).toContain('models');
    expect(run.stats.lines).toBe(lines);
  });

  it('files result.usage under the init model when the result has no modelUsage', () => {
    const { modelUsage: _, ...result } = singleTurnResult();
    const init = linesOf(fixture('2.1.197-single-turn.stream-json.jsonl'))[2];
    const run = parseClaudeOutput(`${init}\n${JSON.stringify(result)}\n`);
    expect(run.source).toBe('result-usage');
    expect(tokens(run.models)).toEqual({ [OPUS_197]: [1234, 56, 2000, 300] });
    expect(run.models[OPUS_197]?.costUsd).toBeNull();
    expect(run.reason).toContain('main agent loop only');
  });

  it('sets missing fields to 0 or null and lists them as unavailable', () => {
    const run = parseClaudeOutput(
      JSON.stringify({
        type: 'result',
        subtype: 'success',
        modelUsage: { m: { inputTokens: 3, outputTokens: 'x' } },
      }),
    );
    expect(tokens(run.models)).toEqual({ m: [3, 0, 0, 0] });
    expect(run.unavailable).toEqual([
      'models["m"].cacheCreationInputTokens',
      'models["m"].costUsd',
      'models["m"].outputTokens',
      'models["m"].cacheReadInputTokens',
      'models["m"].webSearchRequests',
      'totalCostUsd',
      'numTurns',
      'durationMs',
      'durationApiMs',
    ]);
  });

  it('keeps model names as given, even `__proto__` and `[1m]` suffixes', () => {
    const entry = { inputTokens: 1, outputTokens: 2, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 };
    const run = parseClaudeOutput(
      `{"type":"result","modelUsage":{"__proto__":${JSON.stringify(entry)},"opus[1m]":${JSON.stringify(entry)}}}`,
    );
    expect(Object.keys(run.models)).toEqual(['__proto__', 'opus[1m]']);
    expect(Object.getPrototypeOf(run.models)).toBe(Object.prototype);
  });

  it('reads rate_limit_event events (latest per limit type) and a rejected limit’s reset time', () => {
    const event = (status: string, resetsAt: number, type: string) =>
      JSON.stringify({
        type: 'rate_limit_event',
        rate_limit_info: { status, resetsAt, rateLimitType: type, utilization: 0.5 },
        session_id: 's',
      });
    const run = parseClaudeOutput(
      [
        event('allowed', 1795500000, 'five_hour'),
        event('rejected', 1795600000, 'five_hour'),
        event('allowed_warning', 1796000000, 'seven_day'),
      ].join('\n'),
    );
    expect(run.rateLimits.limits).toEqual({
      five_hour: {
        status: 'rejected',
        rateLimitType: 'five_hour',
        resetsAt: 1795600000_000,
        utilization: 0.5,
      },
      seven_day: {
        status: 'allowed_warning',
        rateLimitType: 'seven_day',
        resetsAt: 1796000000_000,
        utilization: 0.5,
      },
    });
    expect(run.rateLimits.limitedUntil).toBe(1795600000_000);
  });
});

describe('parseClaudeOutput on arbitrary input', () => {
  const eventLike = fc.oneof(
    fc.json(),
    fc.string(),
    fc.constantFrom(
      '{"type":"result"',
      '{"type":"assistant","message":{"id":"m","usage":{"input_tokens":-5,"output_tokens":"x"}}}',
      '{"type":"result","modelUsage":{"m":{"inputTokens":1e308}},"total_cost_usd":"free"}',
      '{"type":"stream_event","event":{"type":"message_delta","usage":null}}',
      '{"type":"system","subtype":"init","session_id":42}',
      '[1,2,3]',
      'null',
    ),
  );

  it('never throws, and always says where its numbers come from', () => {
    fc.assert(
      fc.property(fc.array(eventLike, { maxLength: 30 }), fc.boolean(), (lines, bytes) => {
        const text = lines.join('\n');
        const run = parseClaudeOutput(bytes ? Buffer.from(text, 'utf8') : text);
        expect(['result', 'result-usage', 'assistant-events', 'none']).toContain(run.source);
        expect(run.source === 'result' || run.reason !== null || run.source === 'none').toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        expect(parseClaudeOutput(bytes).source).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });
});
