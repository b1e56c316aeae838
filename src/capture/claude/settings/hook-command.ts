/**
 * Recognising tokenledger's hook command in a settings handler: any `command` handler whose first
 * simple command runs a `tokenledger` or `tokenledger.js` executable (directly, or through node, npx,
 * env and the like) with the word `hook` next. So entries from an older install path, and a
 * `tokenledger hook` a user wrote by hand, are ours; `echo tokenledger hook` is not.
 * @module
 */
import { isJsonObject } from './settings-json.js';

/** Words of a shell command line, and whether it is a single simple command. */
export interface ShellWords {
  /** The words of the first simple command, quotes removed; redirections left out. */
  words: string[];
  /** False when there is more than one command (`;`, `&&`, `|`, newline, …) or a substitution. */
  simple: boolean;
}

const CONTROL = new Set([';', '&', '|', '(', ')', '`', '\n', '\r']);

/**
 * Splits a POSIX sh command line into words: single and double quotes, backslash escapes,
 * redirections (`2>/dev/null`, `>>log`) and `#` comments. Variables are not expanded. Stops at the
 * first control operator. Returns null for an unterminated quote.
 */
export function parseShellWords(text: string): ShellWords | null {
  const src = text.trim();
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let redirectTarget = false;
  let simple = true;
  const endWord = () => {
    if (inWord) {
      if (redirectTarget) redirectTarget = false;
      else words.push(word);
    }
    word = '';
    inWord = false;
  };
  for (let i = 0; i < src.length; i++) {
    const c = src.charAt(i);
    if (c === "'") {
      const close = src.indexOf("'", i + 1);
      if (close < 0) return null;
      word += src.slice(i + 1, close);
      inWord = true;
      i = close;
    } else if (c === '"') {
      inWord = true;
      for (i++; i < src.length && src[i] !== '"'; i++) {
        const d = src.charAt(i);
        const next = src[i + 1];
        if (d === '\\' && next !== undefined && '$`"\\\n'.includes(next)) {
          i++;
          if (next !== '\n') word += next;
          continue;
        }
        if (d === '`' || (d === '$' && next === '(')) simple = false;
        word += d;
      }
      if (i >= src.length) return null;
    } else if (c === '\\') {
      const next = src[i + 1];
      if (next === undefined) return null;
      i++;
      if (next !== '\n') {
        word += next;
        inWord = true;
      }
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === '#' && !inWord) {
      break;
    } else if (CONTROL.has(c) || (c === '$' && src[i + 1] === '(')) {
      simple = false;
      break;
    } else if (c === '<' || c === '>') {
      // `2>`, `>>`, `>&`, `>|`, `<`: drop a leading fd number; the next word is the target.
      if (inWord && /^\d+$/.test(word)) {
        word = '';
        inWord = false;
      }
      endWord();
      if (src[i + 1] === '<') {
        simple = false; // a here-document
        break;
      }
      while (src[i + 1] === '>' || src[i + 1] === '&' || src[i + 1] === '|') i++;
      redirectTarget = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  endWord();
  return { words, simple };
}

/** Commands that run the command after them: skipped, with their options and `NAME=value` words. */
const WRAPPERS = new Set(['env', 'exec', 'command', 'nohup', 'node', 'nodejs', 'bun', 'bunx', 'npx', 'pnpx']);
/** Package managers whose `exec`/`dlx`/`x` subcommand runs a package binary. */
const PACKAGE_RUNNERS = new Set(['npm', 'pnpm', 'yarn']);
/** A `NAME=value` word (an environment assignment before a command). */
export const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

function baseName(word: string): string {
  return word.slice(Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\')) + 1);
}

function isTokenledgerProgram(word: string): boolean {
  const name = baseName(word);
  return name === 'tokenledger' || name === 'tokenledger.js' || name.startsWith('tokenledger@');
}

/**
 * The index of the tokenledger executable in a command's words, when the command runs
 * `tokenledger hook`; else -1. The words before it are wrappers (env, node, npx, …).
 */
export function tokenledgerHookProgramIndex(words: readonly string[]): number {
  let i = 0;
  for (;;) {
    const w = words[i];
    if (w === undefined) return -1;
    const name = baseName(w);
    if (ASSIGNMENT.test(w)) {
      i++;
    } else if (WRAPPERS.has(name)) {
      for (i++; words[i]?.startsWith('-') === true; i++) {}
    } else if (PACKAGE_RUNNERS.has(name) && ['exec', 'dlx', 'x'].includes(words[i + 1] ?? '')) {
      for (i += 2; words[i]?.startsWith('-') === true; i++) {}
    } else {
      return isTokenledgerProgram(w) && words[i + 1] === 'hook' ? i : -1;
    }
  }
}

/** True when a shell command line runs `tokenledger hook` (see the module comment). */
export function isTokenledgerHookCommand(command: string): boolean {
  const parsed = parseShellWords(command);
  return parsed?.simple === true && tokenledgerHookProgramIndex(parsed.words) >= 0;
}

/**
 * The words a `command` handler runs: its shell command line parsed, or, for the exec form
 * (`args` present), `command` followed by `args`. Null when it is not a command handler or cannot be
 * read as one simple command.
 */
export function handlerWords(handler: unknown): string[] | null {
  if (!isJsonObject(handler)) return null;
  if (handler.type !== 'command' && handler.type !== undefined) return null;
  const { command, args } = handler;
  if (typeof command !== 'string') return null;
  if (args !== undefined) {
    if (!Array.isArray(args) || !args.every((a): a is string => typeof a === 'string')) return null;
    return [command, ...args];
  }
  const parsed = parseShellWords(command);
  return parsed?.simple === true ? parsed.words : null;
}

/** True when a handler object (`hooks.<Event>[].hooks[]` item) is a tokenledger hook. */
export function isTokenledgerHandler(handler: unknown): boolean {
  const words = handlerWords(handler);
  return words !== null && tokenledgerHookProgramIndex(words) >= 0;
}

/** A handler's command as one line, for messages (`command` plus any exec-form `args`). */
export function handlerCommandText(handler: unknown): string {
  if (!isJsonObject(handler)) return JSON.stringify(handler);
  const command = typeof handler.command === 'string' ? handler.command : JSON.stringify(handler.command);
  return Array.isArray(handler.args) ? `${command} ${JSON.stringify(handler.args)}` : command;
}
