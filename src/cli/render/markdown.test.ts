import { describe, expect, it } from 'vitest';
import { type MarkdownValue, toMarkdownTable } from './markdown.js';

describe('toMarkdownTable', () => {
  it('renders a GFM table with right-aligned numbers', () => {
    expect(
      toMarkdownTable(
        ['Date', 'Total Tokens', 'Cost (USD)'],
        [
          ['2026-01-02', '100,080,234', '$48.12'],
          ['2026-01-03', '4,055', 'unpriced'],
          ['Total', '100,084,289', '$48.12'],
        ],
        ['left', 'right', 'right'],
      ),
    ).toMatchInlineSnapshot(`
      "| Date       | Total Tokens | Cost (USD) |
      | ---------- | -----------: | ---------: |
      | 2026-01-02 |  100,080,234 |     $48.12 |
      | 2026-01-03 |        4,055 |   unpriced |
      | Total      |  100,084,289 |     $48.12 |"
    `);
  });

  it.each([
    ['right', '---:'],
    ['center', ':---:'],
    ['left', '---'],
  ] as const)('aligns %s with %s', (align, marker) => {
    expect(toMarkdownTable(['abc'], [], [align]).split('\n')[1]).toBe(`| ${marker} |`);
  });

  it.each<[string, MarkdownValue, string]>([
    ['pipe', 'a|b', 'a\\|b'],
    ['LF', 'line 1\nline 2', 'line 1<br>line 2'],
    ['CRLF', 'a\r\nb', 'a<br>b'],
    ['null', null, ''],
    ['number', 1234.5, '1234.5'],
  ])('escapes a cell with %s', (_, value, expected) => {
    const body = toMarkdownTable(['value'], [[value]]).split('\n')[2];
    expect(body?.slice(2, -2).trimEnd()).toBe(expected);
  });

  it('pads by display width so CJK columns line up in the source', () => {
    expect(
      toMarkdownTable(
        ['Project', 'Cost'],
        [
          ['~/日本語', '$1.00'],
          ['~/ab', '$0.10'],
        ],
        ['left', 'right'],
      ),
    ).toMatchInlineSnapshot(`
        "| Project  |  Cost |
        | -------- | ----: |
        | ~/日本語 | $1.00 |
        | ~/ab     | $0.10 |"
      `);
  });

  it('fills cells missing from short rows', () => {
    expect(toMarkdownTable(['a', 'b'], [['x']])).toMatchInlineSnapshot(`
      "| a   | b   |
      | --- | --- |
      | x   |     |"
    `);
  });
});
