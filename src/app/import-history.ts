/**
 * The import before a report, as every front end runs it: new history of every source agent
 * (`import/source-adapters.ts`) from its configured dirs into the session's ledger, and the notes
 * about it a front end shows on stderr. Claude Code is the only source so far, so the summary a
 * front end shows is its part.
 * @module
 */

import { claudeAdapter } from '../capture/claude/adapter.js';
import { compileTaskPattern } from '../capture/context/attribution-context.js';
import type { ImportRunStats } from '../ledger/ingest-state-repository.js';
import { claudeImportOf, type ImportProgress, type ImportSummary } from './import/import-claude.js';
import { importSources } from './import/import-sources.js';
import { SOURCE_ADAPTERS } from './import/source-adapters.js';
import type { LedgerSession } from './ledger-session.js';

export interface ImportHistoryOptions {
  /** Worker threads; 0 imports in this thread. Default: by the amount to read and the CPU count. */
  threads?: number | undefined;
  onProgress?: (p: ImportProgress) => void;
}

/** Imports new history into the session's ledger. An invalid task pattern is a config error naming the file. */
export async function importHistory(
  session: LedgerSession,
  options: ImportHistoryOptions = {},
): Promise<ImportSummary> {
  const config = session.loaded.config;
  const all = await importSources(session.store, SOURCE_ADAPTERS, {
    ...(config.claudeDirs === undefined ? {} : { dirs: { [claudeAdapter.id]: config.claudeDirs } }),
    stageMap: config.stages ?? {},
    ...(config.taskPattern === undefined ? {} : { taskPattern: checkedPattern(config.taskPattern, session) }),
    // A project with a `.beads/` folder: its ids are task ids in subagent prompts too, as in the hooks.
    ...(config.beads === false ? {} : { beadsIds: true }),
    origin: session.origin,
    threads: options.threads,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  return claudeImportOf(all);
}

/** The lines a front end writes to stderr after an import: warnings about the Claude dirs, new problems. */
export function importNotes(summary: ImportSummary): string[] {
  const notes = summary.roots.warnings.map((w) => `tokenledger: warning: ${w}`);
  if (summary.problems > 0) {
    notes.push(
      `tokenledger: ${summary.problems} new problem(s) while reading transcripts; see \`tokenledger problems\`.`,
    );
  }
  return notes;
}

/** The configured task pattern, checked (an invalid one is a config error naming the file). */
function checkedPattern(source: string, session: LedgerSession): string {
  compileTaskPattern(source, `"taskPattern" in ${session.loaded.file}`);
  return source;
}

type Counts = Pick<ImportRunStats, 'records' | 'added' | 'forgotten'>;

/** Records read that merged into an API call the ledger already held (or added in the same import). */
export function mergedRecords(c: Counts): number {
  return c.records - c.added - c.forgotten;
}

/** The counts for `--json`: records read, added, merged, forgotten. */
export function importCountsJson(c: Counts): {
  records: number;
  added: number;
  merged: number;
  forgotten: number;
} {
  return { records: c.records, added: c.added, merged: mergedRecords(c), forgotten: c.forgotten };
}
