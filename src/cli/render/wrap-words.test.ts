import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayWidth } from './display-width.js';
import { wrapWords } from './wrap-words.js';

describe('wrapWords', () => {
  it('breaks between words, indents continuation lines and keeps the leading indent', () => {
    expect(wrapWords('  1,031,997,600 tokens · $2,145.73 · cache hit 99.3%', 30, '    ')).toEqual([
      '  1,031,997,600 tokens ·',
      '    $2,145.73 · cache hit',
      '    99.3%',
    ]);
  });

  it('gives a word longer than the width a line of its own, uncut', () => {
    expect(wrapWords('Ledger: /a/very/long/path/to/ledger.db (1 MB)', 12)).toEqual([
      'Ledger:',
      '/a/very/long/path/to/ledger.db',
      '(1 MB)',
    ]);
  });

  it('keeps every word whole and every line within the width when the words fit', () => {
    const word = fc.stringMatching(/^[a-z0-9$,.]{1,10}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 12, max: 80 }),
        (words, width) => {
          const lines = wrapWords(words.join(' '), width, '  ');
          expect(
            lines
              .join(' ')
              .split(' ')
              .filter((w) => w !== ''),
          ).toEqual(words);
          for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(width);
        },
      ),
    );
  });
});
