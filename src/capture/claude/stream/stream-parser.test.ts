import fs from 'node:fs';
import { TextDecoder } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClaudeOutput } from './parse-output.js';
import { MAX_DEFERRED_CHARS } from './run-accumulator.js';
import { ClaudeStreamParser, type ClaudeStreamParserOptions } from './stream-parser.js';

const FIXTURES = fs
  .readdirSync(new URL('./__fixtures__/', import.meta.url))
  .filter((f) => !f.endsWith('.md'));
const fixture = (name: string): string =>
  fs.readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const UNICODE = fixture('2.1.330-background-agent.unicode.stream-json.jsonl');

/** Feeds `input` cut at `cuts` (positions, any order, duplicates allowed) and ends. */
function parseInPieces<T extends string | Uint8Array>(
  input: T,
  cuts: readonly number[],
  options?: ClaudeStreamParserOptions,
) {
  const parser = new ClaudeStreamParser(options);
  const at = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...at, input.length]) {
    parser.write(input.slice(from, to));
    from = to;
  }
  return parser.end();
}

/** Outputs to split: real samples, alone or concatenated, with noise, CRLF, or cut short. */
const outputArb = fc
  .record({
    files: fc.array(fc.constantFrom(...FIXTURES), { minLength: 1, maxLength: 3 }),
    noise: fc.array(
      fc.constantFrom('', '   ', 'plain text é 😀', '{oops', '[1,', '42', '{"level":"info"}', '}', '{}'),
      { maxLength: 4 },
    ),
    crlf: fc.boolean(),
    keep: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
  })
  .map(({ files, noise, crlf, keep }) => {
    const lf = [...noise, ...files.map(fixture)].join('\n');
    const text = crlf ? lf.replaceAll('\n', '\r\n') : lf;
    return text.slice(0, keep === null ? text.length : Math.floor(text.length * keep));
  });

const cutsArb = fc.array(fc.nat(), { maxLength: 40 });

/** What the bytes say as text: one decode of the whole, invalid bytes as U+FFFD, a BOM kept. */
const decodeWhole = (bytes: Uint8Array): string =>
  new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);

/** Bytes that are not valid UTF-8 (stray continuation, truncated and overlong sequences, 0xff). */
const BAD_BYTES = [[0x80], [0xff], [0xe6, 0x97], [0xf0, 0x9f, 0x98], [0xc0, 0xaf], [0xed, 0xa0, 0x80]];

/** The UTF-8 of an output, maybe with a BOM, maybe with invalid bytes put in at random places. */
const bytesArb = fc
  .record({
    text: outputArb,
    bom: fc.boolean(),
    bad: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...BAD_BYTES)), { maxLength: 3 }),
  })
  .map(({ text, bom, bad }) => {
    let bytes = Buffer.from(text, 'utf8');
    for (const [at, insert] of bad) {
      const i = at % (bytes.length + 1);
      bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from(insert), bytes.subarray(i)]);
    }
    return bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]) : bytes;
  });

/** Cuts that favour the first bytes (a BOM split in its middle) as well as anywhere else. */
const byteCutsArb = fc.array(fc.oneof(fc.nat({ max: 4 }), fc.nat()), { maxLength: 40 });

