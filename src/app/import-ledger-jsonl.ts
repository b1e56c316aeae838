/**
 * Reading a ledger back from git (`tokenledger import-jsonl DIR`): merges a folder a JSONL export
 * wrote into the ledger (every `*.jsonl` under it, in any order; importing it again changes nothing),
 * then attributes what is pending. Bad lines are returned as problems and skipped.
 * @module
 */

import { importJsonl } from '../ledger/jsonl/import-jsonl.js';
import type { JsonlProblem } from '../ledger/jsonl/jsonl-files.js';
import { type LedgerSession, stageMapOf } from './ledger-session.js';

/** What an import did: exactly what `import-jsonl --json` prints. */
export interface ImportLedgerJsonlResult {
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
  /** Records skipped because the user forgot them. */
  forgotten: number;
  /** Lines that could not be read (`file:line: reason`), skipped. */
  problems: JsonlProblem[];
  /** The ledger merged into. */
  ledger: string;
}

export async function importLedgerJsonl(
  session: LedgerSession,
  dir: string,
): Promise<ImportLedgerJsonlResult> {
  const s = await importJsonl(session.store, dir);
  await session.store.attributePending(stageMapOf(session));
  return {
    dir: s.dir,
    files: s.files,
    lines: s.lines,
    records: s.records,
    merged: s.merged,
    unchanged: s.unchanged,
    forgotten: s.forgotten,
    problems: s.problems,
    ledger: session.store.location,
  };
}
