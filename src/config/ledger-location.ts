/**
 * Where a ledger is: a file (SQLite) or a PostgreSQL database, parsed once from what the user wrote
 * (`--db`, `TOKENLEDGER_DB`, the library's `ledger` option) and passed on as this type, so that a URL
 * is never taken for a path.
 *
 * - `postgres://` or `postgresql://` URLs (`postgres://user:password@host:port/database?params`)
 *   name a PostgreSQL database. The password stays in `url` (for the client) and is never shown:
 *   {@link describeLedgerLocation} masks it.
 * - `file://` URLs (`file:///abs/ledger.db`) and everything else are file paths: absolute, relative
 *   to the working directory, or under the home directory with `~/`.
 * - Other URLs (`mysql://…`, `sqlite://…`) and a `postgres:` or `file:` without `//` are rejected
 *   with a message that says what to write.
 * @module
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, type ExitCodeValue, UserError } from '../util/errors.js';

/** A SQLite ledger file. */
export interface FileLocation {
  kind: 'file';
  /** Absolute. */
  path: string;
}

/** A PostgreSQL database. */
export interface PostgresLocation {
  kind: 'postgres';
  /** The URL as given, password included: for the client only, never for messages. */
  url: string;
  /** null: the client's default (the local server). */
  host: string | null;
  port: number | null;
  /** null: the client's default (the user's name). */
  database: string | null;
  user: string | null;
}

export type LedgerLocation = FileLocation | PostgresLocation;

export interface ParseLocationOptions {
  /** Relative paths are resolved against this (default: `process.cwd()`). */
  cwd?: string;
  /** `~/` stands for this (default: `os.homedir()`). */
  home?: string;
  /** Where the text came from, for messages (default: "the ledger location"). */
  source?: string;
  /** The exit code of a rejected location (default: usage). */
  exitCode?: ExitCodeValue;
}

/** `scheme://`: a URL. A scheme of one letter is a Windows drive (`C://…`), not a URL. */
const URL_SCHEME = /^([a-z][a-z0-9+.-]+):\/\//i;
const POSTGRES_SCHEMES = new Set(['postgres', 'postgresql']);
/** Query parameters that carry a secret. */
const SECRET_PARAMS = /([?&](?:password|sslpassword)=)[^&#]*/gi;
const MASK = '***';

/** True when `text` is a URL (`scheme://…`) rather than a path. */
export function isUrl(text: string): boolean {
  return URL_SCHEME.test(text);
}

/** `text` with a URL's password (`//user:secret@`, `?password=…`) replaced by `***`, for messages. */
export function maskPassword(text: string): string {
  let masked = text;
  const url = /^([a-z][a-z0-9+.-]*:\/{0,2})(.*)$/is.exec(text);
  if (url !== null) {
    // Up to the last "@": a password may hold an unescaped "@" or "/" (masking too much is safe).
    const [, scheme = '', rest = ''] = url;
    const at = rest.lastIndexOf('@');
    const colon = rest.indexOf(':');
    if (colon >= 0 && colon < at) masked = `${scheme}${rest.slice(0, colon)}:${MASK}${rest.slice(at)}`;
  }
  return masked.replace(SECRET_PARAMS, `$1${MASK}`);
}

function reject(text: string, options: ParseLocationOptions, why: string): UserError {
  const source = options.source ?? 'the ledger location';
  return new UserError(`${source} "${maskPassword(text)}" ${why}`, options.exitCode ?? ExitCode.usage);
}

function decode(part: string): string {
  return decodeURIComponent(part);
}

function parsePostgres(text: string, options: ParseLocationOptions): PostgresLocation {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw reject(
      text,
      options,
      'is not a valid PostgreSQL URL: write postgres://user:password@host:port/database (each part but the host optional).',
    );
  }
  const db = url.pathname.replace(/^\//, '');
  if (db.includes('/')) {
    throw reject(text, options, 'has a "/" in its database name: write postgres://host/database.');
  }
  try {
    return {
      kind: 'postgres',
      url: text,
      host: url.hostname === '' ? null : decode(url.hostname),
      port: url.port === '' ? null : Number(url.port),
      database: db === '' ? null : decode(db),
      user: url.username === '' ? null : decode(url.username),
    };
  } catch {
    throw reject(text, options, 'has a bad %-escape: write a "%" in a name as %25.');
  }
}

/** Parses a ledger location (see the module's comment). Throws a {@link UserError} for one it rejects. */
export function parseLedgerLocation(text: string, options: ParseLocationOptions = {}): LedgerLocation {
  if (text.trim() === '') throw reject(text, options, 'is empty: give a file path or a postgres:// URL.');
  const scheme = URL_SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined && POSTGRES_SCHEMES.has(scheme)) return parsePostgres(text, options);
  if (scheme === 'file') {
    try {
      return { kind: 'file', path: fileURLToPath(text) };
    } catch (error) {
      throw reject(
        text,
        options,
        `is not a local file URL (${(error as Error).message}): write file:///absolute/path, or the path itself.`,
      );
    }
  }
  if (scheme !== undefined) {
    throw reject(
      text,
      options,
      `is a ${scheme}: URL, which tokenledger cannot keep a ledger in: give a file path or a postgres:// URL.`,
    );
  }
  const bare = /^(postgres|postgresql|file):(?!\/\/)/i.exec(text)?.[1];
  if (bare !== undefined) {
    throw reject(
      text,
      options,
      `lacks the "//" of a URL: write ${bare.toLowerCase() === 'file' ? 'file:///absolute/path' : `${bare}://host/database`}.`,
    );
  }
  const cwd = options.cwd ?? process.cwd();
  if (text === '~' || text.startsWith('~/')) {
    return { kind: 'file', path: path.join(options.home ?? os.homedir(), text.slice(1)) };
  }
  return { kind: 'file', path: path.resolve(cwd, text) };
}

/** A PostgreSQL location in words: `database "db" on host h:5432`. */
export function describeDatabase(location: PostgresLocation): string {
  const host = location.host === null ? 'the local server' : `host ${location.host}`;
  const port = location.port === null ? '' : `:${location.port}`;
  const db = location.database === null ? "the user's default database" : `database "${location.database}"`;
  return `${db} on ${host}${port}`;
}

/** The location for messages and `status`: the path, or the URL with its password masked. */
export function describeLedgerLocation(location: LedgerLocation): string {
  if (location.kind === 'file') return location.path;
  const url = new URL(location.url);
  if (url.password !== '') url.password = MASK;
  return url.href.replace(SECRET_PARAMS, `$1${MASK}`);
}

/** The location as given to `--db` (a hook command, a child process): the path, or the URL unchanged. */
export function ledgerLocationArg(location: LedgerLocation): string {
  return location.kind === 'file' ? location.path : location.url;
}
