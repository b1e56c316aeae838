/**
 * The tokenledger entries in a Claude Code settings object (`hooks.<Event>[].hooks[]`): which events
 * we register, how our handlers are recognised, and pure edits that add, update, remove or inspect
 * them. Nothing here reads or writes files; edits return a new object and never touch other hooks,
 * other keys or key order.
 *
 * Our entries are recognised by their command, not by an id: any `command` handler whose first simple
 * command runs a `tokenledger` or `tokenledger.js` executable (directly, or through node, npx, env
 * and the like) with the word `hook` next. So entries from an older install path, and a
 * `tokenledger hook` a user wrote by hand, are ours; `echo tokenledger hook` is not.
 * @module
 */
import { HOOK_EVENTS as HOOKED_EVENTS } from '../../capture/claude/hook-input.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** An event we register, and the matcher of our group (`undefined`: the event has no matchers). */
export interface HookEventSpec {
  readonly event: string;
  readonly matcher: '*' | undefined;
}

/**
 * The events `tokenledger hooks install` registers, in the order they are written. PreCompact is
 * there to import a transcript before compaction rewrites it; SessionEnd to import it at the end.
 */
export const HOOK_EVENTS: readonly HookEventSpec[] = HOOKED_EVENTS.map((event) => ({
  event,
  // UserPromptSubmit and Stop take no matcher (FORMATS.md §2.1).
  matcher: event === 'UserPromptSubmit' || event === 'Stop' ? undefined : '*',
}));

/**
 * Seconds each handler may run. SessionEnd hooks share a 1.5 s budget unless a hook's own timeout
 * raises it, so this is explicit.
 */
export const HOOK_TIMEOUT_SECONDS = 30;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Recognising our command

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
    const c = src[i]!;
    if (c === "'") {
      const close = src.indexOf("'", i + 1);
      if (close < 0) return null;
      word += src.slice(i + 1, close);
      inWord = true;
      i = close;
    } else if (c === '"') {
      inWord = true;
      for (i++; i < src.length && src[i] !== '"'; i++) {
        const d = src[i]!;
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
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

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

// ---------------------------------------------------------------------------------------------
// Shape

/**
 * Why a settings object cannot be edited safely, or null when it can: `hooks`, if present, must be
 * an object and each event's value an array. Matcher groups and handlers are not checked; ones we do
 * not recognise are left alone.
 */
export function hooksShapeProblem(settings: JsonObject): string | null {
  if (!('hooks' in settings)) return null;
  const hooks = settings.hooks;
  if (!isJsonObject(hooks)) return `"hooks" is ${describeJson(hooks)}, not an object`;
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups)) return `"hooks.${event}" is ${describeJson(groups)}, not an array`;
  }
  return null;
}

function describeJson(value: JsonValue | undefined): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

// ---------------------------------------------------------------------------------------------
// Edits

export type HookChangeAction = 'added' | 'updated' | 'unchanged' | 'removed';

/** One thing an edit did (or, for `unchanged`, found already right). */
export interface HookChange {
  event: string;
  action: HookChangeAction;
  /**
   * Where: `hooks.Stop[1].hooks[0]`. Indices are those in the file before the edit, except for
   * `added`, whose path is where the new matcher group is in the file after it.
   */
  path: string;
  /** The handler's command before (updated, unchanged, removed). */
  before?: string;
  /** The handler's command after (added, updated, unchanged). */
  after?: string;
  /** Extra detail: "duplicate", "emptied matcher group removed", "emptied event removed". */
  note?: string;
}

export interface HooksEdit {
  /** The edited settings (a copy; the input is not modified). */
  settings: JsonObject;
  changes: HookChange[];
  /** False when the result equals the input. */
  changed: boolean;
}

/** The handler install writes. */
export function hookHandler(command: string): JsonObject {
  return { type: 'command', command, timeout: HOOK_TIMEOUT_SECONDS };
}

/** The matcher group install adds for an event. */
export function hookGroup(spec: HookEventSpec, command: string): JsonObject {
  return spec.matcher === undefined
    ? { hooks: [hookHandler(command)] }
    : { matcher: spec.matcher, hooks: [hookHandler(command)] };
}

