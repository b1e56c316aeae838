import { describe, expect, it } from 'vitest';
import { displayWidth, padToWidth, stripAnsi, truncateToWidth } from './display-width.js';

describe('displayWidth', () => {
  it.each([
    ['empty', '', 0],
    ['ASCII', 'claude-sonnet-4-5', 17],
    ['precomposed accent', 'café', 4],
    ['combining accent', 'cafe\u0301', 4],
    ['CJK', '日本語', 6],
    ['fullwidth Latin', 'ＡＢ', 4],
    ['Hangul', '한국', 4],
    ['emoji', '🚀', 2],
    ['ZWJ emoji sequence', '👩‍💻', 2],
    ['flag', '🇯🇵', 2],
    ['emoji variation selector', '❤️', 2],
    ['text-style symbol', '✓', 1],
    ['box drawing', '└─', 2],
    ['ANSI colour', '\u001b[1m\u001b[36mDate\u001b[39m\u001b[22m', 4],
    ['ANSI around CJK', '\u001b[2m仕事\u001b[22m', 4],
    ['OSC 8 hyperlink', '\u001b]8;;https://example.com\u0007link\u001b]8;;\u0007', 4],
    ['zero-width space', 'a\u200bb', 2],
    ['ellipsis and dash', '4f1c2a9e… — ok', 14],
    ['soft hyphen', 'a\u00adb', 2],
    ['Latin Extended', 'Łódź', 4],
    ['combining mark after Latin-1', 'ü\u0308', 1],
    ['dimmed ellipsis', '\u001b[2m…/app\u001b[22m', 5],
  ])('%s: %j is %i columns', (_, text, width) => {
    expect(displayWidth(text)).toBe(width);
  });
});

describe('stripAnsi', () => {
  it.each([
    ['\u001b[33mTotal\u001b[39m', 'Total'],
    ['plain', 'plain'],
    ['\u001b[2Kcleared', 'cleared'],
  ])('%j → %j', (text, plain) => {
    expect(stripAnsi(text)).toBe(plain);
  });
});

describe('truncateToWidth', () => {
  it.each([
    ['fits', 'opus-4-1', 8, 'end', 'opus-4-1'],
    ['cut at the end', 'claude-sonnet-4-5', 10, 'end', 'claude-so…'],
    ['cut at the start', '~/src/my-project', 10, 'start', '…y-project'],
    ['CJK does not split a wide char', '日本語プロジェクト', 8, 'end', '日本語…'],
    ['CJK from the start', '~/仕事/日本語', 8, 'start', '…/日本語'],
    ['combining mark stays with its letter', 'cafe\u0301s!', 5, 'end', 'cafe\u0301…'],
    ['colour is dropped when cut', '\u001b[31mabcdef\u001b[39m', 4, 'end', 'abc…'],
    ['width 1', 'abc', 1, 'end', '…'],
    ['width 0', 'abc', 0, 'end', ''],
  ] as const)('%s', (_, text, width, from, expected) => {
    expect(truncateToWidth(text, width, from)).toBe(expected);
  });
});

describe('padToWidth', () => {
  it.each([
    ['ab', 5, 'left', 'ab   '],
    ['ab', 5, 'right', '   ab'],
    ['日本', 5, 'left', '日本 '],
    ['abcdef', 3, 'left', 'abcdef'],
  ] as const)('%j to %i (%s)', (text, width, align, expected) => {
    expect(padToWidth(text, width, align)).toBe(expected);
  });
});
