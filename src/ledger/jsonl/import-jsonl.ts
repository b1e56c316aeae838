/**
 * `import-jsonl`: rebuilds (or adds to) a ledger from a folder a JSONL export wrote. Every `*.jsonl`
 * under it is read in any order, each line checked (a bad one is reported as `file:line: reason` and
 * skipped), the versions of each record resolved (`record-versions.ts`), and only what changes the
 * ledger is written: importing the same folder again writes nothing. Declared tasks are declared
 * again through the store, which re-derives their usage.
 * @module
 */
import type { DeclaredTaskLedgerRecord, ImportableRecord, LedgerRecord } from '../ledger-records.js';
import { recordKey } from '../record-identity.js';
import type { LedgerStore } from '../store.js';
import { type JsonlProblem, readJsonlDir } from './jsonl-files.js';
import { importTarget } from './record-versions.js';

export interface ImportJsonlSummary {
  dir: string;
  files: number;
  /** Non-empty lines read. */
  lines: number;
  /** Distinct records the valid lines hold. */
  records: number;
  /** Records that changed the ledger (new, or a newer version). */
  merged: number;
  /** Records the ledger already held as the folder says. */
  unchanged: number;
  problems: JsonlProblem[];
}

export const IMPORT_HINT =
  'Pass the folder `tokenledger export --jsonl DIR` wrote, e.g. tokenledger import-jsonl .tokenledger/ledger';

export async function importJsonl(store: LedgerStore, dir: string): Promise<ImportJsonlSummary> {
  const contents = readJsonlDir(dir, IMPORT_HINT);
  const current = new Map<string, LedgerRecord>();
  if (contents.histories.size > 0) {
    for (const { record } of await store.exportRecords({})) current.set(recordKey(record), record);
  }
  const writes: ImportableRecord[] = [];
  const declared: DeclaredTaskLedgerRecord[] = [];
  for (const key of contents.histories.keys()) {
    const history = contents.histories.get(key);
    if (history === undefined) continue;
    const target = importTarget(current.get(key), history);
    if (target === null) continue;
    if (target.type === 'declared_task') declared.push(target);
    else writes.push(target);
  }
  if (writes.length > 0) await store.importRecords(writes);
  // After the usage: whether captured usage is attributed to a declared task decides what counts.
  for (const d of declared) {
    await store.declareTask(
      {
        taskId: d.taskId,
        ts: d.ts,
        declaredAt: d.declaredAt,
        summary: d.summary,
        mode: d.mode,
        project: d.project,
        receivedAt: d.receivedAt,
        missing: d.missing,
        entries: d.entries,
      },
      { machine: d.machine, user: d.user },
    );
  }
  const merged = writes.length + declared.length;
  return {
    dir,
    files: contents.files.length,
    lines: contents.lines,
    records: contents.histories.size,
    merged,
    unchanged: contents.histories.size - merged,
    problems: contents.problems,
  };
}
