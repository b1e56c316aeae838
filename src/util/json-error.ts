/**
 * Where a JSON text first goes wrong. `JSON.parse` names the position only for some errors (Node 20
 * says "Unexpected token '}', … is not valid JSON" without one), so when it fails this small
 * scanner walks the text again and reports the offset, line and column of the first error. It is
 * iterative (an explicit stack), so deeply nested input cannot overflow the call stack, and it runs
 * only on the failure path.
 * @module
 */

/** The first syntax error in a JSON text. */
export interface JsonErrorLocation {
  /** 0-based offset in UTF-16 code units. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column, in UTF-16 code units. */
  column: number;
  /** What was wrong there, e.g. `unexpected "}"` or `unexpected end of input`. */
  problem: string;
}

const LITERALS = ['true', 'false', 'null'];
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX = /^[0-9A-Fa-f]{4}$/;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class JsonSyntaxError {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {}
}

function unexpected(text: string, i: number): JsonSyntaxError {
  if (i >= text.length) return new JsonSyntaxError(i, 'unexpected end of input');
  const cp = text.codePointAt(i) ?? 0;
  return new JsonSyntaxError(i, `unexpected ${JSON.stringify(String.fromCodePoint(cp))}`);
}

function skipSpace(text: string, i: number): number {
  let j = i;
  while (j < text.length) {
    const c = text[j];
    if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') break;
    j++;
  }
  return j;
}

/** Scans a string starting at its opening quote; returns the offset after the closing quote. */
function scanString(text: string, start: number): number {
  if (text[start] !== '"') throw unexpected(text, start);
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) throw new JsonSyntaxError(i, 'unescaped control character in a string');
    if (c === 0x5c) {
      const e = text[i + 1];
      if (e === undefined) break;
      if (e === 'u') {
        if (!HEX.test(text.slice(i + 2, i + 6))) throw new JsonSyntaxError(i, 'bad \\u escape');
        i += 6;
      } else if (ESCAPES.has(e)) {
        i += 2;
      } else {
        throw new JsonSyntaxError(i, `bad escape ${JSON.stringify(`\\${e}`)}`);
      }
    } else {
      i++;
    }
  }
  throw new JsonSyntaxError(text.length, 'unterminated string');
}

/** Scans one scalar or opens a container; returns the new offset. */
function scanValueStart(text: string, i: number, stack: string[]): { next: number; opened: boolean } {
  const c = text[i];
  if (c === '{' || c === '[') {
    const j = skipSpace(text, i + 1);
    const close = c === '{' ? '}' : ']';
    if (text[j] === close) return { next: j + 1, opened: false };
    stack.push(close);
    return { next: c === '{' ? scanKey(text, j) : j, opened: true };
  }
  if (c === '"') return { next: scanString(text, i), opened: false };
  if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
    NUMBER.lastIndex = i;
    if (!NUMBER.test(text)) throw unexpected(text, i + 1);
    return { next: NUMBER.lastIndex, opened: false };
  }
  for (const word of LITERALS) {
    if (text.startsWith(word, i)) return { next: i + word.length, opened: false };
  }
  throw unexpected(text, i);
}

/** Scans `"key" :` and the space after it; returns the offset of the value. */
function scanKey(text: string, i: number): number {
  if (text[i] !== '"') throw unexpected(text, i);
  const j = skipSpace(text, scanString(text, i));
  if (text[j] !== ':') throw unexpected(text, j);
  return skipSpace(text, j + 1);
}

function scan(text: string): void {
  const stack: string[] = [];
  let i = skipSpace(text, 0);
  for (;;) {
    const { next, opened } = scanValueStart(text, i, stack);
    i = skipSpace(text, next);
    if (opened) continue;
    // After a complete value: close containers, or move to the next element.
    for (;;) {
      const close = stack.at(-1);
      if (close === undefined) {
        if (i < text.length)
          throw new JsonSyntaxError(i, `unexpected ${JSON.stringify(text[i])} after the JSON value`);
        return;
      }
      if (text[i] === close) {
        stack.pop();
        i = skipSpace(text, i + 1);
        continue;
      }
      if (text[i] !== ',') {
        if (i >= text.length) throw unexpected(text, i);
        throw new JsonSyntaxError(i, `expected "," or "${close}", got ${JSON.stringify(text[i])}`);
      }
      i = skipSpace(text, i + 1);
      if (close === '}') i = scanKey(text, i);
      break;
    }
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The first syntax error in `text` as strict JSON (RFC 8259), or null when it is valid JSON.
 * @param text - a JSON text that `JSON.parse` rejected (any text works)
 */
export function locateJsonError(text: string): JsonErrorLocation | null {
  try {
    scan(text);
    return null;
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return { offset: error.offset, ...lineAndColumn(text, error.offset), problem: error.problem };
  }
}
