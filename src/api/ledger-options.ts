/**
 * What every reading function of the library takes to reach the ledger, and how it opens it: the
 * same session as the CLI (`app/ledger-session.ts`), with the same import of new transcripts first
 * unless `import: false`. The ledger side is loaded only when such a function is called, so
 * importing the library stays light.
 * @module
 */
import type { LedgerSession } from '../app/ledger-session.js';
import { parseLabels } from '../capture/context/attribution-context.js';
import { ExitCode, UserError } from '../util/errors.js';

/** Where the ledger and the config are, and whether new transcripts are imported first. */
export interface LedgerOptions {
  /**
   * The ledger: a file path or a `postgres://` URL (default: `$TOKENLEDGER_DB`, else
   * `$TOKENLEDGER_HOME/ledger.db`, as the CLI).
   */
  ledger?: string;
  /** The config file (default: the CLI's, `$TOKENLEDGER_CONFIG` or the XDG config dir). */
  config?: string;
  /** The environment `TOKENLEDGER_*` are read from (default: `process.env`). */
  env?: NodeJS.ProcessEnv;
  /**
   * Import new Claude Code transcripts into the ledger first, as the CLI does (default true);
   * false reads the ledger as it is (the CLI's `--no-import`).
   */
  import?: boolean;
}

/** The options object, checked at the boundary (a JavaScript caller may pass anything). */
export function checkedOptions<T extends object>(options: T | undefined, fn: string): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new UserError(`${fn}: the options must be an object.`, ExitCode.usage);
  return options;
}

/** A string option, or undefined; anything else is an error naming it. */
export function stringOption(value: unknown, what: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new UserError(`${what} must be a string, got ${typeof value}.`, ExitCode.usage);
}

/** A number option, or undefined; the use case checks its range. */
export function numberOption(value: unknown, what: string): number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  throw new UserError(`${what} must be a number, got ${typeof value}.`, ExitCode.usage);
}

/** A number of days: a whole number ≥ 1, else an error naming it; `fallback` when not given. */
export function wholeDaysOption(value: unknown, what: string, fallback: number): number {
  const days = numberOption(value, what) ?? fallback;
  if (!Number.isSafeInteger(days) || days < 1)
    throw new UserError(`${what} must be a whole number ≥ 1, got ${String(days)}.`, ExitCode.usage);
  return days;
}

/** Labels as `{ key: value }`, checked as `--label key=value` is. */
export function labelsOption(
  value: Readonly<Record<string, string>> | undefined,
  what: string,
): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new UserError(`${what} must be an object of key: value strings.`, ExitCode.usage);
  const pairs = Object.entries(value).map(([k, v]) => {
    if (typeof v !== 'string')
      throw new UserError(`${what}: the value of "${k}" must be a string.`, ExitCode.usage);
    if (k.includes('=') || k.includes(',') || v.includes(','))
      throw new UserError(`${what}: "${k}=${v}" may not contain "," (or "=" in the key).`, ExitCode.usage);
    return `${k}=${v}`;
  });
  return parseLabels(pairs, what);
}

/**
 * Opens the ledger as the CLI does, imports new transcripts first (unless `import: false`), runs
 * `fn` and closes the ledger, whatever happens.
 */
export async function withLedger<T>(
  options: LedgerOptions,
  fn: (session: LedgerSession) => Promise<T>,
): Promise<T> {
  const ledger = stringOption(options.ledger, 'ledger');
  const config = stringOption(options.config, 'config');
  if (options.import !== undefined && typeof options.import !== 'boolean')
    throw new UserError('import must be true or false.', ExitCode.usage);
  const { withLedgerSession } = await import('../app/ledger-session.js');
  return withLedgerSession(
    { db: ledger, config, ...(options.env === undefined ? {} : { env: options.env }) },
    async (session) => {
      if (options.import !== false) {
        const { importHistory } = await import('../app/import-history.js');
        await importHistory(session);
      }
      return fn(session);
    },
  );
}
