/**
 * Renders usage reports as box-drawn tables that fit the terminal. Layout (shortening names, dropping,
 * compacting and truncating columns) lives in `table-layout.ts`; this file draws, and adds one dim
 * line under a table that had to leave columns out, naming them and how to see them. Colour, when
 * enabled: headers bold cyan, the footer (totals) bold yellow, sub-rows and the note dim.
 * @module
 */
import pc from 'picocolors';
import { displayWidth, padToWidth, truncateToWidth } from './display-width.js';
import { hiddenColumnsNote } from './hidden-note.js';
import { headerLines, layoutTable, type TableLayout } from './table-layout.js';
import { cellText, SUB_ROW_PREFIX, type TableCell, type TableColumn, type TableSpec } from './table-spec.js';

export type { TableCell, TableColumn, TableRow, TableSpec } from './table-spec.js';
export { costCell, nameCell, SUB_ROW_PREFIX, tokenCell } from './table-spec.js';

export interface RenderTableOptions {
  /** Terminal columns available (see `detectTerminal`). */
  width: number;
  /** Whether to emit ANSI colours. */
  color: boolean;
  /** The compact layout (`--compact`): short names, abbreviated numbers, fewer columns. */
  compact?: boolean;
  /**
   * Whether the output is a terminal: the note under a table that hides columns then says to widen
   * the terminal, else to set `COLUMNS` (unknown: both).
   */
  isTTY?: boolean;
  /** Other ways to see every column, named in that note, e.g. `--json or --csv`. */
  seeAll?: string;
}

type Style = (text: string) => string;

interface DrawnCell {
  lines: string[];
  column: TableColumn;
  width: number;
  /** Prefix kept in front of the first line when the text is truncated. */
  prefix: string;
}

function rule(widths: readonly number[], [left, mid, right]: readonly [string, string, string]): string {
  return left + widths.map((w) => '─'.repeat(w + 2)).join(mid) + right;
}

function fitLine(line: string, cell: DrawnCell, isFirstLine: boolean): string {
  const prefix = isFirstLine ? cell.prefix : ' '.repeat(displayWidth(cell.prefix));
  const room = cell.width - displayWidth(prefix);
  return prefix + truncateToWidth(line, Math.max(room, 0), cell.column.truncate ?? 'end');
}

function drawRow(cells: readonly DrawnCell[], style: Style): string[] {
  const height = Math.max(1, ...cells.map((c) => c.lines.length));
  return Array.from({ length: height }, (_, lineNo) => {
    const parts = cells.map((cell) => {
      const line = cell.lines[lineNo];
      const text = line === undefined ? '' : fitLine(line, cell, lineNo === 0);
      return padToWidth(text === '' ? '' : style(text), cell.width, cell.column.align ?? 'left');
    });
    return `│ ${parts.join(' │ ')} │`;
  });
}

function bodyCells(
  spec: TableSpec,
  layout: TableLayout,
  cells: readonly TableCell[],
  sub: boolean,
): DrawnCell[] {
  return layout.visible.map((col, i) => {
    const short = layout.short.has(col);
    const column = spec.columns[col] ?? { header: '' };
    return {
      lines: cellText(cells[col], layout.compact, short).split('\n'),
      // A short name's start is what tells it apart: cut it at the end.
      column: short && column.truncate !== undefined ? { ...column, truncate: 'end' } : column,
      width: layout.widths[i] ?? 0,
      prefix: sub && i === 0 ? SUB_ROW_PREFIX : '',
    };
  });
}

function headerCells(spec: TableSpec, layout: TableLayout): DrawnCell[] {
  return layout.visible.map((col, i) => {
    const column = spec.columns[col] ?? { header: '' };
    return {
      lines: headerLines(column.header, layout.wrapHeaders),
      column: { ...column, truncate: 'end' },
      width: layout.widths[i] ?? 0,
      prefix: '',
    };
  });
}

/**
 * Draws `spec` as a table no wider than `opts.width` when that is possible (see `table-layout.ts`
 * for the order in which it gives things up), followed by a dim note when columns had to be left out.
 * Returns the lines joined with `\n`, no trailing newline.
 *
 * @example
 * renderTable({
 *   columns: [{ header: 'Date', required: true }, { header: 'Input', align: 'right', required: true }],
 *   rows: [{ cells: ['2026-01-02', tokenCell(1234)] }],
 *   footer: ['Total', tokenCell(1234)],
 * }, { width: 80, color: false });
 */
export function renderTable(spec: TableSpec, opts: RenderTableOptions): string {
  const c = pc.createColors(opts.color);
  const header: Style = (t) => c.bold(c.cyan(t));
  const total: Style = (t) => c.bold(c.yellow(t));
  const plain: Style = (t) => t;
  const layout = layoutTable(spec, opts.width, { compact: opts.compact === true });
  const { widths } = layout;
  const lines = [rule(widths, ['┌', '┬', '┐']), ...drawRow(headerCells(spec, layout), header)];
  lines.push(rule(widths, ['├', '┼', '┤']));
  for (const row of spec.rows) {
    const sub = row.sub === true;
    lines.push(...drawRow(bodyCells(spec, layout, row.cells, sub), sub ? c.dim : plain));
  }
  if (spec.footer !== undefined) {
    lines.push(rule(widths, ['├', '┼', '┤']));
    lines.push(...drawRow(bodyCells(spec, layout, spec.footer, false), total));
  }
  lines.push(rule(widths, ['└', '┴', '┘']));
  if (layout.hidden.length > 0) {
    const note = hiddenColumnsNote({
      hidden: layout.hidden.map((col) => spec.columns[col]?.header.replaceAll('\n', ' ') ?? ''),
      width: opts.width,
      fullWidth: layout.fullWidth,
      compact: opts.compact === true,
      isTTY: opts.isTTY,
      seeAll: opts.seeAll,
    });
    lines.push(...note.map((l) => c.dim(l)));
  }
  return lines.join('\n');
}
