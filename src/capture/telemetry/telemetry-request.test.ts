import { describe, expect, it } from 'vitest';
import { parseTelemetryRequest, parseTelemetryText, type TelemetryRequest } from './telemetry-request.js';

const entry = (over: Record<string, unknown> = {}) => ({
  agent: 'build-lead',
  model: 'opus',
  input_tokens: 12000,
  output_tokens: 3000,
  total_tokens: 15000,
  estimated_cost: 0.45,
  ...over,
});

const request = (over: Record<string, unknown> = {}) => ({
  mode: 'log_only',
  task_id: 'T-12',
  timestamp: '2025-11-28T14:30:00Z',
  user_request_summary: 'Add a login page.\nKeep the old one.',
  entries: [entry()],
  ...over,
});

const T = Date.UTC(2025, 10, 28, 14, 30);

function errorsOf(raw: unknown): string[] {
  const result = parseTelemetryRequest(raw);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result)}`);
  return result.errors;
}

function okOf(raw: unknown): { request: TelemetryRequest; warnings: string[] } {
  const result = parseTelemetryRequest(raw);
  if (!result.ok) throw new Error(`expected a request, got ${JSON.stringify(result.errors)}`);
  return result;
}

describe('parseTelemetryRequest: valid requests', () => {
  it('reads the seed 000 §4.1 example exactly', () => {
    expect(parseTelemetryRequest(request())).toEqual({
      ok: true,
      request: {
        mode: 'log_only',
        task_id: 'T-12',
        timestamp: '2025-11-28T14:30:00Z',
        timestampMs: T,
        user_request_summary: 'Add a login page.\nKeep the old one.',
        entries: [entry()],
        days: null,
        missing: [],
      },
      warnings: [],
    });
  });

  it('reads log_and_summarize with several entries, zero counts and zero cost', () => {
    const entries = [
      entry(),
      entry({
        agent: 'ui-impl',
        model: 'sonnet',
        input_tokens: 0,
        output_tokens: 0,
        total_tokens: 0,
        estimated_cost: 0,
      }),
    ];
    const { request: r, warnings } = okOf(request({ mode: 'log_and_summarize', entries }));
    expect(r.mode).toBe('log_and_summarize');
    expect(r.entries).toEqual(entries);
    expect(warnings).toEqual([]);
  });

  it('accepts the largest counts and keeps a non-UTC timestamp as sent', () => {
    const big = entry({ input_tokens: 5e11, output_tokens: 5e11, total_tokens: 1e12, estimated_cost: 1e9 });
    const { request: r } = okOf(request({ entries: [big], timestamp: '2025-11-28T16:30:00+02:00' }));
    expect(r.entries).toEqual([big]);
    expect(r.timestamp).toBe('2025-11-28T16:30:00+02:00');
    expect(r.timestampMs).toBe(T);
  });

  it('reads a review_period request with days', () => {
    expect(parseTelemetryRequest({ mode: 'review_period', days: 30 })).toEqual({
      ok: true,
      request: {
        mode: 'review_period',
        task_id: 'unavailable',
        timestamp: null,
        timestampMs: null,
        user_request_summary: 'unavailable',
        entries: [],
        days: 30,
        missing: [],
      },
      warnings: [],
    });
  });

  it('defaults review_period days to 7 with a warning', () => {
    const { request: r, warnings } = okOf({
      mode: 'review_period',
      task_id: 'R-1',
      timestamp: '2025-11-28T14:30:00Z',
    });
    expect(r.days).toBe(7);
    expect(r.task_id).toBe('R-1');
    expect(r.timestampMs).toBe(T);
    expect(warnings).toEqual(['days: missing; reviewing the default 7 days']);
    expect(okOf({ mode: 'review_period', days: null }).request.days).toBe(7);
  });

  it('drops review_period entries with a warning after validating them', () => {
    const { request: r, warnings } = okOf({ mode: 'review_period', days: 7, entries: [entry(), entry()] });
    expect(r.entries).toEqual([]);
    expect(warnings).toEqual(['entries: 2 entries ignored; review_period records nothing']);
    expect(errorsOf({ mode: 'review_period', days: 7, entries: [entry({ input_tokens: -1 })] })).toEqual([
      'entries[0].input_tokens: -1 is negative',
    ]);
  });

  it('ignores days in the logging modes with a warning, but still validates it', () => {
    const { request: r, warnings } = okOf(request({ days: 7 }));
    expect(r.days).toBeNull();
    expect(warnings).toEqual(['days: 7 ignored; only review_period uses it']);
    expect(errorsOf(request({ days: 0 }))).toEqual(['days: 0 is not a positive number of days']);
  });

  it('warns about unknown keys and drops them', () => {
    const { request: r, warnings } = okOf(
      request({ extra: 1, __proto__x: 2, entries: [entry({ cache_read_tokens: 5 })] }),
    );
    expect(r.entries[0]).toEqual(entry());
    expect(warnings).toEqual([
      '(top level): unknown keys "extra", "__proto__x" ignored',
      'entries[0]: unknown key "cache_read_tokens" ignored',
    ]);
  });

  it('lists at most 10 unknown keys', () => {
    const extras = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i]));
    expect(okOf(request(extras)).warnings).toEqual([
      '(top level): unknown keys "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9" and 2 more ignored',
    ]);
  });

  it('reads an offset-less timestamp as UTC with a warning', () => {
    const { request: r, warnings } = okOf(request({ timestamp: '2025-11-28T14:30:00' }));
    expect(r.timestampMs).toBe(T);
    expect(warnings).toEqual(['timestamp: "2025-11-28T14:30:00" has no time zone offset; read as UTC']);
  });
});

describe('parseTelemetryRequest: missing data (seed 000 §8.2)', () => {
  it('marks missing top-level fields "unavailable" or null, with warnings', () => {
    expect(parseTelemetryRequest({ mode: 'log_only', entries: [entry()] })).toEqual({
      ok: true,
      request: {
        mode: 'log_only',
        task_id: 'unavailable',
        timestamp: null,
        timestampMs: null,
        user_request_summary: 'unavailable',
        entries: [entry()],
        days: null,
        missing: ['task_id', 'timestamp', 'user_request_summary'],
      },
      warnings: [
        'task_id: missing, recorded as "unavailable"',
        'timestamp: missing, recorded as null',
        'user_request_summary: missing, recorded as "unavailable"',
      ],
    });
  });

  it('treats null and blank strings as missing', () => {
    const { request: r } = okOf(request({ task_id: '  ', timestamp: null, user_request_summary: '' }));
    expect([r.task_id, r.timestamp, r.user_request_summary, r.missing]).toEqual([
      'unavailable',
      null,
      'unavailable',
      ['task_id', 'timestamp', 'user_request_summary'],
    ]);
  });

  it('marks missing entry fields', () => {
    const { request: r, warnings } = okOf(
      request({ entries: [{ input_tokens: 10, output_tokens: null, model: '' }] }),
    );
    expect(r.entries).toEqual([
      {
        agent: 'unavailable',
        model: 'unavailable',
        input_tokens: 10,
        output_tokens: null,
        total_tokens: null,
        estimated_cost: null,
      },
    ]);
    expect(r.missing).toEqual([
      'entries[0].agent',
      'entries[0].model',
      'entries[0].output_tokens',
      'entries[0].total_tokens',
      'entries[0].estimated_cost',
    ]);
    expect(warnings).toEqual([
      'entries[0].agent: missing, recorded as "unavailable"',
      'entries[0].model: missing, recorded as "unavailable"',
      'entries[0].output_tokens: missing, recorded as null',
      'entries[0].total_tokens: missing, recorded as null',
      'entries[0].estimated_cost: missing, recorded as null',
    ]);
  });

  it('keeps an entry with only a cost', () => {
    expect(
      okOf(request({ entries: [{ agent: 'a', model: 'm', estimated_cost: 0.1 }] })).request.entries,
    ).toEqual([
      {
        agent: 'a',
        model: 'm',
        input_tokens: null,
        output_tokens: null,
        total_tokens: null,
        estimated_cost: 0.1,
      },
    ]);
  });

  it('fails on missing telemetry: no mode, no entries, empty entries, entries without numbers', () => {
    expect(errorsOf({ task_id: 'T' })).toEqual([
      'mode: is missing; expected one of log_only, log_and_summarize, review_period',
    ]);
    expect(errorsOf(request({ entries: undefined }))).toEqual([
      'entries: missing; there is no telemetry to record',
    ]);
    expect(errorsOf(request({ entries: null }))).toEqual([
      'entries: missing; there is no telemetry to record',
    ]);
    expect(errorsOf(request({ entries: [] }))).toEqual(['entries: empty; there is no telemetry to record']);
    expect(
      errorsOf(request({ mode: 'log_and_summarize', entries: [entry(), { agent: 'x', model: 'y' }] })),
    ).toEqual(['entries[1]: has no token counts and no estimated_cost; there is no telemetry to record']);
  });
});

describe('parseTelemetryRequest: bad input', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'unknown mode',
      { mode: 'log' },
      ['mode: "log" is not a mode; expected one of log_only, log_and_summarize, review_period'],
    ],
    [
      'mode of the wrong type',
      { mode: 1 },
      ['mode: 1 is not a mode; expected one of log_only, log_and_summarize, review_period'],
    ],
    ['task_id not a string', { task_id: 12 }, ['task_id: 12 is not a string']],
    ['timestamp not a string', { timestamp: 1732804200000 }, ['timestamp: 1732804200000 is not a string']],
    [
      'timestamp not ISO 8601',
      { timestamp: 'Nov 28 2025' },
      ['timestamp: "Nov 28 2025" is not an ISO 8601 date-time such as "2025-11-28T14:30:00Z"'],
    ],
    [
      'impossible date',
      { timestamp: '2025-02-30T00:00:00Z' },
      ['timestamp: "2025-02-30T00:00:00Z" is not an ISO 8601 date-time such as "2025-11-28T14:30:00Z"'],
    ],
    [
      'summary not a string, not echoed',
      { user_request_summary: ['secret', 'plans'] },
      ['user_request_summary: expected a string, got an array (value not shown: user content)'],
    ],
    ['entries not an array', { entries: { a: 1 } }, ['entries: {"a":1} is not an array of entries']],
    [
      'entry not an object',
      { entries: [entry(), 5, [1]] },
      [
        'entries[1]: expected an entry object {agent, model, input_tokens, output_tokens, total_tokens, estimated_cost}, got a number',
        'entries[2]: expected an entry object {agent, model, input_tokens, output_tokens, total_tokens, estimated_cost}, got an array',
      ],
    ],
    [
      'agent not a string',
      { entries: [entry({ agent: { name: 'x' } })] },
      ['entries[0].agent: {"name":"x"} is not a string'],
    ],
    ['model not a string', { entries: [entry({ model: true })] }, ['entries[0].model: true is not a string']],
    [
      'negative tokens',
      { entries: [entry(), entry(), entry({ input_tokens: -5, total_tokens: 2995 })] },
      ['entries[2].input_tokens: -5 is negative'],
    ],
    [
      'fractional tokens',
      { entries: [entry({ output_tokens: 2999.5, total_tokens: 14999.5 })] },
      [
        'entries[0].output_tokens: 2999.5 is not a whole number of tokens',
        'entries[0].total_tokens: 14999.5 is not a whole number of tokens',
      ],
    ],
    [
      'tokens as a string',
      { entries: [entry({ input_tokens: '12000' })] },
      ['entries[0].input_tokens: "12000" is not a number'],
    ],
    [
      'absurd tokens',
      { entries: [entry({ input_tokens: 2e12, total_tokens: 2e12 + 3000 })] },
      [
        'entries[0].input_tokens: 2000000000000 is absurd (more than 1000000000000 tokens)',
        'entries[0].total_tokens: 2000000003000 is absurd (more than 1000000000000 tokens)',
      ],
    ],
    [
      'non-finite tokens',
      { entries: [entry({ input_tokens: Number.POSITIVE_INFINITY })] },
      ['entries[0].input_tokens: Infinity is not finite'],
    ],
    [
      'NaN tokens',
      { entries: [entry({ input_tokens: Number.NaN })] },
      ['entries[0].input_tokens: NaN is not a number'],
    ],
    [
      'total that does not add up',
      { entries: [entry({ total_tokens: 15001 })] },
      ['entries[0].total_tokens: 15001 does not equal input_tokens + output_tokens (12000 + 3000 = 15000)'],
    ],
    [
      'negative cost',
      { entries: [entry({ estimated_cost: -0.01 })] },
      ['entries[0].estimated_cost: -0.01 is negative'],
    ],
    [
      'non-finite cost',
      { entries: [entry({ estimated_cost: Number.NEGATIVE_INFINITY })] },
      ['entries[0].estimated_cost: -Infinity is not finite'],
    ],
    [
      'absurd cost',
      { entries: [entry({ estimated_cost: 2e9 })] },
      ['entries[0].estimated_cost: 2000000000 is absurd (more than 1000000000 USD)'],
    ],
    [
      'cost as a string',
      { entries: [entry({ estimated_cost: '$0.45' })] },
      ['entries[0].estimated_cost: "$0.45" is not a number'],
    ],
    ['fractional days', { mode: 'review_period', days: 1.5 }, ['days: 1.5 is not a whole number of days']],
    ['negative days', { mode: 'review_period', days: -7 }, ['days: -7 is not a positive number of days']],
    [
      'absurd days',
      { mode: 'review_period', days: 100000 },
      ['days: 100000 is absurd (more than 3650 days)'],
    ],
    ['days as a string', { mode: 'review_period', days: '7' }, ['days: "7" is not a number']],
  ])('%s', (_name, over, errors) => {
    expect(errorsOf(request(over))).toEqual(errors);
  });

  it.each<[unknown, string]>([
    [null, '(top level): expected a JSON object, got null'],
    [[request()], '(top level): expected a JSON object, got an array'],
    ['{"mode":"log_only"}', '(top level): expected a JSON object, got a string'],
    [42, '(top level): expected a JSON object, got a number'],
    [undefined, '(top level): expected a JSON object, got nothing'],
  ])('rejects the non-object %j', (raw, error) => {
    expect(errorsOf(raw)).toEqual([error]);
  });

  it('reports every problem at once, the sum check included', () => {
    expect(
      errorsOf(
        request({
          mode: 'summarize',
          task_id: null,
          entries: [entry({ input_tokens: -1 }), entry({ total_tokens: 1 }), entry({ model: 7 })],
        }),
      ),
    ).toEqual([
      'mode: "summarize" is not a mode; expected one of log_only, log_and_summarize, review_period',
      'entries[0].input_tokens: -1 is negative',
      'entries[2].model: 7 is not a string',
      'entries[1].total_tokens: 1 does not equal input_tokens + output_tokens (12000 + 3000 = 15000)',
    ]);
  });

  it('cuts long values short in messages', () => {
    expect(errorsOf(request({ task_id: ['x'.repeat(100)] }))).toEqual([
      `task_id: ["${'x'.repeat(35)}... is not a string`,
    ]);
  });

  it('never echoes the user request summary into warnings or errors', () => {
    const secret = 'SECRET-PLAN';
    const bad = parseTelemetryRequest(
      request({ user_request_summary: secret, mode: 'x', entries: [entry({ input_tokens: -1 })], junk: 1 }),
    );
    const good = parseTelemetryRequest(
      request({ user_request_summary: secret, junk: 1, entries: [{ input_tokens: 1 }] }),
    );
    expect(JSON.stringify(bad.ok ? bad.warnings : bad.errors)).not.toContain(secret);
    expect(JSON.stringify(good.ok ? good.warnings : good.errors)).not.toContain(secret);
    expect(errorsOf(request({ user_request_summary: { text: secret } }))).toEqual([
      'user_request_summary: expected a string, got an object (value not shown: user content)',
    ]);
  });
});

