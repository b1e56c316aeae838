/**
 * The shape of a table handed to {@link renderTable} (see `table.ts`), shared with the layout code.
 * @module
 */
import { formatCompact, formatInt } from './format.js';

/**
 * One cell. A plain string is shown as is. A `{ text, compact }` pair is a number that may switch to
 * its `compact` form (e.g. `1.2M` for `1,234,567`) when the table is too wide; build it with {@link tokenCell}.
 * Text may contain `\n` for a cell of several lines.
 */
export type TableCell = string | { text: string; compact: string };

export interface TableColumn {
  /** Header text; `\n` forces a line break, and spaces may wrap when the table is tight. */
  header: string;
  /** Default `left`. Use `right` for numbers; the header aligns the same way. */
  align?: 'left' | 'right';
  /** Never dropped when the table is too wide. */
  required?: boolean;
  /**
   * Among columns that are not `required`, the lowest priority is dropped first (ties: rightmost
   * first). Default 0.
   */
  priority?: number;
  /**
   * The column is never narrower than this (it pads up to it), and truncation stops at it.
   * Default: the header's width.
   */
  minWidth?: number;
  /** Whether cells may be cut with `…`: at the `end` (keep the start) or the `start` (keep the end, for paths). */
  truncate?: 'end' | 'start';
}

export interface TableRow {
  cells: readonly TableCell[];
  /** A breakdown row (e.g. one model of the day above): first cell indented with `└─`, row dimmed. */
  sub?: boolean;
}

export interface TableSpec {
  columns: readonly TableColumn[];
  rows: readonly TableRow[];
  /** A totals row, drawn after a rule and highlighted. */
  footer?: readonly TableCell[];
}

/** The prefix put before the first cell of a sub-row. */
export const SUB_ROW_PREFIX = '  └─ ';

/** A numeric cell: {@link formatInt} normally, {@link formatCompact} when the table must shrink. */
export function tokenCell(n: number): TableCell {
  return { text: formatInt(n), compact: formatCompact(n) };
}

/** The text a cell shows, in full or compact form. */
export function cellText(cell: TableCell | undefined, compact: boolean): string {
  if (cell === undefined) return '';
  if (typeof cell === 'string') return cell;
  return compact ? cell.compact : cell.text;
}
