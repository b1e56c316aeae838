/**
 * Claude Code as a source: its dirs, layout, transcript format and sidecars, tied together for the
 * shared import (`app/import`).
 * @module
 */
import { type FileJob, importFile } from '../file-import/import-file.js';
import type { SourceAdapter, SourceFormat } from '../source-adapter.js';
import type { FileImport } from '../types.js';
import { readClaudeMeta } from './agent-facts.js';
import { claudeLayout, type DirFacts } from './discover.js';
import { CLAUDE_SOURCE, ClaudeLineParser } from './parse.js';
import { resolveClaudeRoots } from './paths.js';

/**
 * Lines that can matter: any line with a `"usage"` key (assistant lines, progress lines relaying a
 * subagent's response, Agent tool results), and `cost-state` lines, which start with their type.
 * Everything else (user prompts, tool output, snapshots) is never decoded.
 */
const MARKERS = [Buffer.from('"usage"')];
const PREFIXES = [Buffer.from('{"type":"cost-state"')];

/** How Claude Code transcripts are read: JSONL that only grows, lines filtered by marker. */
export const claudeFormat: SourceFormat = {
  container: 'jsonl',
  reread: 'append',
  markers: MARKERS,
  prefixes: PREFIXES,
  createParser: (ctx) => new ClaudeLineParser(ctx),
};

export const claudeAdapter: SourceAdapter<DirFacts> = {
  id: CLAUDE_SOURCE,
  label: 'Claude Code',
  resolveRoots: (options) => resolveClaudeRoots(options.dirs, options.env),
  layout: claudeLayout,
  formatOf: () => claudeFormat,
  readSidecar: readClaudeMeta,
};

/** A Claude transcript to import (a {@link FileJob} of this source). */
export type ClaudeFileJob = Omit<FileJob, 'source'>;

/** Imports one Claude Code transcript file (see `capture/file-import/import-file.ts`). */
export function importClaudeFile(job: ClaudeFileJob): FileImport {
  return importFile(claudeFormat, { ...job, source: CLAUDE_SOURCE });
}