describe('parseTelemetryText', () => {
  it('parses a JSON payload', () => {
    const result = parseTelemetryText(JSON.stringify(request()));
    expect(result.ok && result.request.entries).toEqual([entry()]);
  });

  it('skips a byte-order mark', () => {
    expect(parseTelemetryText(`\uFEFF${JSON.stringify(request())}`).ok).toBe(true);
  });

  it('reports invalid JSON with its position', () => {
    expect(parseTelemetryText('{\n  "mode": "log_only",\n  "task_id": }')).toEqual({
      ok: false,
      errors: ['(payload): invalid JSON: unexpected "}" at line 3, column 14 (offset 37)'],
    });
    expect(parseTelemetryText('{"mode": "log_only"')).toEqual({
      ok: false,
      errors: ['(payload): invalid JSON: unexpected end of input at line 1, column 20 (offset 19)'],
    });
  });

  it('rejects an empty payload', () => {
    expect(parseTelemetryText(' \n')).toEqual({
      ok: false,
      errors: ['(payload): empty; expected a JSON object'],
    });
    expect(parseTelemetryText('')).toEqual({
      ok: false,
      errors: ['(payload): empty; expected a JSON object'],
    });
  });

  it('checks the size in UTF-8 bytes before parsing', () => {
    expect(parseTelemetryText('{"a":"éé"}', { maxBytes: 11 })).toEqual({
      ok: false,
      errors: ['(payload): 12 bytes, over the limit of 11 bytes'],
    });
    // Not parsed: the size check comes first.
    expect(parseTelemetryText('x'.repeat(20), { maxBytes: 10 })).toEqual({
      ok: false,
      errors: ['(payload): at least 20 bytes, over the limit of 10 bytes'],
    });
    const text = JSON.stringify(request());
    expect(parseTelemetryText(text, { maxBytes: Buffer.byteLength(text) }).ok).toBe(true);
  });

  it('defaults to a 1 MiB limit', () => {
    const text = JSON.stringify(request({ pad: 'x'.repeat(1024 * 1024) }));
    expect(parseTelemetryText(text)).toEqual({
      ok: false,
      errors: [`(payload): at least ${text.length} bytes, over the limit of 1048576 bytes`],
    });
  });

  it('treats a "__proto__" key as an unknown key', () => {
    const text = JSON.stringify(request()).replace('{', '{"__proto__":{"mode":"review_period"},');
    const result = parseTelemetryText(text);
    expect(result.ok && result.request.mode).toBe('log_only');
    expect(result.ok && result.warnings).toEqual(['(top level): unknown key "__proto__" ignored']);
  });

  it('validates what it parsed', () => {
    expect(parseTelemetryText(JSON.stringify(request({ mode: 'nope' })))).toEqual({
      ok: false,
      errors: ['mode: "nope" is not a mode; expected one of log_only, log_and_summarize, review_period'],
    });
  });
});
