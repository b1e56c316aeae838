/**
 * Fits a {@link TableSpec} into a terminal width. Each step is tried only when the previous one was
 * not enough, cheapest loss first:
 *
 * 1. everything at natural width;
 * 2. headers wrapped at spaces;
 * 3. non-required columns dropped, lowest `priority` first;
 * 4. numeric cells switched to their compact form;
 * 5. truncatable columns shrunk (widest first) down to their minimum width.
 *
 * If the table still does not fit, it is drawn wider than asked rather than losing required columns.
 * @module
 */
import { displayWidth } from './display-width.js';
import { cellText, SUB_ROW_PREFIX, type TableCell, type TableSpec } from './table-spec.js';

export interface TableLayout {
  /** Indices into `spec.columns` of the columns shown, in order. */
  visible: number[];
  /** Width of each shown column's content (without padding and borders). */
  widths: number[];
  wrapHeaders: boolean;
  compact: boolean;
}

/** Splits a header into lines; with `wrap`, words are filled greedily up to the longest word's width. */
export function headerLines(header: string, wrap: boolean): string[] {
  const forced = header.split('\n');
  if (!wrap) return forced;
  return forced.flatMap((line) => {
    const words = line.split(' ').filter((w) => w !== '');
    const limit = Math.max(0, ...words.map(displayWidth));
    const out: string[] = [];
    for (const word of words) {
      const last = out.at(-1);
      if (last !== undefined && displayWidth(last) + 1 + displayWidth(word) <= limit) {
        out[out.length - 1] = `${last} ${word}`;
      } else {
        out.push(word);
      }
    }
    return out.length > 0 ? out : [''];
  });
}

function textWidth(text: string): number {
  return Math.max(0, ...text.split('\n').map(displayWidth));
}

/** Columns' total drawn width: content, one space of padding each side, and `│` borders. */
export function tableWidth(widths: readonly number[]): number {
  return widths.reduce((sum, w) => sum + w, 0) + 3 * widths.length + 1;
}

function headerWidth(spec: TableSpec, col: number, wrap: boolean): number {
  return Math.max(0, ...headerLines(spec.columns[col]?.header ?? '', wrap).map(displayWidth));
}

function naturalWidth(spec: TableSpec, col: number, first: boolean, wrap: boolean, compact: boolean): number {
  const width = (cell: TableCell | undefined) => textWidth(cellText(cell, compact));
  const prefix = first ? displayWidth(SUB_ROW_PREFIX) : 0;
  const body = spec.rows.map((row) => width(row.cells[col]) + (row.sub === true ? prefix : 0));
  const footer = spec.footer === undefined ? 0 : width(spec.footer[col]);
  const min = spec.columns[col]?.minWidth ?? 0;
  return Math.max(headerWidth(spec, col, wrap), footer, min, ...body);
}

function measure(spec: TableSpec, visible: number[], wrapHeaders: boolean, compact: boolean): TableLayout {
  const widths = visible.map((col, i) => naturalWidth(spec, col, i === 0, wrapHeaders, compact));
  return { visible, widths, wrapHeaders, compact };
}

function dropOrder(spec: TableSpec): number[] {
  return spec.columns
    .map((column, index) => ({ index, priority: column.priority ?? 0, required: column.required === true }))
    .filter((c) => !c.required)
    .sort((a, b) => a.priority - b.priority || b.index - a.index)
    .map((c) => c.index);
}

function shrink(spec: TableSpec, layout: TableLayout, maxWidth: number): TableLayout {
  const widths = [...layout.widths];
  const floors = layout.visible.map((col) => {
    const column = spec.columns[col];
    return Math.max(1, column?.minWidth ?? headerWidth(spec, col, layout.wrapHeaders));
  });
  const shrinkable = layout.visible.flatMap((col, i) =>
    spec.columns[col]?.truncate === undefined ? [] : [i],
  );
  while (tableWidth(widths) > maxWidth) {
    let pick = -1;
    for (const i of shrinkable) {
      const w = widths[i] ?? 0;
      if (w > (floors[i] ?? 1) && (pick === -1 || w >= (widths[pick] ?? 0))) pick = i;
    }
    if (pick === -1) break;
    widths[pick] = (widths[pick] ?? 1) - 1;
  }
  return { ...layout, widths };
}

/** Chooses which columns to show, in which form, at which widths, to fit `maxWidth` columns. */
export function layoutTable(spec: TableSpec, maxWidth: number): TableLayout {
  let visible = spec.columns.map((_, i) => i);
  const fits = (l: TableLayout) => tableWidth(l.widths) <= maxWidth;
  let layout = measure(spec, visible, false, false);
  if (fits(layout)) return layout;
  layout = measure(spec, visible, true, false);
  if (fits(layout)) return layout;
  for (const col of dropOrder(spec)) {
    visible = visible.filter((c) => c !== col);
    layout = measure(spec, visible, true, false);
    if (fits(layout)) return layout;
  }
  layout = measure(spec, visible, true, true);
  if (fits(layout)) return layout;
  return shrink(spec, layout, maxWidth);
}
