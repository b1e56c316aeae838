/**
 * The shape of a table handed to {@link renderTable} (see `table.ts`), shared with the layout code.
 * @module
 */
import { formatCompact, formatCost, formatInt } from '../../util/format.js';

/**
 * One cell. A plain string is shown as is. A `{ text, compact }` pair is a number that may switch to
 * its `compact` form (e.g. `1.2M` for `1,234,567`) when the table is too wide; build it with {@link tokenCell}.
 * A `{ text, short }` pair is a name that may switch to its `short` form (e.g. `opus-4-5` for
 * `claude-opus-4-5-20251101`) before anything else is given up; build it with {@link nameCell}.
 * Text may contain `\n` for a cell of several lines.
 */
export type TableCell = string | { text: string; compact: string } | { text: string; short: string };

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
  /**
   * Whether cells may be cut with `…`: at the `end` (keep the start) or the `start` (keep the end, for
   * paths). A cell shown in its `short` form is always cut at the end: its start is what tells it apart.
   */
  truncate?: 'end' | 'start';
  /**
   * A column of figures (token counts, costs): dropped only after every other non-required column is
   * gone, names are shortened and cut, and numbers are abbreviated. Default: true when some cell of
   * the column has a compact form ({@link tokenCell}, {@link costCell}).
   */
  figure?: boolean;
  /** Left out of the compact layout (`--compact`) even when it would fit. */
  hiddenInCompact?: boolean;
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

/**
 * A cost cell: {@link formatCost} normally; whole dollars from $100 up when the table must shrink
 * (`$1,072.86` → `$1,073`). `suffix` (e.g. `+` for a cost that leaves unpriced models out) follows both.
 */
export function costCell(usd: number | null, suffix = ''): TableCell {
  const text = `${formatCost(usd)}${suffix}`;
  if (usd === null || !Number.isFinite(usd) || Math.abs(usd) < 100) return text;
  return { text, compact: `${usd < 0 ? '-' : ''}$${formatInt(Math.abs(usd))}${suffix}` };
}

/** A name with a shorter form for tight tables (the same string when there is none). */
export function nameCell(text: string, short: string): TableCell {
  return short === text ? text : { text, short };
}

/** Whether the cell has a compact (numeric) form. */
export function isFigureCell(cell: TableCell | undefined): boolean {
  return typeof cell === 'object' && 'compact' in cell;
}

/** Whether the cell has a short (name) form. */
export function isNameCell(cell: TableCell | undefined): boolean {
  return typeof cell === 'object' && 'short' in cell;
}

/**
 * The text a cell shows: numbers in full or `compact` form, names in full or `short` form (by
 * default short exactly when compact, as in the compact layout).
 */
export function cellText(cell: TableCell | undefined, compact: boolean, short: boolean = compact): string {
  if (cell === undefined) return '';
  if (typeof cell === 'string') return cell;
  if ('compact' in cell) return compact ? cell.compact : cell.text;
  return short ? cell.short : cell.text;
}