function isCurrentHandler(handler: JsonObject, command: string): boolean {
  return (
    handler.type === 'command' &&
    handler.command === command &&
    handler.timeout === HOOK_TIMEOUT_SECONDS &&
    handler.args === undefined
  );
}

interface Located {
  group: number;
  handler: number;
}

/** Our handlers in an event's matcher groups, in file order. */
function locateOurs(groups: readonly JsonValue[]): Located[] {
  const found: Located[] = [];
  groups.forEach((group, g) => {
    if (!isJsonObject(group) || !Array.isArray(group.hooks)) return;
    group.hooks.forEach((handler, h) => {
      if (isTokenledgerHandler(handler)) found.push({ group: g, handler: h });
    });
  });
  return found;
}

function handlerAt(groups: JsonValue[], at: Located): JsonObject {
  const group = groups[at.group] as JsonObject;
  return (group.hooks as JsonValue[])[at.handler] as JsonObject;
}

function pathOf(event: string, group: number, handler?: number): string {
  return `hooks.${event}[${group}]${handler === undefined ? '' : `.hooks[${handler}]`}`;
}

/**
 * Removes handlers (given in file order) from an event's groups, dropping groups left empty.
 * Returns the change records, in file order.
 */
function removeHandlers(event: string, groups: JsonValue[], which: readonly Located[], note?: string) {
  const changes: HookChange[] = [];
  for (const at of [...which].reverse()) {
    const group = groups[at.group] as JsonObject;
    const handlers = group.hooks as JsonValue[];
    const [removed] = handlers.splice(at.handler, 1);
    const emptied = handlers.length === 0;
    if (emptied) groups.splice(at.group, 1);
    const notes = [note, emptied ? 'emptied matcher group removed' : undefined].filter(
      (n): n is string => n !== undefined,
    );
    changes.push({
      event,
      action: 'removed',
      path: pathOf(event, at.group, at.handler),
      before: handlerCommandText(removed),
      ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    });
  }
  return changes.reverse();
}

function cloneSettings(settings: JsonObject): JsonObject {
  return structuredClone(settings);
}

/**
 * Adds our handler to every event in {@link HOOK_EVENTS}, each in its own matcher group appended to
 * the event's list. Where one of ours is already there, it is kept in place: its command and timeout
 * are set to `command` and 30 if they differ; further copies of ours on that event are removed.
 * The settings must pass {@link hooksShapeProblem} (else this throws).
 */
export function installHooks(settings: JsonObject, command: string): HooksEdit {
  const problem = hooksShapeProblem(settings);
  if (problem !== null) throw new Error(`installHooks: ${problem}`);
  const out = cloneSettings(settings);
  const changes: HookChange[] = [];
  const hooks: JsonObject = isJsonObject(out.hooks) ? out.hooks : {};
  for (const spec of HOOK_EVENTS) {
    const existing = hooks[spec.event];
    const groups: JsonValue[] = Array.isArray(existing) ? existing : [];
    const ours = locateOurs(groups);
    const first = ours[0];
    if (first === undefined) {
      groups.push(hookGroup(spec, command));
      hooks[spec.event] = groups;
      changes.push({
        event: spec.event,
        action: 'added',
        path: pathOf(spec.event, groups.length - 1),
        after: command,
      });
      continue;
    }
    // Duplicates first, so `first` keeps its indices.
    const dupes = removeHandlers(spec.event, groups, ours.slice(1), 'duplicate');
    const handler = handlerAt(groups, first);
    const before = handlerCommandText(handler);
    if (isCurrentHandler(handler, command)) {
      changes.push({
        event: spec.event,
        action: 'unchanged',
        path: pathOf(spec.event, first.group, first.handler),
        before,
        after: command,
      });
    } else {
      if (handler.type !== 'command') handler.type = 'command';
      handler.command = command;
      delete handler.args;
      handler.timeout = HOOK_TIMEOUT_SECONDS;
      changes.push({
        event: spec.event,
        action: 'updated',
        path: pathOf(spec.event, first.group, first.handler),
        before,
        after: command,
      });
    }
    changes.push(...dupes);
  }
  if (!isJsonObject(out.hooks)) out.hooks = hooks;
  return { settings: out, changes, changed: changes.some((c) => c.action !== 'unchanged') };
}

/**
 * Removes every tokenledger handler, on any event. Matcher groups and event lists that this leaves
 * empty are removed, and `hooks` itself when it ends up empty; everything else stays as it was.
 */
