/**
 * `tokenledger export --jsonl DIR`: appends the ledger to a folder of JSONL files, split per UTC day
 * and machine, that a git repository can hold and merge (see docs/JSONL.md). It imports new Claude
 * Code history first, so the export is complete; src/app/export-ledger.ts does the export.
 * @module
 */
import { exportLedgerJsonl, utcDayRange } from '../../app/export-ledger.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { formatInt } from '../../util/format.js';
import { type CommonOptions, importNow, openSession } from '../context.js';
import { writeErr, writeJson, writeOut } from '../io.js';

export interface ExportOptions extends CommonOptions {
  jsonl?: string;
  since?: string;
  until?: string;
}

export async function runExport(opts: ExportOptions): Promise<number> {
  if (opts.jsonl === undefined || opts.jsonl.trim() === '') {
    throw new UserError(
      'export needs a folder to write to: pass --jsonl DIR, e.g. tokenledger export --jsonl .tokenledger/ledger (JSONL is the only export format so far).',
      ExitCode.usage,
    );
  }
  const filter = utcDayRange(opts.since, opts.until);
  const session = await openSession(opts);
  try {
    if (opts.import !== false) await importNow(session, opts);
    const s = await exportLedgerJsonl(session, { dir: opts.jsonl, filter });
    if (s.unreadableLines > 0) {
      writeErr(
        `tokenledger: ${s.unreadableLines} line(s) already in ${s.dir} could not be read and were left as they are; \`tokenledger import-jsonl ${s.dir}\` lists them.\n`,
      );
    }
    if (opts.json) {
      await writeJson(s);
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
