import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locateJsonError } from './json-error.js';

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('locateJsonError', () => {
  it.each([
    ['{"a":}', { offset: 5, line: 1, column: 6, problem: 'unexpected "}"' }],
    ['', { offset: 0, line: 1, column: 1, problem: 'unexpected end of input' }],
    ['{"a":1', { offset: 6, line: 1, column: 7, problem: 'unexpected end of input' }],
    ['[1,2]x', { offset: 5, line: 1, column: 6, problem: 'unexpected "x" after the JSON value' }],
    [
      '{\n  "a": 1\n  "b": 2\n}',
      { offset: 13, line: 3, column: 3, problem: 'expected "," or "}", got "\\""' },
    ],
    ['[1,]', { offset: 3, line: 1, column: 4, problem: 'unexpected "]"' }],
    ['{"a":1,}', { offset: 7, line: 1, column: 8, problem: 'unexpected "}"' }],
    ['{a:1}', { offset: 1, line: 1, column: 2, problem: 'unexpected "a"' }],
    ['{"a" 1}', { offset: 5, line: 1, column: 6, problem: 'unexpected "1"' }],
    ['"abc', { offset: 4, line: 1, column: 5, problem: 'unterminated string' }],
    ['"a\tb"', { offset: 2, line: 1, column: 3, problem: 'unescaped control character in a string' }],
    ['"\\x"', { offset: 1, line: 1, column: 2, problem: 'bad escape "\\\\x"' }],
    ['"\\u12G4"', { offset: 1, line: 1, column: 2, problem: 'bad \\u escape' }],
    ['-x', { offset: 1, line: 1, column: 2, problem: 'unexpected "x"' }],
    ['01', { offset: 1, line: 1, column: 2, problem: 'unexpected "1" after the JSON value' }],
    ['tru', { offset: 0, line: 1, column: 1, problem: 'unexpected "t"' }],
    ['é', { offset: 0, line: 1, column: 1, problem: 'unexpected "é"' }],
    ['[😀]', { offset: 1, line: 1, column: 2, problem: 'unexpected "😀"' }],
  ])('%j', (text, expected) => {
    expect(isJson(text)).toBe(false);
    expect(locateJsonError(text)).toEqual(expected);
  });

  it('returns null for valid JSON', () => {
    expect(locateJsonError(' {"a": [1, -2.5e3, "x\\n\\u00e9", true, false, null, {}, []]} ')).toBeNull();
  });

  it('does not overflow the stack on deep nesting', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(199_999)}`;
    expect(locateJsonError(deep)).toEqual({
      offset: 399_999,
      line: 1,
      column: 400_000,
      problem: 'unexpected end of input',
    });
  });

  it('accepts whatever JSON.stringify prints', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(locateJsonError(JSON.stringify(value, null, 2))).toBeNull();
      }),
    );
  });

  it('agrees with JSON.parse on arbitrary and mangled text', () => {
    const mangled = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', 'x', '\\', ' '))
      .map(([json, at, insert]) => {
        const i = at % (json.length + 1);
        return json.slice(0, i) + insert + json.slice(i + (insert === '' ? 1 : 0));
      });
    fc.assert(
      fc.property(fc.oneof(fc.string(), mangled), (text) => {
        expect(locateJsonError(text) === null).toBe(isJson(text));
      }),
      { numRuns: 2000 },
    );
  });
});
