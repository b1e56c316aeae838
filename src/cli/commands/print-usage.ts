/**
 * Prints a usage report in the chosen format: JSON alone on stdout, CSV, Markdown, or a table that
 * fits the terminal followed by notes (unpriced usage with how to price it, lower-bound outputs).
 * @module
 */
import type { UsageTable } from '../../analysis/usage-table.js';
import { writeJson, writeOut } from '../io.js';
import { wrapWords } from '../render/wrap-words.js';
import type { LabelColumn } from '../usage-output.js';
import type { formatOf } from './scope.js';

export interface PrintUsage {
  format: ReturnType<typeof formatOf>;
  /** Built only for --json. */
  json: () => unknown;
  labels: readonly LabelColumn[];
  table: UsageTable;
  breakdown: boolean;
  color?: boolean;
  /** The compact table layout (`--compact`). */
  compact?: boolean;
  /** A line above the table, e.g. the period and time zone. */
  title?: string;
  /** Printed instead of an empty table. */
  empty: string;
}

/** Word-wraps prose to the terminal width (between words only), indenting continuation lines. */
export function wrap(text: string, width: number): string {
  return wrapWords(text, width, '  ').join('\n');
}

export async function printUsage(p: PrintUsage): Promise<void> {
  if (p.format === 'json') return writeJson(p.json());
  // Rendering code loads only when it is needed: JSON output stays lean.
  const { renderUsageTable, usageCsv, usageMarkdown, usageNotes } = await import('../usage-output.js');
  const { detectTerminal } = await import('../render/terminal.js');
  const view = { labels: p.labels, table: p.table, breakdown: p.breakdown };
  if (p.format === 'csv') return writeOut(usageCsv(view));
  if (p.format === 'md') return writeOut(`${usageMarkdown(view)}\n`);
  if (p.table.rows.length === 0) return writeOut(`${p.empty}\n`);
  const term = detectTerminal(process.env, process.stdout, p.color);
  const notes = usageNotes(p.table);
  const title = p.title === undefined ? '' : `${p.title}\n`;
  const tail = notes.length > 0 ? `\n${notes.map((n) => wrap(`note: ${n}`, term.width)).join('\n')}\n` : '';
  await writeOut(`${title}${renderUsageTable(view, { ...term, compact: p.compact === true })}\n${tail}`);
}
