/**
 * The command line Claude Code runs for our hook: this Node binary and this package's
 * `bin/tokenledger.js`, by absolute path, then `hook`, then `--db`/`--config` when the ledger or
 * config file is not the default (Claude Code's environment may not carry TOKENLEDGER_* variables).
 * Every path is quoted for POSIX sh (the literal words `hook`, `--db`, `--config` need no quotes);
 * nothing depends on PATH or npx. The line starts with `NODE_EXTRA_CA_CERTS=` (see
 * {@link COMMAND_ENV_PREFIX}).
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ledgerLocationArg, parseLedgerLocation } from '../../config/ledger-location.js';
import {
  configFile,
  ledgerLocation,
  TOKENLEDGER_CONFIG_ENV,
  TOKENLEDGER_DB_ENV,
  TOKENLEDGER_HOME_ENV,
} from '../../config/paths.js';

export const PACKAGE_NAME = 'tokenledger';

/**
 * The assignment our command lines start with. With NODE_EXTRA_CA_CERTS set (common behind corporate
 * TLS proxies, and what Claude Code's own docs suggest there), Node 20 parses its ~140 bundled root
 * certificates and the named bundle at every start, before any JavaScript runs (nodejs/node#40524):
 * about 45 ms on a 2-core VM, more than the rest of a hook call. `hook` and `statusline` open no
 * network connection, so the command clears the variable for that one process; Claude Code and
 * everything else keep it.
 */
export const COMMAND_ENV_PREFIX = 'NODE_EXTRA_CA_CERTS=';

/** Quotes one word for POSIX sh: `'…'`, with each `'` written as `'\''`. */
export function shQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

function packageName(dir: string): string | null {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    return typeof parsed === 'object' &&
      parsed !== null &&
      'name' in parsed &&
      typeof parsed.name === 'string'
      ? parsed.name
      : null;
  } catch {
    return null;
  }
}

/**
 * The nearest dir at or above `from` whose package.json is named `tokenledger`. It works from
 * `src/` (vitest), `dist/cli/` (tsc) and `dist/bin/` (the bundle) alike. Throws when there is none:
 * the code was copied out of its package, which is a bug.
 */
export function findPackageRoot(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = path.dirname(path.resolve(from)); ; ) {
    if (packageName(dir) === PACKAGE_NAME) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json named "${PACKAGE_NAME}" at or above ${from}`);
    dir = up;
  }
}

export interface SelfCommandOptions {
  /** `--db` given to `hooks install`. */
  db?: string;
  /** `--config` given to `hooks install`. */
  config?: string;
}

export interface SelfCommand {
  /**
   * The hook's command line for sh:
   * `NODE_EXTRA_CA_CERTS= '<node>' '<script>' hook [--db '<path>'] [--config '<path>']`.
   */
  command: string;
  /** The same for Claude Code's `statusLine` setting: `statusline` in place of `hook`. */
  statuslineCommand: string;
  /** The hook command's program words, unquoted (without the leading assignment). */
  words: string[];
  node: string;
  script: string;
  /** The ledger passed with `--db`, if any. */
  db: string | null;
  /** The config file passed with `--config`, if any. */
  config: string | null;
}

function withoutVars(env: NodeJS.ProcessEnv, names: readonly string[]): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of names) delete copy[name];
  return copy;
}

function given(value: string | undefined): string | undefined {
  return value !== undefined && value.trim().length > 0 ? value : undefined;
}

/**
 * The hook command for this install. `--db`/`--config` are added when given, or when the
 * TOKENLEDGER_DB / TOKENLEDGER_HOME / TOKENLEDGER_CONFIG variables make the ledger or config file
 * differ from the one used without them.
 */
export function selfCommand(
  opts: SelfCommandOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
  root: string = findPackageRoot(),
): SelfCommand {
  const node = process.execPath;
  const script = path.join(root, 'bin', 'tokenledger.js');
  const dbFlag = given(opts.db);
  const configFlag = given(opts.config);
  // A path is made absolute; a postgres:// URL is written as it was given.
  let db: string | null =
    dbFlag === undefined ? null : ledgerLocationArg(parseLedgerLocation(dbFlag, { cwd, source: '--db' }));
  if (db === null) {
    const fromEnv = ledgerLocationArg(ledgerLocation(undefined, env));
    const without = ledgerLocationArg(
      ledgerLocation(undefined, withoutVars(env, [TOKENLEDGER_DB_ENV, TOKENLEDGER_HOME_ENV])),
    );
    if (fromEnv !== without) db = fromEnv;
  }
  let config: string | null = configFlag === undefined ? null : path.resolve(cwd, configFlag);
  if (config === null) {
    const fromEnv = configFile(env);
    if (fromEnv !== configFile(withoutVars(env, [TOKENLEDGER_CONFIG_ENV, TOKENLEDGER_HOME_ENV])))
      config = fromEnv;
  }
  const words = [
    node,
    script,
    'hook',
    ...(db === null ? [] : ['--db', db]),
    ...(config === null ? [] : ['--config', config]),
  ];
  const line = (subcommand: string) =>
    [
      COMMAND_ENV_PREFIX,
      shQuote(node),
      shQuote(script),
      subcommand,
      ...(db === null ? [] : ['--db', shQuote(db)]),
      ...(config === null ? [] : ['--config', shQuote(config)]),
    ].join(' ');
  return {
    command: line('hook'),
    statuslineCommand: line('statusline'),
    words,
    node,
    script,
    db,
    config,
  };
}

/** Package runners' temporary installs, by a directory in the path, and what to call each. */
const TRANSIENT_PLACES: readonly (readonly [RegExp, string])[] = [
  [/[\\/]_npx[\\/]/, "npx's cache"],
  [/[\\/]dlx(-[^\\/]*)?[\\/]/, 'a temporary install of pnpm dlx or yarn dlx'],
  [/[\\/]bunx-[^\\/]*[\\/]/, 'a temporary install of bunx'],
];

/**
 * What `script` runs from when that is a package runner's temporary install (npx's cache, pnpm or
 * yarn dlx, bunx), which is emptied or replaced without notice; null for a lasting one (a global
 * install, a clone, a project's node_modules).
 */
export function transientPlace(script: string): string | null {
  for (const [pattern, place] of TRANSIENT_PLACES) if (pattern.test(script)) return place;
  return null;
}

/** The warning for a hook or status line command that names a temporary install, or null. */
export function transientInstallWarning(script: string): string | null {
  const place = transientPlace(script);
  if (place === null) return null;
  return (
    `tokenledger: warning: this tokenledger runs from ${place} (${script}), which can be emptied at any time; ` +
    'the hooks would then stop working. Install tokenledger for good (from its clone: npm install -g .; ' +
    'see "Install and quick start" in its README), then run `tokenledger hooks install` again.\n'
  );
}
