/**
 * `tokenledger export --jsonl DIR`: appends the ledger to a folder of JSONL files, split per UTC day
 * and machine, that a git repository can hold and merge (see docs/JSONL.md). It imports new Claude
 * Code history and attributes pending usage first, so the export is complete.
 * @module
 */
import { addDays, parseDateFlag } from '../../analysis/zoned-time.js';
import { exportJsonl } from '../../ledger/jsonl/export-jsonl.js';
import type { RecordFilter } from '../../ledger/ledger-records.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { formatInt } from '../../util/format.js';
import { type CommonOptions, importNow, openSession, stageMapOf } from '../context.js';
import { writeErr, writeJson, writeOut } from '../io.js';

export interface ExportOptions extends CommonOptions {
  jsonl?: string;
  since?: string;
  until?: string;
}

/** `--since`/`--until` as UTC days (the days the files are named by): [since 00:00Z, until + 1 day). */
export function utcRange(since: string | undefined, until: string | undefined): RecordFilter {
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

export async function runExport(opts: ExportOptions): Promise<number> {
  if (opts.jsonl === undefined || opts.jsonl.trim() === '') {
    throw new UserError(
      'export needs a folder to write to: pass --jsonl DIR, e.g. tokenledger export --jsonl .tokenledger/ledger (JSONL is the only export format so far).',
      ExitCode.usage,
    );
  }
  const filter = utcRange(opts.since, opts.until);
  const session = await openSession(opts);
  try {
    if (opts.import !== false) await importNow(session, opts);
    await session.store.attributePending(stageMapOf(session));
    const s = await exportJsonl(session.store, opts.jsonl, {
      filter,
      machine: session.origin.machine,
      now: Date.now(),
    });
    if (s.problems.length > 0) {
      writeErr(
        `tokenledger: ${s.problems.length} line(s) already in ${s.dir} could not be read and were left as they are; \`tokenledger import-jsonl ${s.dir}\` lists them.\n`,
      );
    }
    if (opts.json) {
      await writeJson({
        dir: s.dir,
        records: s.records,
        linesAppended: s.linesAppended,
        filesWritten: s.filesWritten,
        filesCreated: s.filesCreated,
        unreadableLines: s.problems.length,
        ledger: session.store.location,
      });
    } else if (s.linesAppended === 0) {
      await writeOut(
        `Nothing new to export: ${s.dir} already holds the ${formatInt(s.records)} record(s) of the ledger.\n`,
      );
    } else {
      await writeOut(
        `Appended ${formatInt(s.linesAppended)} line(s) to ${formatInt(s.filesWritten)} file(s) under ${s.dir} (${formatInt(s.filesCreated)} new); ${formatInt(s.records - s.linesAppended)} of ${formatInt(s.records)} record(s) were there already.\nCommit the folder (its .gitattributes merges branches by union); \`tokenledger import-jsonl ${s.dir}\` rebuilds the ledger elsewhere.\n`,
      );
    }
    return 0;
  } finally {
    await session.store.close();
  }
}
