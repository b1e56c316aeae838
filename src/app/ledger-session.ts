/**
 * Opening the ledger for a use case: the config, where the ledger is, the open store, and who is
 * writing (machine and user). Every front end (the CLI, the MCP server, the library API) opens its
 * ledger here, and derives the pricer, stage map and clock from the same session.
 * @module
 */
import { checkTimeZone, systemTimeZone, ZonedClock } from '../analysis/zoned-time.js';
import { type LoadedConfig, loadConfig } from '../config/config.js';
import type { LedgerLocation } from '../config/ledger-location.js';
import { ledgerLocation } from '../config/paths.js';
import { type OpenLedgerOptions, openLedger } from '../ledger/open-ledger.js';
import type { LedgerStore } from '../ledger/store.js';
import type { StageMap } from '../ledger/task-repository.js';
import type { ImportOrigin } from '../ledger/usage-repository.js';
import { createPricer } from '../pricing/create-pricer.js';
import type { Pricer } from '../pricing/pricer.js';
import { originOf } from './origin.js';

/** What a use case works with. */
export interface LedgerSession {
  loaded: LoadedConfig;
  /** Where the ledger is (`--db`, else `$TOKENLEDGER_DB`, else the default). */
  location: LedgerLocation;
  store: LedgerStore;
  origin: ImportOrigin;
}

/** Where the ledger and the config are; unset means the defaults, from `env`. */
export interface LedgerSessionOptions {
  /** A file path or a `postgres://` URL (`--db`). */
  db?: string | undefined;
  /** The config file (`--config`). */
  config?: string | undefined;
  /** The environment `TOKENLEDGER_*` are read from (default: `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** How the store is opened (bulk import, busy timeout). */
  open?: OpenLedgerOptions;
}

/** Loads the config and opens the ledger; the caller closes `store`. */
export async function openLedgerSession(options: LedgerSessionOptions = {}): Promise<LedgerSession> {
  const env = options.env ?? process.env;
  const loaded = await loadConfig(options.config, env);
  const location = ledgerLocation(options.db, env);
  const store = await openLedger(location, options.open);
  return { loaded, location, store, origin: originOf(loaded.config) };
}

/**
 * Fails now when `db` (a `--db` value; unset: the default) cannot be parsed, or names a PostgreSQL
 * ledger that cannot be reached: for a long-running front end, which would otherwise fail at each
 * call. A ledger file is created when first used, so it is not opened here.
 */
export async function checkLedgerReachable(db: string | undefined, env: NodeJS.ProcessEnv = process.env) {
  const location = ledgerLocation(db, env);
  if (location.kind === 'postgres') await (await openLedger(location)).close();
}

/** Runs `fn` on an open session and closes the ledger afterwards, whatever happens. */
export async function withLedgerSession<T>(
  options: LedgerSessionOptions,
  fn: (session: LedgerSession) => Promise<T>,
): Promise<T> {
  const session = await openLedgerSession(options);
  try {
    return await fn(session);
  } finally {
    await session.store.close();
  }
}

/** Agent type → stage, from the config. */
export function stageMapOf(session: LedgerSession): StageMap {
  return session.loaded.config.stages ?? {};
}

/** The price table with the config's overrides. */
export function pricerOf(session: LedgerSession): Pricer {
  return createPricer(session.loaded.config.pricing?.overrides);
}

/**
 * The clock reports count days in: `timezone` (a flag) if given, else the config's, else the
 * system's. An unknown zone is an error naming where it came from.
 */
export function sessionClock(session: LedgerSession, timezone?: string): ZonedClock {
  if (timezone !== undefined) return zoned(checkTimeZone(timezone));
  const fromConfig = session.loaded.config.timezone;
  if (fromConfig !== undefined)
    return zoned(checkTimeZone(fromConfig, `"timezone" in ${session.loaded.file}`));
  return ZonedClock.system();
}

/** The process's own zone needs no Intl; any other zone does. */
function zoned(tz: string): ZonedClock {
  return tz === systemTimeZone() ? ZonedClock.system() : new ZonedClock(tz);
}
