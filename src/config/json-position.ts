/**
 * Where a value sits in a valid JSON text, by its path (`["hook", "timeoutMs"]`, `["claudeDirs", 1]`),
 * as a 1-based line and column, so a setting that is valid JSON but a bad value can be reported where
 * the user has to fix it. Runs only on the error path, on text `JSON.parse` accepted; it descends
 * along the path and skips every other value without building it (iteratively: nesting depth does not
 * matter).
 * @module
 */

export interface TextPosition {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

const SPACE = new Set([' ', '\t', '\n', '\r']);

function skipSpace(text: string, i: number): number {
  let j = i;
  while (j < text.length && SPACE.has(text[j] as string)) j++;
  return j;
}

/** The offset after the string that opens at `i`. */
function skipString(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** The offset after the value that starts at `i`. */
function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    let j = i;
    while (j < text.length) {
      const d = text[j];
      if (d === '"') {
        j = skipString(text, j);
        continue;
      }
      if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    return j;
  }
  let j = i;
  while (j < text.length && !SPACE.has(text[j] as string) && !',}]'.includes(text[j] as string)) j++;
  return j;
}

/** The offset of the member value `key` of the object at `i` (the last one, as JSON.parse keeps), or -1. */
function memberOffset(text: string, i: number, key: string): number {
  let found = -1;
  let j = skipSpace(text, i + 1);
  while (text[j] === '"') {
    const end = skipString(text, j);
    const name = JSON.parse(text.slice(j, end)) as string;
    j = skipSpace(text, skipSpace(text, end) + 1); // past the colon
    if (name === key) found = j;
    j = skipSpace(text, skipValue(text, j));
    if (text[j] !== ',') break;
    j = skipSpace(text, j + 1);
  }
  return found;
}

/** The offset of element `index` of the array at `i`, or -1. */
function elementOffset(text: string, i: number, index: number): number {
  let j = skipSpace(text, i + 1);
  for (let k = 0; j < text.length && text[j] !== ']'; k++) {
    if (k === index) return j;
    j = skipSpace(text, skipValue(text, j));
    if (text[j] !== ',') return -1;
    j = skipSpace(text, j + 1);
  }
  return -1;
}

function positionOf(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The position of the value at `path` in `text` (valid JSON), or of the deepest part of the path
 * that exists (an object that lacks a required key: the object). Null only for an empty text.
 */
export function jsonValuePosition(text: string, path: readonly (string | number)[]): TextPosition | null {
  let at = skipSpace(text, text.startsWith('\uFEFF') ? 1 : 0);
  if (at >= text.length) return null;
  for (const key of path) {
    const c = text[at];
    const next =
      c === '{' && typeof key === 'string'
        ? memberOffset(text, at, key)
        : c === '[' && typeof key === 'number'
          ? elementOffset(text, at, key)
          : -1;
    if (next === -1) break;
    at = next;
  }
  return positionOf(text, at);
}
