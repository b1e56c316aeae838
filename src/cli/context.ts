/**
 * What every command needs: the config, the ledger, who is importing, and the import that runs
 * before a report (with a progress bar on a terminal).
 * @module
 */
import { checkTimeZone, systemTimeZone, ZonedClock } from '../analysis/zoned-time.js';
import { compileTaskPattern } from '../capture/context/attribution-context.js';
import { type LoadedConfig, loadConfig } from '../config/config.js';
import type { LedgerLocation } from '../config/ledger-location.js';
import { originOf } from '../config/origin.js';
import { ledgerLocation } from '../config/paths.js';
import { type ImportSummary, importClaudeHistory } from '../ledger/import-claude.js';
import { openLedger } from '../ledger/open-ledger.js';
import type { LedgerStore } from '../ledger/store.js';
import type { StageMap } from '../ledger/task-repository.js';
import type { ImportOrigin } from '../ledger/usage-repository.js';
import { createPricer } from '../pricing/create-pricer.js';
import type { Pricer } from '../pricing/pricer.js';
import { timing } from '../util/timing.js';
import { isTerminalFd, writeErr } from './io.js';
import type { Progress } from './render/progress.js';

export interface CommonOptions {
  db?: string;
  config?: string;
  /** false with --no-import */
  import?: boolean;
  json?: boolean;
  csv?: boolean;
  md?: boolean;
  color?: boolean;
  /** --compact: tables in the compact layout (short names, abbreviated numbers, fewer columns). */
  compact?: boolean;
  timezone?: string;
}

export interface CliSession {
  loaded: LoadedConfig;
  /** Where the ledger is (`--db`, else `$TOKENLEDGER_DB`, else the default). */
  location: LedgerLocation;
  store: LedgerStore;
  origin: ImportOrigin;
}

export async function openSession(opts: CommonOptions): Promise<CliSession> {
  const loaded = await loadConfig(opts.config);
  const location = ledgerLocation(opts.db);
  const store = await openLedger(location);
  timing('config and ledger open');
  return { loaded, location, store, origin: originOf(loaded) };
}

/** True when output must be machine-readable: no progress, no chatter on stdout. */
export function quietOutput(opts: CommonOptions): boolean {
  return opts.json === true || opts.csv === true || opts.md === true;
}

/**
 * Imports new Claude Code history, with a progress bar on a terminal for long imports, and a one-line
 * note on stderr about new problems.
 */
export async function importNow(
  session: CliSession,
  opts: CommonOptions & { threads?: number },
): Promise<ImportSummary> {
  // process.stderr, and the progress bar's code, only on a terminal: creating stderr for a pipe
  // loads net and the stream modules, a few ms of every report.
  let progress: Progress | null = null;
  if (!quietOutput(opts) && isTerminalFd(2)) {
    const { createProgress } = await import('./render/progress.js');
    progress = createProgress({ stream: process.stderr, enabled: true, label: 'Importing' });
  }
  const config = session.loaded.config;
  const summary = await importClaudeHistory(session.store, {
    claudeDirs: config.claudeDirs,
    stageMap: config.stages ?? {},
    ...(config.taskPattern === undefined ? {} : { taskPattern: checkedPattern(config.taskPattern, session) }),
    origin: session.origin,
    threads: opts.threads,
    onProgress: (p) => {
      if (p.bytesTotal > 16 << 20)
        progress?.update(p.bytesDone, p.bytesTotal, `${p.filesDone}/${p.filesTotal} files`);
    },
  });
  progress?.finish();
  for (const w of summary.roots.warnings) writeErr(`tokenledger: warning: ${w}\n`);
  if (summary.problems > 0) {
    writeErr(
      `tokenledger: ${summary.problems} new problem(s) while reading transcripts; see \`tokenledger problems\`.\n`,
    );
  }
  return summary;
}

/** The configured task pattern, checked (an invalid one is a config error naming the file). */
function checkedPattern(source: string, session: CliSession): string {
  compileTaskPattern(source, `"taskPattern" in ${session.loaded.file}`);
  return source;
}

/** Agent type → stage, from the config. */
export function stageMapOf(session: CliSession): StageMap {
  return session.loaded.config.stages ?? {};
}

export function pricerOf(session: CliSession): Pricer {
  return createPricer(session.loaded.config.pricing?.overrides);
}

export function clockOf(session: CliSession, opts: CommonOptions): ZonedClock {
  if (opts.timezone !== undefined) return zoned(checkTimeZone(opts.timezone));
  const fromConfig = session.loaded.config.timezone;
  if (fromConfig !== undefined)
    return zoned(checkTimeZone(fromConfig, `"timezone" in ${session.loaded.file}`));
  return ZonedClock.system();
}

/** The process's own zone needs no Intl; any other zone does. */
function zoned(tz: string): ZonedClock {
  return tz === systemTimeZone() ? ZonedClock.system() : new ZonedClock(tz);
}
