/**
 * Reading and atomically rewriting the JSON files orchestrators keep (state files, usage reports).
 * A write goes to a temp file in the same dir, is flushed, then renamed over the target, so a reader
 * (or a crash) sees the old file or the new one, never half of one.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { isJsonObject, type JsonObject } from '../util/json-object.js';

/** A JSON object file as read: its parsed value and the indent to write it back with. */
export interface JsonObjectFile {
  value: JsonObject;
  /** The file's indent (`'\t'` or a number of spaces), 2 when it has no indented line. */
  indent: string | number;
}

/** Why a JSON value is not an object, for an error message. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** The indent of the first indented line of `text` that starts a key or a value. */
function detectIndent(text: string): string | number {
  const match = /^([ \t]+)\S/m.exec(text);
  const lead = match?.[1];
  if (lead === undefined) return 2;
  if (lead.startsWith('\t')) return '\t';
  return Math.min(lead.length, 10);
}

/**
 * Reads `file` as a JSON object. Throws an Error that names the file when it cannot be read, is not
 * valid JSON, or holds something else than an object.
 */
export function readJsonObjectFile(file: string): JsonObjectFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${errorText(error)}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${errorText(error)}); it was left unchanged`, {
      cause: error,
    });
  }
  if (!isJsonObject(value)) {
    throw new Error(`${file} holds ${kindOf(value)}, not a JSON object; it was left unchanged`);
  }
  return { value, indent: detectIndent(text) };
}

/**
 * Writes `value` as JSON (with `indent`, and a trailing newline) to `file` atomically: a temp file in
 * the same dir, flushed, renamed over `file`. A symlink is followed (its target is replaced), an
 * existing file keeps its permission bits, the parent dir is created when missing. On failure the
 * temp file is removed, `file` is unchanged, and the Error names `file`.
 */
export function writeJsonFileAtomic(file: string, value: unknown, indent: string | number = 2): void {
  const target = resolveTarget(file);
  const mode = modeOf(target);
  try {
    writeFileAtomic(target, `${JSON.stringify(value, null, indent)}\n`, mode === undefined ? {} : { mode });
  } catch (error) {
    throw new Error(`cannot write ${file}: ${errorText(error)}; it was left unchanged`, { cause: error });
  }
}

/** Where a write to `file` lands: the target of a symlink, else `file`. */
function resolveTarget(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** Permission bits of `file`, or undefined when it does not exist. */
function modeOf(file: string): number | undefined {
  try {
    return fs.statSync(file).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** An error's message (with its errno code when it has one). */
function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== undefined && !error.message.startsWith(code)
      ? `${code}: ${error.message}`
      : error.message;
  }
  return String(error);
}
