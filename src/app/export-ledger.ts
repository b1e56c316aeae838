/**
 * Keeping the ledger in git (`tokenledger export --jsonl DIR`): attributes what is pending, then
 * appends the ledger to a folder of JSONL files, split per UTC day and machine (docs/JSONL.md). The
 * caller imports new history first when it wants the export complete.
 * @module
 */
import { addDays, parseDateFlag } from '../analysis/zoned-time.js';
import { exportJsonl } from '../ledger/jsonl/export-jsonl.js';
import type { RecordFilter } from '../ledger/ledger-records.js';
import { ExitCode, UserError } from '../util/errors.js';
import { type LedgerSession, stageMapOf } from './ledger-session.js';

/** `since`/`until` (days as given) as UTC days, the days the files are named by: [since 00:00Z, until + 1 day). */
export function utcDayRange(since: string | undefined, until: string | undefined): RecordFilter {
  const from = since === undefined ? undefined : parseDateFlag(since, '--since');
  const to = until === undefined ? undefined : parseDateFlag(until, '--until');
  if (from !== undefined && to !== undefined && from > to) {
    throw new UserError(`--since ${from} is after --until ${to}; swap them.`, ExitCode.usage);
  }
  return {
    ...(from === undefined ? {} : { fromMs: Date.parse(`${from}T00:00:00Z`) }),
    ...(to === undefined ? {} : { toMs: Date.parse(`${addDays(to, 1)}T00:00:00Z`) }),
  };
}

export interface ExportLedgerRequest {
  /** The folder to append to (created if missing). */
  dir: string;
  /** Which records (`utcDayRange`); all when empty. */
  filter: RecordFilter;
  /** Where records without a time go: this instant's day (default: now). */
  now?: number;
}

/** What an export did: exactly what `export --jsonl --json` prints. */
export interface ExportLedgerResult {
  dir: string;
  /** Records the ledger holds (in the range). */
  records: number;
  linesAppended: number;
  filesWritten: number;
  filesCreated: number;
  /** Lines already in the folder that could not be read (left as they are; `import-jsonl` lists them). */
  unreadableLines: number;
  /** The ledger exported. */
  ledger: string;
}

export async function exportLedgerJsonl(
  session: LedgerSession,
  request: ExportLedgerRequest,
): Promise<ExportLedgerResult> {
  await session.store.attributePending(stageMapOf(session));
  const s = await exportJsonl(session.store, request.dir, {
    filter: request.filter,
    machine: session.origin.machine,
    now: request.now ?? Date.now(),
  });
  return {
    dir: s.dir,
    records: s.records,
    linesAppended: s.linesAppended,
    filesWritten: s.filesWritten,
    filesCreated: s.filesCreated,
    unreadableLines: s.problems.length,
    ledger: session.store.location,
  };
}
