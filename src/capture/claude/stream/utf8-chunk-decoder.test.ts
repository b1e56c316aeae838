import { TextDecoder } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completePrefixLength, Utf8ChunkDecoder } from './utf8-chunk-decoder.js';

const whole = (bytes: Uint8Array): string => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);

function decodeInPieces(bytes: Uint8Array, cuts: readonly number[]): string {
  const decoder = new Utf8ChunkDecoder();
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let out = '';
  let from = 0;
  for (const to of [...at, bytes.length]) {
    out += decoder.write(bytes.subarray(from, to));
    from = to;
  }
  return out + decoder.end();
}

describe('completePrefixLength', () => {
  it.each([
    [[], 0],
    [[0x41], 1],
    [[0x41, 0xc3], 1],
    [[0xc3, 0xa9], 2],
    [[0x41, 0xe6, 0x97], 1],
    [[0xe6, 0x97, 0xa5], 3],
    [[0xf0, 0x9f, 0x98], 0],
    [[0xf0, 0x9f, 0x98, 0x80], 4],
    [[0x80, 0x80, 0x80, 0x80], 4],
    [[0xff], 1],
  ])('%j → %i', (bytes, length) => {
    expect(completePrefixLength(Uint8Array.from(bytes))).toBe(length);
  });
});

describe('Utf8ChunkDecoder', () => {
  it('decodes valid text split anywhere like one decode of the whole', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.array(fc.nat(), { maxLength: 20 }), (text, cuts) => {
        const bytes = Buffer.from(text, 'utf8');
        expect(decodeInPieces(bytes, cuts)).toBe(whole(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('decodes invalid bytes split anywhere like one decode of the whole (U+FFFD for each bad part)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }).map((b) => b.map((x) => (x < 0x40 ? x : 0x80 + (x % 0x78)))),
        fc.array(fc.nat(), { maxLength: 20 }),
        (bytes, cuts) => {
          expect(decodeInPieces(bytes, cuts)).toBe(whole(bytes));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('keeps a byte-order mark (the caller decides about it) and holds back a cut-off character', () => {
    const decoder = new Utf8ChunkDecoder();
    expect(decoder.write(Uint8Array.of(0xef, 0xbb, 0xbf, 0x41, 0xf0, 0x9f))).toBe('\uFEFFA');
    expect(decoder.write(Uint8Array.of(0x98))).toBe('');
    expect(decoder.write(Uint8Array.of(0x80, 0x42))).toBe('😀B');
    expect(decoder.write(Uint8Array.of(0xe6))).toBe('');
    expect(decoder.end()).toBe('\uFFFD');
    expect(decoder.end()).toBe('');
  });
});