export function uninstallHooks(settings: JsonObject): HooksEdit {
  const problem = hooksShapeProblem(settings);
  if (problem !== null) throw new Error(`uninstallHooks: ${problem}`);
  const out = cloneSettings(settings);
  const changes: HookChange[] = [];
  const hooks = out.hooks;
  if (!isJsonObject(hooks)) return { settings: out, changes, changed: false };
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups)) continue;
    const ours = locateOurs(groups);
    if (ours.length === 0) continue;
    const removed = removeHandlers(event, groups, ours);
    if (groups.length === 0) {
      delete hooks[event];
      const last = removed[removed.length - 1]!;
      last.note = last.note === undefined ? 'emptied event removed' : `${last.note}; emptied event removed`;
    }
    changes.push(...removed);
  }
  if (changes.length > 0 && Object.keys(hooks).length === 0) delete out.hooks;
  return { settings: out, changes, changed: changes.length > 0 };
}

// ---------------------------------------------------------------------------------------------
// Inspection

/**
 * - `current`: what install would write now
 * - `stale`: ours, but another command (path, flags) or timeout
 * - `broken`: ours, and a program path in it does not exist
 * - `missing`: not registered
 */
export type HookState = 'current' | 'stale' | 'broken' | 'missing';

export interface EventInspection {
  event: string;
  state: HookState;
  /** The commands of our handlers on this event (more than one: duplicates). */
  commands: string[];
  /** Paths in the command that do not exist (only for `broken`). */
  missingPaths: string[];
  /** Handlers on this event that are not ours. */
  otherHooks: number;
}

export interface HooksInspection {
  events: EventInspection[];
  /** Our handlers on events install does not register (hand-written, or an older version). */
  extra: { event: string; command: string }[];
  /** Sum of `otherHooks` over our events. */
  otherHooks: number;
}

/** Absolute paths among the wrapper and program words of one of our handlers that do not exist. */
function missingProgramPaths(handler: JsonValue, exists: (path: string) => boolean): string[] {
  const words = handlerWords(handler) ?? [];
  const index = tokenledgerHookProgramIndex(words);
  return words
    .slice(0, index + 1)
    .filter((w) => !ASSIGNMENT.test(w) && (w.startsWith('/') || /^[A-Za-z]:[\\/]/.test(w)))
    .filter((w) => !exists(w));
}

/**
 * Which of our events carry our handler and in what state, given the command install would write
 * now and a way to tell whether a path exists.
 */
export function inspectHooks(
  settings: JsonObject,
  command: string,
  exists: (path: string) => boolean,
): HooksInspection {
  const hooks = isJsonObject(settings.hooks) ? settings.hooks : {};
  const events: EventInspection[] = [];
  let otherHooks = 0;
  for (const spec of HOOK_EVENTS) {
    const value = hooks[spec.event];
    const groups = Array.isArray(value) ? value : [];
    const handlers = groups.flatMap((g) => (isJsonObject(g) && Array.isArray(g.hooks) ? g.hooks : []));
    const ours = handlers.filter(isTokenledgerHandler);
    const others = handlers.length - ours.length;
    otherHooks += others;
    const missingPaths = [...new Set(ours.flatMap((h) => missingProgramPaths(h, exists)))];
    const state: HookState =
      ours.length === 0
        ? 'missing'
        : missingPaths.length > 0
          ? 'broken'
          : ours.every((h) => isJsonObject(h) && isCurrentHandler(h, command))
            ? 'current'
            : 'stale';
    events.push({
      event: spec.event,
      state,
      commands: ours.map(handlerCommandText),
      missingPaths,
      otherHooks: others,
    });
  }
  const ourEvents = new Set(HOOK_EVENTS.map((s) => s.event));
  const extra: HooksInspection['extra'] = [];
  for (const [event, value] of Object.entries(hooks)) {
    if (ourEvents.has(event) || !Array.isArray(value)) continue;
    for (const group of value) {
      if (!isJsonObject(group) || !Array.isArray(group.hooks)) continue;
      for (const handler of group.hooks) {
        if (isTokenledgerHandler(handler)) extra.push({ event, command: handlerCommandText(handler) });
      }
    }
  }
  return { events, extra, otherHooks };
}
