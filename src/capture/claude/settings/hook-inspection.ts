/**
 * Which of the events `tokenledger hooks install` registers carry our handler in a settings object,
 * and in what state (current, stale, broken, missing); our handlers on other events. Pure: nothing
 * here reads or writes files.
 * @module
 */

import {
  ASSIGNMENT,
  handlerCommandText,
  handlerWords,
  isTokenledgerHandler,
  tokenledgerHookProgramIndex,
} from './hook-command.js';
import { HOOK_EVENTS, isCurrentHandler } from './hook-entries.js';
import { isJsonObject, type JsonObject, type JsonValue } from './settings-json.js';

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
