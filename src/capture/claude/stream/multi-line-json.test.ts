import { describe, expect, it } from 'vitest';
import { bracketDepth, MAX_MULTI_LINE_CHARS, MultiLineJson } from './multi-line-json.js';

describe('bracketDepth', () => {
  it.each([
    ['{', 0, 1],
    ['"a": [1, {"b": "}]"},', 1, 2],
    ['"s": "quote \\" and { brace",', 1, 1],
    ['"s": "backslash \\\\", "t": {', 1, 2],
    ['}', 1, 0],
    [']]', 1, -1],
    ['plain', 0, 0],
  ])('%s from %i → %i', (line, from, depth) => {
    expect(bracketDepth(line, from)).toBe(depth);
  });
});

describe('MultiLineJson', () => {
  it('collects lines until the brackets balance', () => {
    const m = new MultiLineJson();
    expect(m.start('{"a": 1}', 1)).toBe(false);
    expect(m.start('{', 3)).toBe(true);
    expect(m.active).toBe(true);
    expect(m.add('"a": [', 4)).toEqual({ kind: 'open' });
    expect(m.add('1]', 6)).toEqual({ kind: 'open' });
    expect(m.add('}', 7)).toEqual({
      kind: 'complete',
      text: '{\n"a": [\n1]\n}',
      lines: ['{', '"a": [', '1]', '}'],
      lineNos: [3, 4, 6, 7],
    });
    expect(m.active).toBe(false);
  });

  it('gives up on a closing bracket that was never opened, and on a value that grows too long', () => {
    const m = new MultiLineJson();
    m.start('[', 1);
    expect(m.add(']]', 2)).toEqual({ kind: 'broken', lines: ['[', ']]'], lineNos: [1, 2] });
    m.start('{', 1);
    expect(m.add('x'.repeat(MAX_MULTI_LINE_CHARS), 2).kind).toBe('broken');
  });

  it('take() stops collecting and returns what it has', () => {
    const m = new MultiLineJson();
    m.start('[{', 5);
    expect(m.take()).toEqual({ lines: ['[{'], lineNos: [5] });
    expect(m.active).toBe(false);
  });
});
