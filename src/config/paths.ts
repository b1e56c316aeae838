/**
 * Where tokenledger keeps its data and reads its config.
 *
 * - data (the ledger, error logs): `$TOKENLEDGER_HOME`, else `$XDG_DATA_HOME/tokenledger`
 *   (default `~/.local/share/tokenledger`)
 * - config file: `$TOKENLEDGER_CONFIG`, else `$TOKENLEDGER_HOME/config.json` when TOKENLEDGER_HOME is
 *   set, else `$XDG_CONFIG_HOME/tokenledger/config.json` (default `~/.config/tokenledger/config.json`)
 * @module
 */
import os from 'node:os';
import path from 'node:path';

export const TOKENLEDGER_HOME_ENV = 'TOKENLEDGER_HOME';
export const TOKENLEDGER_CONFIG_ENV = 'TOKENLEDGER_CONFIG';
export const TOKENLEDGER_DB_ENV = 'TOKENLEDGER_DB';

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim().length > 0 ? v : undefined;
}

export function dataHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = nonEmpty(env[TOKENLEDGER_HOME_ENV]);
  if (home !== undefined) return path.resolve(home);
  const xdg = nonEmpty(env.XDG_DATA_HOME) ?? path.join(os.homedir(), '.local', 'share');
  return path.join(xdg, 'tokenledger');
}

export function configFile(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = nonEmpty(env[TOKENLEDGER_CONFIG_ENV]);
  if (explicit !== undefined) return path.resolve(explicit);
  const home = nonEmpty(env[TOKENLEDGER_HOME_ENV]);
  if (home !== undefined) return path.join(path.resolve(home), 'config.json');
  const xdg = nonEmpty(env.XDG_CONFIG_HOME) ?? path.join(os.homedir(), '.config');
  return path.join(xdg, 'tokenledger', 'config.json');
}

/** The ledger file: `--db`, else `$TOKENLEDGER_DB`, else `<data home>/ledger.db`. */
export function ledgerPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = nonEmpty(flag) ?? nonEmpty(env[TOKENLEDGER_DB_ENV]);
  return chosen !== undefined ? path.resolve(chosen) : path.join(dataHome(env), 'ledger.db');
}

/** The demo ledger, kept apart from real data. */
export function demoLedgerPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataHome(env), 'demo', 'ledger.db');
}
