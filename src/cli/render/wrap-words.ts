/**
 * Word-wrapping of prose for the terminal, so that a number or a name is never split across lines.
 * @module
 */
import { displayWidth } from './display-width.js';

/**
 * Splits `text` into lines of at most `width` columns, breaking only at spaces; continuation lines
 * start with `indent`. A single word longer than a line gets a line of its own (it is never cut).
 * @example wrapWords('1,234 tokens · $159.85', 14) // ['1,234 tokens ·', '$159.85']
 */
export function wrapWords(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.trim() !== '' && displayWidth(line) + 1 + displayWidth(word) > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines;
}
