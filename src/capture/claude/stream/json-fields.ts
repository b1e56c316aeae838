/**
 * Hand-written readers for fields of parsed JSON. Every field of Claude Code's output is treated as
 * optional: a reader returns null for anything missing or of the wrong type.
 * @module
 */

import { isJsonObject, type JsonObject } from '../../../util/json-object.js';

export { isJsonObject, type JsonObject };

/** `obj[key]` when it is an object, else null. */
export function readObject(obj: JsonObject, key: string): JsonObject | null {
  const v = obj[key];
  return isJsonObject(v) ? v : null;
}

/** `obj[key]` when it is a string, else null. */
export function readString(obj: JsonObject, key: string): string | null {
  const v = obj[key];
  return typeof v === 'string' ? v : null;
}

/** `obj[key]` when it is a finite number, else null. */
export function readNumber(obj: JsonObject, key: string): number | null {
  const v = obj[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** `obj[key]` when it is a finite number ≥ 0 (a token count, a cost, a duration), else null. */
export function readCount(obj: JsonObject, key: string): number | null {
  const v = obj[key];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
}

/** `obj[key] === true`. */
export function readFlag(obj: JsonObject, key: string): boolean {
  return obj[key] === true;
}
