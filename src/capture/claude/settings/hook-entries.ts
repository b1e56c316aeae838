/**
 * The tokenledger entries in a Claude Code settings object (`hooks.<Event>[].hooks[]`): which events
 * we register and pure edits that add, update or remove them. Nothing here reads or writes files;
 * edits return a new object and never touch other hooks, other keys or key order.
 *
 * Our entries are recognised by their command, not by an id (hook-command.ts);
 * hook-inspection.ts tells in what state they are.
 * @module
 */
import { HOOK_EVENTS as HOOKED_EVENTS } from '../hook-input.js';
import { handlerCommandText, isTokenledgerHandler } from './hook-command.js';
import { isJsonObject, type JsonObject, type JsonValue } from './settings-json.js';

export {
  handlerCommandText,
  handlerWords,
  isTokenledgerHandler,
  isTokenledgerHookCommand,
  parseShellWords,
  type ShellWords,
  tokenledgerHookProgramIndex,
} from './hook-command.js';
export { isJsonObject, type JsonObject, type JsonValue } from './settings-json.js';

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

export function isCurrentHandler(handler: JsonObject, command: string): boolean {
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
      const last = removed.at(-1);
      if (last !== undefined)
        last.note = last.note === undefined ? 'emptied event removed' : `${last.note}; emptied event removed`;
    }
    changes.push(...removed);
  }
  if (changes.length > 0 && Object.keys(hooks).length === 0) delete out.hooks;
  return { settings: out, changes, changed: changes.length > 0 };
}
