/**
 * `export --jsonl DIR`: appends what the ledger holds to a folder of JSONL files that git can merge.
 *
 * Append-only: the folder's lines are read first, and a record gets a line only when the folder does
 * not already say as much (`exportRev` in `record-versions.ts`): new records, usage that grew, a
 * task that changed. Existing lines are never rewritten or reordered; the new lines of each file
 * are sorted by time, then type, then text. Exporting again with no change appends nothing.
 * @module
 */
import fs from 'node:fs';
import { ExitCode, UserError } from '../../util/errors.js';
import { RECORD_TYPES, type RecordFilter, type TimedRecord } from '../ledger-records.js';
import { compareText, recordKey } from '../record-identity.js';
import type { LedgerStore } from '../store.js';
import {
  appendLines,
  ensureGitattributes,
  type JsonlProblem,
  readJsonlDir,
  targetFile,
} from './jsonl-files.js';
import { formatLine } from './jsonl-format.js';
import { exportRev } from './record-versions.js';

export interface ExportJsonlOptions {
  filter: RecordFilter;
  /** The exporting machine: the file of records that have no machine of their own. */
  machine: string;
  /** Where records without a time go (agents of a session with no usage): this instant's day. */
  now: number;
}

export interface ExportJsonlSummary {
  dir: string;
  /** Records the ledger holds (in the filter's range). */
  records: number;
  linesAppended: number;
  filesWritten: number;
  filesCreated: number;
  /** Lines already in the folder that could not be read (left as they are). */
  problems: JsonlProblem[];
}

const RANK = new Map<string, number>(RECORD_TYPES.map((t, i) => [t, i]));

/**
 * The file a record goes to is its own machine's when it has one (usage, declared tasks), its
 * call's for activity (next to the call's usage), else the exporting machine's.
 */
function machineOf({ record, machine }: TimedRecord, exporting: string): string {
  if (record.type === 'usage' || record.type === 'declared_task') return record.machine;
  return machine ?? exporting;
}

interface NewLine {
  at: number;
  type: string;
  text: string;
}

export async function exportJsonl(
  store: LedgerStore,
  dir: string,
  options: ExportJsonlOptions,
): Promise<ExportJsonlSummary> {
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
    throw new UserError(
      `${dir} is a file; --jsonl needs a folder (it is created if missing).`,
      ExitCode.usage,
    );
  }
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UserError(
      `cannot create ${dir}: ${(error as Error).message}. Check the path and its permissions.`,
      ExitCode.usage,
      {
        cause: error,
      },
    );
  }
  const existing = readJsonlDir(dir, '');
  const records = await store.exportRecords(options.filter);
  const pending = new Map<string, NewLine[]>();
  for (const timed of records) {
    const { at, record } = timed;
    const key = recordKey(record);
    const rev = exportRev(record, existing.histories.get(key));
    if (rev === null) continue;
    const when = at ?? options.now;
    const file = targetFile(dir, when, machineOf(timed, options.machine));
    const text = formatLine(record, rev);
    const texts = existing.texts.get(file) ?? new Set<string>();
    existing.texts.set(file, texts);
    if (texts.has(text)) continue;
    texts.add(text);
    // Later records of the same key (two equal spans) compare with this line too.
    existing.histories.add({ record, rev, text });
    const list = pending.get(file) ?? [];
    list.push({ at: when, type: record.type, text });
    pending.set(file, list);
  }
  let filesCreated = 0;
  let linesAppended = 0;
  try {
    for (const [file, lines] of [...pending].sort(([a], [b]) => compareText(a, b))) {
      lines.sort(
        (a, b) =>
          a.at - b.at || (RANK.get(a.type) ?? 0) - (RANK.get(b.type) ?? 0) || compareText(a.text, b.text),
      );
      if (!fs.existsSync(file)) filesCreated += 1;
      appendLines(
        file,
        lines.map((l) => l.text),
      );
      linesAppended += lines.length;
    }
    ensureGitattributes(dir);
  } catch (error) {
    throw new UserError(
      `cannot write under ${dir}: ${(error as Error).message}. Check its permissions; lines written so far are complete, and exporting again appends only the rest.`,
      ExitCode.usage,
      { cause: error },
    );
  }
  return {
    dir,
    records: records.length,
    linesAppended,
    filesWritten: pending.size,
    filesCreated,
    problems: existing.problems,
  };
}
