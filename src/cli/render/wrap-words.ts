/**
 * Word-wrapping of prose for the terminal, so that a number or a name is never split across lines.
 * @module
 */
import { displayWidth } from './display-width.js';

/**
 * Splits `text` into lines of at most `width` columns, breaking only at spaces; the first line keeps
 * the text's leading spaces, continuation lines start with `indent`. A single word longer than a line
 * gets a line of its own (it is never cut).
 * @example wrapWords('1,234 tokens · $159.85', 14) // ['1,234 tokens ·', '$159.85']
 */
export function wrapWords(text: string, width: number, indent = ''): string[] {
  const lead = /^ */.exec(text)?.[0] ?? '';
  const lines: string[] = [];
  let line = lead;
  for (const word of text.slice(lead.length).split(' ')) {
    if (line.trim() === '') line = `${line}${word}`;
    else if (displayWidth(line) + 1 + displayWidth(word) > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = `${line} ${word}`;
  }
  lines.push(line);
  return lines;
}
