/**
 * Where tokenledger keeps its data and reads its config.
 *
 * - data (the ledger, error logs): `$TOKENLEDGER_HOME`, else `$XDG_DATA_HOME/tokenledger`
 *   (default `~/.local/share/tokenledger`)
 * - the ledger: `--db`, else `$TOKENLEDGER_DB`, else `<data dir>/ledger.db` (see ./ledger-location.ts)
 * - config file: `$TOKENLEDGER_CONFIG`, else `$TOKENLEDGER_HOME/config.json` when TOKENLEDGER_HOME is
 *   set, else `$XDG_CONFIG_HOME/tokenledger/config.json` (default `~/.config/tokenledger/config.json`)
 * @module
 */
import os from 'node:os';
import path from 'node:path';
import { ExitCode, UserError } from '../util/errors.js';
import {
  describeDatabase,
  describeLedgerLocation,
  type LedgerLocation,
  maskPassword,
  parseLedgerLocation,
} from './ledger-location.js';

export const TOKENLEDGER_HOME_ENV = 'TOKENLEDGER_HOME';
export const TOKENLEDGER_CONFIG_ENV = 'TOKENLEDGER_CONFIG';
export const TOKENLEDGER_DB_ENV = 'TOKENLEDGER_DB';

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim().length > 0 ? v : undefined;
}

/**
 * `$TOKENLEDGER_HOME` as a directory, or undefined when unset. A URL there is an error (never a
 * directory named like it): the ledger's own location is `TOKENLEDGER_DB`.
 */
function homeFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const home = nonEmpty(env[TOKENLEDGER_HOME_ENV]);
  if (home === undefined) return undefined;
  if (/^[a-z][a-z0-9+.-]+:\//i.test(home)) {
    let what = `"${maskPassword(home)}"`;
    try {
      const location = parseLedgerLocation(home);
      if (location.kind === 'postgres')
        what = `${describeLedgerLocation(location)} (${describeDatabase(location)})`;
    } catch {
      // not even a valid URL: named as it is
    }
    throw new UserError(
      `${TOKENLEDGER_HOME_ENV} is ${what}, a URL, but it must be a directory: it holds the ledger file, the error logs and the hook queue. To keep the ledger in PostgreSQL, set TOKENLEDGER_DB (or pass --db) to the URL, and ${TOKENLEDGER_HOME_ENV} to a directory, or unset it for the default.`,
      ExitCode.ledger,
    );
  }
  return path.resolve(home);
}

export function dataHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = homeFromEnv(env);
  if (home !== undefined) return home;
  const xdg = nonEmpty(env.XDG_DATA_HOME) ?? path.join(os.homedir(), '.local', 'share');
  return path.join(xdg, 'tokenledger');
}

export function configFile(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = nonEmpty(env[TOKENLEDGER_CONFIG_ENV]);
  if (explicit !== undefined) return path.resolve(explicit);
  const home = homeFromEnv(env);
  if (home !== undefined) return path.join(home, 'config.json');
  const xdg = nonEmpty(env.XDG_CONFIG_HOME) ?? path.join(os.homedir(), '.config');
  return path.join(xdg, 'tokenledger', 'config.json');
}

/**
 * The ledger: `--db` (`flag`), else `$TOKENLEDGER_DB`, else `<data home>/ledger.db`. Paths are
 * relative to `cwd`; a `postgres://` URL stays a URL.
 */
export function ledgerLocation(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): LedgerLocation {
  const fromFlag = nonEmpty(flag);
  if (fromFlag !== undefined) return parseLedgerLocation(fromFlag, { cwd, source: '--db' });
  const fromEnv = nonEmpty(env[TOKENLEDGER_DB_ENV]);
  if (fromEnv !== undefined)
    return parseLedgerLocation(fromEnv, { cwd, source: TOKENLEDGER_DB_ENV, exitCode: ExitCode.config });
  return { kind: 'file', path: path.join(dataHome(env), 'ledger.db') };
}

/** The demo ledger, kept apart from real data. */
export function demoLedgerPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataHome(env), 'demo', 'ledger.db');
}
