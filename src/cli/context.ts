/**
 * What every command needs: the config, the ledger, who is importing, and the import that runs
 * before a report (with a progress bar on a terminal).
 * @module
 */
import type { ZonedClock } from '../analysis/zoned-time.js';
import type { ImportSummary } from '../app/import/import-claude.js';
import { importHistory, importNotes } from '../app/import-history.js';
import { type LedgerSession, openLedgerSession, sessionClock } from '../app/ledger-session.js';
import { timing } from '../util/timing.js';
import { isTerminalFd, writeErr } from './io.js';
import type { Progress } from './render/progress.js';

export { pricerOf, stageMapOf } from '../app/ledger-session.js';

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

/** The session a command works with (src/app/ledger-session.ts). */
export type CliSession = LedgerSession;

export async function openSession(opts: CommonOptions): Promise<CliSession> {
  const session = await openLedgerSession({ db: opts.db, config: opts.config });
  timing('config and ledger open');
  return session;
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
  const summary = await importHistory(session, {
    threads: opts.threads,
    onProgress: (p) => {
      if (p.bytesTotal > 16 << 20)
        progress?.update(p.bytesDone, p.bytesTotal, `${p.filesDone}/${p.filesTotal} files`);
    },
  });
  progress?.finish();
  for (const note of importNotes(summary)) writeErr(`${note}\n`);
  return summary;
}

export function clockOf(session: CliSession, opts: CommonOptions): ZonedClock {
  return sessionClock(session, opts.timezone);
}
