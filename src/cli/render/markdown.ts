/**
 * GitHub-flavoured Markdown tables. Cells are padded to a common display width so the raw text reads
 * as a table too; `|` is escaped as `\|` and line breaks become `<br>` so a cell never breaks the row.
 * @module
 */
import { displayWidth, padToWidth } from './display-width.js';

/** Column alignment; `right` suits numbers (`---:`). */
export type MarkdownAlign = 'left' | 'right' | 'center';

export type MarkdownValue = string | number | null;

function escapeCell(value: MarkdownValue): string {
  if (value === null) return '';
  return String(value)
    .replaceAll('|', '\\|')
    .replace(/\r\n|\r|\n/g, '<br>');
}

function colons(align: MarkdownAlign): number {
  return align === 'left' ? 0 : align === 'right' ? 1 : 2;
}

function delimiter(align: MarkdownAlign, width: number): string {
  const dashes = '-'.repeat(width - colons(align));
  if (align === 'right') return `${dashes}:`;
  if (align === 'center') return `:${dashes}:`;
  return dashes;
}

/**
 * Renders a GFM table (no trailing newline). `align[i]` defaults to `left`; rows shorter than the
 * header are filled with empty cells.
 * @example toMarkdownTable(['Date', 'Cost'], [['2026-01-02', '$1.50']], ['left', 'right'])
 */
export function toMarkdownTable(
  header: readonly string[],
  rows: readonly (readonly MarkdownValue[])[],
  align: readonly MarkdownAlign[] = [],
): string {
  const cells = [header, ...rows].map((row) => header.map((_, i) => escapeCell(row[i] ?? null)));
  const widths = header.map((_, i) =>
    Math.max(3 + colons(align[i] ?? 'left'), ...cells.map((row) => displayWidth(row[i] ?? ''))),
  );
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, i) => padToWidth(cell, widths[i] ?? 0, align[i] === 'right' ? 'right' : 'left')).join(' | ')} |`;
  const [head = [], ...body] = cells;
  const rule = `| ${widths.map((w, i) => delimiter(align[i] ?? 'left', w)).join(' | ')} |`;
  return [line(head), rule, ...body.map(line)].join('\n');
}
