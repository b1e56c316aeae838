/**
 * Terminal display width of strings, without a dependency: ANSI escapes count 0, combining marks and
 * other zero-width code points count 0, East Asian Wide/Fullwidth characters and emoji count 2,
 * everything else counts 1. Widths are measured per grapheme cluster (`Intl.Segmenter`), so `é` written
 * as `e` + U+0301, flags and ZWJ emoji sequences each take the width of one character.
 * @module
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ESC is the point of this pattern.
const ANSI_PATTERN = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;
/**
 * Characters one column wide that never join a neighbour into one grapheme: printable ASCII, Latin-1
 * and Latin Extended letters (no combining marks, no soft hyphen), punctuation such as `…` and `—`,
 * and box drawing. Text made only of these is measured by its length, without segmenting it.
 */
const SIMPLE_NARROW = /^[\u0020-\u007e\u00a0-\u00ac\u00ae-\u02ff\u2010-\u2027\u2500-\u257f]*$/;
const ZERO_WIDTH = /^[\p{Cc}\p{Cf}\p{Mn}\p{Me}]$/u;
const EMOJI_PRESENTATION = /\p{Emoji_Presentation}/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const EMOJI_VARIATION_SELECTOR = '\ufe0f';
const ELLIPSIS = '…';

/** Code point ranges (inclusive) that East Asian Width classes as Wide or Fullwidth. */
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

let segmenterInstance: Intl.Segmenter | undefined;
/** Built on first use: loading the grapheme rules costs milliseconds that JSON output never needs. */
function segmenter(): Intl.Segmenter {
  segmenterInstance ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  return segmenterInstance;
}

/** Removes ANSI CSI (colours, cursor moves) and OSC (e.g. hyperlinks) escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}

function isWide(codePoint: number): boolean {
  return WIDE_RANGES.some(([from, to]) => codePoint >= from && codePoint <= to);
}

function graphemeWidth(grapheme: string): number {
  if (EMOJI_PRESENTATION.test(grapheme)) return 2;
  if (grapheme.includes(EMOJI_VARIATION_SELECTOR) && PICTOGRAPHIC.test(grapheme)) return 2;
  for (const char of grapheme) {
    if (ZERO_WIDTH.test(char)) continue;
    return isWide(char.codePointAt(0) ?? 0) ? 2 : 1;
  }
  return 0;
}

function graphemes(text: string): string[] {
  return Array.from(segmenter().segment(text), (s) => s.segment);
}

/**
 * The number of terminal columns `text` occupies (single line; ANSI escapes ignored).
 * @example displayWidth('~/src/日本') // 10
 */
export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  if (SIMPLE_NARROW.test(text)) return text.length;
  const plain = stripAnsi(text);
  if (SIMPLE_NARROW.test(plain)) return plain.length;
  let width = 0;
  for (const g of graphemes(plain)) width += graphemeWidth(g);
  return width;
}

/**
 * Shortens `text` to at most `width` columns, marking the cut with `…`. `from: 'end'` keeps the start
 * (`claude-sonn…`), `from: 'start'` keeps the end (`…/my-project`). Text that fits is returned as is;
 * text that is cut loses its ANSI escapes.
 */
export function truncateToWidth(text: string, width: number, from: 'end' | 'start' = 'end'): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  if (width === 1) return ELLIPSIS;
  if (PRINTABLE_ASCII.test(text))
    return from === 'start'
      ? ELLIPSIS + text.slice(text.length - width + 1)
      : text.slice(0, width - 1) + ELLIPSIS;
  const parts = graphemes(stripAnsi(text));
  if (from === 'start') parts.reverse();
  const kept: string[] = [];
  let used = 0;
  for (const g of parts) {
    const w = graphemeWidth(g);
    if (used + w > width - 1) break;
    kept.push(g);
    used += w;
  }
  return from === 'start' ? ELLIPSIS + kept.reverse().join('') : kept.join('') + ELLIPSIS;
}

/** Pads `text` with spaces to `width` columns, on the right (`left` align) or the left (`right` align). */
export function padToWidth(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const gap = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? gap + text : text + gap;
}
