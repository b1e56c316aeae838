/**
 * Claude Code settings files on disk: where the user, project and local files are, reading one
 * (with the line and column of a JSON syntax error), and writing one safely: a one-time backup, a
 * temp file in the same dir renamed over the original (keeping its mode, following a symlink to its
 * target), and a check that nothing else changed the file meanwhile.
 * @module
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../../../util/atomic-write.js';
import { ExitCode, UserError } from '../../../util/errors.js';
import { projectRoot } from '../../context/project-root.js';
import { CLAUDE_CONFIG_DIR_ENV } from '../paths.js';
import { isJsonObject, type JsonObject } from './settings-json.js';

export type SettingsScope = 'user' | 'project' | 'local';

export const BACKUP_SUFFIX = '.tokenledger.bak';

function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME !== undefined && env.HOME.length > 0 ? env.HOME : os.homedir();
}

/**
 * The settings file of a scope:
 * - user: `$CLAUDE_CONFIG_DIR/settings.json` (the first dir, when it is a comma-separated list),
 *   else `~/.claude/settings.json`
 * - project: `<project root>/.claude/settings.json`, the project root being the git work tree of
 *   `cwd`, else `cwd`
 * - local: `<project root>/.claude/settings.local.json`
 */
export function settingsPath(scope: SettingsScope, env: NodeJS.ProcessEnv, cwd: string): string {
  if (scope === 'user') {
    const first = (env[CLAUDE_CONFIG_DIR_ENV] ?? '')
      .split(',')
      .map((d) => d.trim())
      .find((d) => d.length > 0);
    if (first === undefined) return path.join(homeOf(env), '.claude', 'settings.json');
    const dir = first === '~' || first.startsWith('~/') ? path.join(homeOf(env), first.slice(1)) : first;
    return path.resolve(cwd, dir, 'settings.json');
  }
  const root = projectRoot(cwd);
  return path.join(root, '.claude', scope === 'project' ? 'settings.json' : 'settings.local.json');
}

// ---------------------------------------------------------------------------------------------
// Reading

export type SettingsRead =
  | { kind: 'missing' }
  /** `text` is the file as read (to detect a concurrent change); `mode` its permission bits. */
  | { kind: 'ok'; settings: JsonObject; text: string; mode: number }
  /** `problem` completes "<file> …", e.g. "is not valid JSON (line 3, column 5: …)". */
  | { kind: 'invalid'; problem: string };

function errnoCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'error';
}

/** Reads a settings file. An empty (or blank) file reads as `{}`. */
export function readSettings(file: string): SettingsRead {
  let text: string;
  let mode: number;
  try {
    text = fs.readFileSync(file, 'utf8');
    mode = fs.statSync(file).mode & 0o7777;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'invalid', problem: code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})` };
  }
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim().length === 0) return { kind: 'ok', settings: {}, text, mode };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const at = locateJsonError(body);
    const detail =
      at === null
        ? (error as Error).message.split('\n')[0]
        : `line ${at.line}, column ${at.column}: ${at.reason}`;
    return { kind: 'invalid', problem: `is not valid JSON (${detail})` };
  }
  if (!isJsonObject(value)) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { kind: 'invalid', problem: `is valid JSON but ${what}, not an object` };
  }
  return { kind: 'ok', settings: value, text, mode };
}

export interface JsonErrorLocation {
  /** Offset in UTF-16 code units. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  reason: string;
}

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    reason: string,
  ) {
    super(reason);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Where the first JSON syntax error in `text` is, with a short reason; null when the text is valid
 * JSON (or too deeply nested to check). V8's messages do not always carry a position.
 */
export function locateJsonError(text: string): JsonErrorLocation | null {
  let i = 0;
  const here = () => (i >= text.length ? 'unexpected end of file' : `unexpected ${JSON.stringify(text[i])}`);
  const fail = (reason: string): never => {
    throw new JsonSyntaxError(i, reason);
  };
  const skipSpace = () => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const string = () => {
    for (i++; i < text.length; i++) {
      const c = text.charAt(i);
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad \\u escape in a string');
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i++;
        } else {
          fail(`bad escape ${JSON.stringify(`\\${e ?? ''}`)} in a string`);
        }
      } else if (c.charCodeAt(0) < 0x20) {
        fail('control character (such as a raw line break) in a string');
      }
    }
    fail('unterminated string');
  };
  const value = (): void => {
    skipSpace();
    const c = text[i];
    if (c === '{') {
      i++;
      skipSpace();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[i] === '}') fail("trailing comma before '}'");
        if (text[i] !== '"') fail(`${here()}, expected a property name in double quotes`);
        string();
        skipSpace();
        if (text[i] !== ':') fail(`${here()}, expected ':'`);
        i++;
        value();
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`${here()}, expected ',' or '}'`);
      }
    }
    if (c === '[') {
      i++;
      skipSpace();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[i] === ']') fail("trailing comma before ']'");
        value();
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`${here()}, expected ',' or ']'`);
      }
    }
    if (c === '"') {
      string();
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (c !== undefined && /[-0-9]/.test(c) && NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    fail(`${here()}, expected a value`);
  };
  try {
    value();
    skipSpace();
    if (i < text.length) fail(`${here()} after the end of the JSON value`);
    return null;
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) return null; // e.g. RangeError: nested too deeply
    const before = text.slice(0, error.offset);
    const line = before.split('\n').length;
    const column = error.offset - (before.lastIndexOf('\n') + 1) + 1;
    return { offset: error.offset, line, column, reason: error.message };
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

/** The text written: 2-space indent and a trailing newline. */
export function settingsText(settings: JsonObject): string {
  return `${JSON.stringify(settings, null, 2)}\n`;
}

/** The file a write goes to: the target of a symlink (so dotfile managers keep their link). */
function writeTarget(file: string): string {
  const abs = path.resolve(file);
  try {
    return fs.realpathSync(abs);
  } catch {}
  try {
    if (fs.lstatSync(abs).isSymbolicLink()) return path.resolve(path.dirname(abs), fs.readlinkSync(abs));
  } catch {}
  return abs;
}

function readTextOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Copies an existing settings file to `<file>.tokenledger.bak`, unless that backup exists already.
 * Returns the backup's path when it wrote one, else null.
 */
export function backupSettings(file: string): string | null {
  const backup = `${file}${BACKUP_SUFFIX}`;
  try {
    fs.copyFileSync(writeTarget(file), backup, fs.constants.COPYFILE_EXCL);
    return backup;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return null;
    throw new UserError(
      `cannot write the backup ${backup} (${errnoCode(error)}); ${file} was left unchanged.`,
      ExitCode.config,
    );
  }
}

/**
 * Writes `settings` to `file` atomically: a temp file in the same dir, renamed over it. Creates the
 * dir if needed. `expected` is the text the edit was based on (null: the file did not exist); if
 * the file now holds something else, nothing is written and this throws. `mode` (the old file's
 * permission bits) is kept; a new file gets the default mode.
 */
export function writeSettings(file: string, settings: JsonObject, expected: string | null, mode?: number) {
  const target = writeTarget(file);
  const checkUnchanged = () => {
    if (readTextOrNull(target) !== expected) {
      throw new UserError(
        `${file} changed while tokenledger was editing it, so tokenledger left it as it is now. Run the command again.`,
        ExitCode.config,
      );
    }
  };
  try {
    writeFileAtomic(target, settingsText(settings), {
      ...(mode === undefined ? {} : { mode }),
      beforeRename: checkUnchanged,
    });
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      `cannot write ${file} (${errnoCode(error)}); it was left unchanged.`,
      ExitCode.config,
      { cause: error },
    );
  }
}