describe('ClaudeStreamParser', () => {
  it('gives the same result for any split of the text as for the whole text', () => {
    fc.assert(
      fc.property(outputArb, cutsArb, (text, cuts) => {
        expect(parseInPieces(text, cuts)).toEqual(parseClaudeOutput(text));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same result for any split of the UTF-8 bytes, inside multi-byte characters too', () => {
    fc.assert(
      fc.property(outputArb, cutsArb, (text, cuts) => {
        expect(parseInPieces(Buffer.from(text, 'utf8'), cuts)).toEqual(parseClaudeOutput(text));
      }),
      { numRuns: 300 },
    );
  });

  it('reads bytes split anywhere (BOM, invalid UTF-8, CRLF) exactly as the text they decode to', () => {
    fc.assert(
      fc.property(bytesArb, byteCutsArb, (bytes, cuts) => {
        const text = parseClaudeOutput(decodeWhole(bytes));
        expect(parseInPieces(bytes, cuts)).toEqual(text);
        expect(parseClaudeOutput(bytes)).toEqual(text);
      }),
      { numRuns: 300 },
    );
  });

  it('skips the same over-long lines for bytes split anywhere as for the text (multi-byte characters)', () => {
    fc.assert(
      fc.property(bytesArb, byteCutsArb, fc.integer({ min: 1, max: 1500 }), (bytes, cuts, maxLineChars) => {
        const text = parseInPieces(decodeWhole(bytes), [], { maxLineChars });
        expect(parseInPieces(bytes, cuts, { maxLineChars })).toEqual(text);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same result when string and byte chunks are mixed', () => {
    fc.assert(
      fc.property(
        outputArb,
        cutsArb,
        fc.array(fc.boolean(), { minLength: 41, maxLength: 41 }),
        (text, cuts, asBytes) => {
          // Cut between code points: a string chunk holds whole characters.
          const points = [...text];
          const at = [...new Set(cuts.map((c) => c % (points.length + 1)))].sort((a, b) => a - b);
          const parser = new ClaudeStreamParser();
          let from = 0;
          for (const [i, to] of [...at, points.length].entries()) {
            const piece = points.slice(from, to).join('');
            parser.write(asBytes[i] ? Buffer.from(piece, 'utf8') : piece);
            from = to;
          }
          expect(parser.end()).toEqual(parseClaudeOutput(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('turns bytes cut inside a character before a string chunk into U+FFFD, as a streaming decoder does', () => {
    const line = '{"type":"result","subtype":"success","result":"é","session_id":"s"}\n';
    const bytes = Buffer.from(line, 'utf8');
    const cut = bytes.indexOf(0xc3) + 1;
    const parser = new ClaudeStreamParser();
    parser.write(bytes.subarray(0, cut));
    parser.write(bytes.subarray(cut).toString('latin1').slice(1));
    const run = parser.end();
    expect(run.sessionId).toBe('s');
    expect(run.lastResult?.subtype).toBe('success');
    expect(run).toEqual(parseClaudeOutput(line.replace('é', '\uFFFD')));
  });

  it('does not keep the chunks it is given (the caller may reuse the buffer)', () => {
    const text = fixture('2.1.330-background-agent.unicode.stream-json.jsonl');
    const bytes = Buffer.from(text, 'utf8');
    const parser = new ClaudeStreamParser();
    const reused = Buffer.alloc(1000);
    for (let at = 0; at < bytes.length; at += reused.length) {
      const n = bytes.copy(reused, 0, at, at + reused.length);
      parser.write(reused.subarray(0, n));
      reused.fill(0x7b);
    }
    expect(parser.end()).toEqual(parseClaudeOutput(text));
  });

  it('strips a BOM split over chunks, and only at the very start', () => {
    const line = fixture('2.1.197-single-turn.stream-json.jsonl');
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const whole = parseClaudeOutput(line);
    expect(parseInPieces(Buffer.concat([bom, Buffer.from(line)]), [1, 2])).toEqual(whole);
    expect(parseInPieces(Buffer.concat([bom, Buffer.from(line)]), [1])).toEqual(whole);
    const late = parseInPieces(Buffer.concat([Buffer.from('\n'), bom, Buffer.from(line)]), [1, 2]);
    expect(late).toEqual(parseClaudeOutput(`\n\uFEFF${line}`));
  });

  it('decodes a character split at each of its bytes (é, CJK, emoji)', () => {
    const bytes = Buffer.from(UNICODE, 'utf8');
    const whole = parseClaudeOutput(UNICODE);
    const inside = [...bytes.keys()].filter((i) => ((bytes[i] ?? 0) & 0xc0) === 0x80);
    expect(inside.length).toBeGreaterThan(100);
    for (const i of inside) expect(parseInPieces(bytes, [i])).toEqual(whole);
    expect(parseInPieces(bytes, inside)).toEqual(whole);
    expect(whole.totalCostUsd).toBe(0.048793249999999996);
  });

  it('reads byte-by-byte input', () => {
    const bytes = Buffer.from(UNICODE, 'utf8');
    const parser = new ClaudeStreamParser();
    for (const byte of bytes) parser.write(Uint8Array.of(byte));
    expect(parser.end()).toEqual(parseClaudeOutput(UNICODE));
  });

  it('turns a character cut off at the end of the output into U+FFFD, in a warning-bearing partial line', () => {
    const parser = new ClaudeStreamParser();
    parser.write(Buffer.from('{"type":"result","x":"é', 'utf8').subarray(0, -1));
    const run = parser.end();
    expect(run.warnings).toEqual([
      'the output has no Claude Code events (not `claude -p --output-format json|stream-json` output)',
      // 22 characters and the U+FFFD of the cut-off é
      'output ended mid-line: line 1 (23 characters, a "result" event) is incomplete and was ignored',
    ]);
  });

  it('throws on write after end, on a second end, and on a chunk of the wrong type', () => {
    const parser = new ClaudeStreamParser();
    expect(() => Reflect.apply(parser.write, parser, [42])).toThrow(TypeError);
    parser.end();
    expect(() => parser.write('{}\n')).toThrow('write() was called after end()');
    expect(() => parser.write(new Uint8Array())).toThrow('write() was called after end()');
    expect(() => parser.end()).toThrow('end() was called twice');
  });

  it('skips a line longer than maxLineChars, whether it comes whole or in pieces', () => {
    // The sample's longest line has 1360 characters.
    const long = JSON.stringify({ type: 'user', message: { content: 'x'.repeat(3000) }, session_id: 's' });
    const text = `${long}\n${fixture('2.1.197-single-turn.stream-json.jsonl')}`;
    for (const cuts of [[], [1000, 2000, 2500], [long.length + 1]]) {
      const parser = new ClaudeStreamParser({ maxLineChars: 2000 });
      let from = 0;
      for (const to of [...cuts, text.length]) {
        parser.write(text.slice(from, to));
        from = to;
      }
      const run = parser.end();
      expect([run.source, run.warnings]).toEqual([
        'result',
        ['line 1 is longer than 2000 characters: skipped'],
      ]);
    }
  });

  it('parses put-aside assistant events in order when more than the bound are waiting', () => {
    const event = (i: number) =>
      JSON.stringify({
        type: 'assistant',
        message: {
          id: `msg_${i >> 1}`,
          model: 'm',
          content: [{ type: 'text', text: 'y'.repeat(4000) }],
          stop_reason: null,
          usage: {
            input_tokens: 1,
            output_tokens: 1,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
          },
        },
        request_id: `req_${i >> 1}`,
        session_id: 's',
      });
    const count = Math.ceil((3 * MAX_DEFERRED_CHARS) / 4000);
    const lines = Array.from({ length: count }, (_, i) => event(i));
    const run = parseClaudeOutput(lines.join('\n'));
    expect(run.source).toBe('assistant-events');
    expect(run.models.m?.inputTokens).toBe(Math.ceil(count / 2));
    expect(run.stats.assistantEvents).toBe(count);
  });

  it('a result after many put-aside events makes them unnecessary', () => {
    const result = fixture('2.1.197-single-turn.stream-json.jsonl').trimEnd().split('\n').at(-1);
    const filler = JSON.stringify({
      type: 'assistant',
      message: { id: 'x', model: 'm', usage: { input_tokens: 1 }, content: 'z'.repeat(MAX_DEFERRED_CHARS) },
      session_id: 's',
    });
    const run = parseClaudeOutput(`${filler}\n${filler}\n${result}\n`);
    expect([run.source, run.afterLastResult, run.stats.assistantEvents]).toEqual(['result', null, 2]);
  });
});
