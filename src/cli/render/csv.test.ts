import { describe, expect, it } from 'vitest';
import { type CsvValue, toCsv } from './csv.js';

describe('toCsv field quoting', () => {
  it.each<[string, CsvValue, string]>([
    ['plain text', '2026-01-02', '2026-01-02'],
    ['comma', 'opus-4-1, sonnet-4-5', '"opus-4-1, sonnet-4-5"'],
    ['double quote', 'say "hi"', '"say ""hi"""'],
    ['LF', 'two\nlines', '"two\nlines"'],
    ['CR', 'a\rb', '"a\rb"'],
    ['leading and trailing spaces kept', ' x ', ' x '],
    ['non-ASCII', '~/仕事/café', '~/仕事/café'],
    ['empty string', '', ''],
    ['null', null, ''],
    ['integer, unformatted', 1234567, '1234567'],
    ['fraction, unformatted', 48.1234, '48.1234'],
    ['negative zero', -0, '0'],
    ['NaN', Number.NaN, ''],
  ])('%s', (_, value, expected) => {
    expect(toCsv(['h'], [[value]])).toBe(`h\n${expected}\n`);
  });
});

describe('toCsv documents', () => {
  it('writes a header and rows, each ending with LF', () => {
    expect(
      toCsv(
        ['date', 'input', 'cost_usd', 'models'],
        [
          ['2026-01-02', 12345, 48.12, 'opus-4-1, sonnet-4-5'],
          ['2026-01-03', 845, null, 'mystery'],
        ],
      ),
    ).toMatchInlineSnapshot(`
      "date,input,cost_usd,models
      2026-01-02,12345,48.12,"opus-4-1, sonnet-4-5"
      2026-01-03,845,,mystery
      "
    `);
  });

  it('writes only the header when there are no rows', () => {
    expect(toCsv(['a', 'b'], [])).toBe('a,b\n');
  });

  it('quotes header fields too', () => {
    expect(toCsv(['Cost (USD), total'], [])).toBe('"Cost (USD), total"\n');
  });
});
