/**
 * The Claude Code import under its old names, for the callers that import only Claude Code (the
 * demo, hooks, `run`, the status line and tests): {@link importSource} and {@link importSourceFiles}
 * with the Claude adapter.
 * @module
 */
import { claudeAdapter } from '../../capture/claude/adapter.js';
import type { LedgerStore } from '../../ledger/store.js';
import {
  type ImportSourcesSummary,
  importSource,
  importSourceFiles,
  type SourceImportOptions,
  type SourceImportSummary,
  type TargetedImportOptions,
  type TargetedImportSummary,
} from './import-sources.js';

export type { ImportProgress, TargetedImportOptions, TargetedImportSummary } from './import-sources.js';

export interface ImportOptions extends Omit<SourceImportOptions, 'dirs'> {
  /** Claude dirs from the config file (CLAUDE_CONFIG_DIR still wins). */
  claudeDirs?: readonly string[];
}

export type ImportSummary = SourceImportSummary;

/** Imports new Claude Code history (see {@link importSource}). */
export function importClaudeHistory(store: LedgerStore, options: ImportOptions): Promise<ImportSummary> {
  const { claudeDirs, ...rest } = options;
  return importSource(store, claudeAdapter, {
    ...rest,
    ...(claudeDirs === undefined ? {} : { dirs: { [claudeAdapter.id]: claudeDirs } }),
  });
}

/** Claude Code's part of an import of every source. */
export function claudeImportOf(all: ImportSourcesSummary): ImportSummary {
  const found = all.sources.find((s) => s.source === claudeAdapter.id);
  if (found === undefined) throw new Error('the import did not include Claude Code (not in SOURCE_ADAPTERS)');
  return found;
}

/** Imports the given Claude Code transcripts only (see {@link importSourceFiles}). */
export function importClaudeFiles(
  store: LedgerStore,
  paths: readonly string[],
  options: TargetedImportOptions,
): Promise<TargetedImportSummary> {
  return importSourceFiles(store, claudeAdapter, paths, options);
}
