import { Buffer } from 'node:buffer';
import { TextDecoder } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyLine, guessEventType, isSkippedEventBytes } from './classify-line.js';

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

describe('classifyLine', () => {
  it.each([
    [
      '{"type":"user","message":{"content":[{"type":"tool_result","content":"\\"type\\":\\"result\\""}]}}',
      'skip-event',
    ],
    ['{"type":"assistant","message":{"id":"m"}}', 'message'],
    ['{"type":"stream_event","event":{"type":"message_start","message":{}}}', 'message'],
    ['{"type":"stream_event","event":{"type":"message_delta","usage":{}}}', 'message'],
    ['{"type":"stream_event","event":{"type":"content_block_delta","delta":{}}}', 'skip-event'],
    ['{"type":"system","subtype":"init","model":"x"}', 'init'],
    ['{"type":"system","subtype":"api_retry","attempt":1}', 'parse'],
    ['{"type":"system","subtype":"hook_response","output":"{}"}', 'skip-event'],
    ['{"type":"system","subtype":"task_progress","usage":{}}', 'skip-event'],
    ['{"type":"system","subtype":"something_new"}', 'parse'],
    ['{"type":"system","uuid":"u","subtype":"init"}', 'parse'],
    ['{"type":"result","subtype":"success"}', 'parse'],
    ['{"type":"rate_limit_event","rate_limit_info":{}}', 'parse'],
    ['{"type":"tool_progress","session_id":"s"}', 'parse'],
    ['{"type":"usr', 'parse'],
    ['{"duration_ms":1,"type":"result"}', 'parse'],
    ['{ "type": "user", "session_id": "s" }', 'skip-other'],
    ['{"session_id":"s","type":"user","message":{}}', 'skip-other'],
    ['{"session_id":"s","type":"user","message":{"role":"assistant"}}', 'parse'],
    ['{"level":"info"}', 'parse'],
    ['plain text', 'parse'],
    ['', 'parse'],
  ])('%s → %s', (line, action) => {
    expect(classifyLine(line)).toBe(action);
  });

  const NEEDED = ['result', 'assistant', 'system', 'rate_limit_event'];
  const SKIPPABLE_SUBTYPES = ['hook_response', 'task_progress'];
  const eventArb = fc.record({
    type: fc.constantFrom(...NEEDED, 'user', 'stream_event', 'tool_progress'),
    subtype: fc.constantFrom(undefined, 'init', 'api_retry', 'hook_response', 'task_progress'),
    inner: fc.constantFrom('message_start', 'message_delta', 'content_block_delta'),
    text: fc.string(),
    keys: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
    spaces: fc.boolean(),
  });

  it('never skips a line whose event is needed, whatever the key order, spacing or content', () => {
    fc.assert(
      fc.property(eventArb, ({ type, subtype, inner, text, keys, spaces }) => {
        const fields: [string, unknown][] = [
          ['type', type],
          ['subtype', subtype],
          ['event', { type: inner, text }],
          ['message', { content: [{ type: 'text', text }] }],
          ['session_id', 's'],
          ['uuid', text],
        ];
        const ordered = fields
          .map((f, i) => ({ f, k: keys[i] ?? 0 }))
          .sort((a, b) => a.k - b.k)
          .map(({ f }) => f);
        const line = JSON.stringify(Object.fromEntries(ordered), null, spaces ? 1 : undefined).replaceAll(
          '\n',
          '',
        );
        // System events are needed unless their subtype is one known to carry nothing.
        const skippable = type === 'system' && SKIPPABLE_SUBTYPES.includes(subtype ?? '');
        const needed =
          (NEEDED.includes(type) && !skippable) ||
          (type === 'stream_event' && inner !== 'content_block_delta');
        const skipped = classifyLine(line).startsWith('skip');
        expect(needed && skipped).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('isSkippedEventBytes', () => {
  /** What classifyLine says of the decoded line. */
  const skipsText = (bytes: Uint8Array): boolean => classifyLine(utf8.decode(bytes)) === 'skip-event';
  const skipsBytes = (bytes: Uint8Array): boolean => isSkippedEventBytes(Buffer.from(bytes), 0, bytes.length);

  it.each([
    ['{"type":"user","message":{"content":"日本語 😀 é"}}', true],
    ['{"type":"user"', true],
    ['{"type":"users","session_id":"s"}', false],
    ['{"type":"stream_event","event":{"type":"content_block_delta","delta":{"text":"😀"}}}', true],
    ['{"type":"stream_event","event":{"type":"message_start","message":{}}}', false],
    ['{"type":"stream_event","event":{"type":"message_delta","usage":{}}}', false],
    ['{"type":"system","subtype":"task_progress","usage":{}}', true],
    ['{"type":"system","subtype":"init","model":"x"}', false],
    ['{"type":"system","subtype":"task_progress', false],
    ['{"type":"assistant","message":{}}', false],
    ['{"type":"result"}', false],
    ['', false],
  ])('%s → %s, as classifyLine says', (line, skipped) => {
    const bytes = Buffer.from(line, 'utf8');
    expect(skipsBytes(bytes)).toBe(skipped);
    expect(skipsText(bytes)).toBe(skipped);
  });

  it('reads only its range of a larger buffer', () => {
    const buf = Buffer.from('xx{"type":"stream_event","event":{}}{"type":"message_start"}', 'utf8');
    expect(isSkippedEventBytes(buf, 2, 36)).toBe(true);
    expect(isSkippedEventBytes(buf, 2, buf.length)).toBe(false);
    const system = Buffer.from('{"type":"system","subtype":"status\n"}', 'utf8');
    expect(isSkippedEventBytes(system, 0, 34)).toBe(false);
  });

  const PREFIXES = [
    '{"type":"user"',
    '{"type":"use',
    '{"type":"stream_event"',
    '{"type":"stream_event","event":{"type":"message_start"',
    '{"type":"system","subtype":"',
    '{"type":"system","subtype":"hook_response"',
    '{"type":"system","subtype":"init"',
    '{"type":"assistant"',
    '',
  ];
  const PIECES = ['"message_start"', '"message_delta"', '"', ',', '}', 'é', '日本', '😀', '\\"', 'status"'];
  /** Lines that start like events and go on with any text, markers, and invalid UTF-8 bytes. */
  const lineArb = fc
    .tuple(
      fc.constantFrom(...PREFIXES),
      fc.array(
        fc.oneof(
          fc.constantFrom(...PIECES).map((p) => Buffer.from(p, 'utf8')),
          fc.string({ unit: 'binary', maxLength: 8 }).map((p) => Buffer.from(p, 'utf8')),
          fc.uint8Array({ maxLength: 4 }).map((b) => Buffer.from(b.filter((x) => x !== 0x0a))),
        ),
        { maxLength: 12 },
      ),
    )
    .map(([prefix, pieces]) => Buffer.concat([Buffer.from(prefix, 'latin1'), ...pieces]));

  it('decides exactly as classifyLine does on the decoded text, for any bytes after any prefix', () => {
    fc.assert(
      fc.property(lineArb, (bytes) => {
        expect(skipsBytes(bytes)).toBe(skipsText(bytes));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('guessEventType', () => {
  it.each([
    ['{"type":"assistant","message":{"id":', 'assistant'],
    ['{"duration_ms":1,"type":"result","usage":{', 'result'],
    ['{"duration_ms":1,"usage":{', null],
    ['{"type":"', null],
  ])('%s → %s', (line, type) => {
    expect(guessEventType(line)).toBe(type);
  });
});
