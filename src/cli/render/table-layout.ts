/**
 * Fits a {@link TableSpec} into a terminal width. Each step is tried only when the previous one was
 * not enough, cheapest loss first, so figures (token counts and costs) are the last thing to go:
 *
 * 1. everything at natural width;
 * 2. headers wrapped at spaces;
 * 3. names switched to their short form (e.g. a project's distinguishing tail), biggest saving first;
 * 4. non-required columns that are not figures dropped, lowest `priority` first;
 * 5. numeric cells switched to their compact form (`1.2M`);
 * 6. truncatable columns cut (widest first) down to their minimum width;
 * 7. non-required figure columns dropped, lowest `priority` first (numbers back in full when they fit).
 *
 * Columns dropped at one step come back when a later step made room for them without cutting names.
 * The compact layout (`--compact`) starts at step 5 with the `hiddenInCompact` columns left out.
 * If the table still does not fit, it is drawn wider than asked rather than losing required columns.
 * @module
 */
import { displayWidth } from './display-width.js';
import {
  cellText,
  isFigureCell,
  isNameCell,
  SUB_ROW_PREFIX,
  type TableCell,
  type TableSpec,
} from './table-spec.js';

export interface TableLayout {
  /** Indices into `spec.columns` of the columns shown, in order. */
  visible: number[];
  /** Width of each shown column's content (without padding and borders). */
  widths: number[];
  wrapHeaders: boolean;
  /** Whether numbers show in their compact form. */
  compact: boolean;
  /** Indices into `spec.columns` of the columns whose names show in their short form. */
  short: ReadonlySet<number>;
  /** Indices into `spec.columns` of the columns left out, in column order. */
  hidden: number[];
  /** How wide the table is with every column, in full: what it takes to show everything. */
  fullWidth: number;
}

export interface LayoutOptions {
  /** The compact layout: short names, compact numbers, `hiddenInCompact` columns left out. */
  compact?: boolean;
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
  return text.includes('\n') ? Math.max(0, ...text.split('\n').map(displayWidth)) : displayWidth(text);
}

/** Columns' total drawn width: content, one space of padding each side, and `│` borders. */
export function tableWidth(widths: readonly number[]): number {
  return widths.reduce((sum, w) => sum + w, 0) + 3 * widths.length + 1;
}

function headerWidth(spec: TableSpec, col: number, wrap: boolean): number {
  return Math.max(0, ...headerLines(spec.columns[col]?.header ?? '', wrap).map(displayWidth));
}

/** What the layout has given up so far. */
interface State {
  visible: number[];
  wrap: boolean;
  compact: boolean;
  short: Set<number>;
}

const cellKinds = new WeakMap<TableSpec, Map<string, boolean>>();

/** Whether some cell of the column is a figure (has a compact form) or a name (has a short form). */
function hasCell(spec: TableSpec, col: number, kind: 'figure' | 'name'): boolean {
  let cache = cellKinds.get(spec);
  if (cache === undefined) {
    cache = new Map();
    cellKinds.set(spec, cache);
  }
  const key = `${col} ${kind}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  const is = kind === 'figure' ? isFigureCell : isNameCell;
  const found = is(spec.footer?.[col]) || spec.rows.some((r) => is(r.cells[col]));
  cache.set(key, found);
  return found;
}

/**
 * The widest cell of each column in each form, measured once per table: the layout tries many
 * combinations, and a report can have thousands of rows.
 */
const cellWidths = new WeakMap<TableSpec, Map<string, number>>();

function widestCell(spec: TableSpec, col: number, first: boolean, compact: boolean, short: boolean): number {
  let cache = cellWidths.get(spec);
  if (cache === undefined) {
    cache = new Map();
    cellWidths.set(spec, cache);
  }
  const key = `${col} ${first} ${compact} ${short}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  const width = (cell: TableCell | undefined) => textWidth(cellText(cell, compact, short));
  const prefix = first ? displayWidth(SUB_ROW_PREFIX) : 0;
  let widest = spec.footer === undefined ? 0 : width(spec.footer[col]);
  for (const row of spec.rows)
    widest = Math.max(widest, width(row.cells[col]) + (row.sub === true ? prefix : 0));
  cache.set(key, widest);
  return widest;
}

function naturalWidth(spec: TableSpec, col: number, first: boolean, s: State): number {
  const body = widestCell(spec, col, first, s.compact, s.short.has(col));
  const min = spec.columns[col]?.minWidth ?? 0;
  return Math.max(headerWidth(spec, col, s.wrap), min, body);
}

function measure(spec: TableSpec, s: State, fullWidth: number): TableLayout {
  const widths = s.visible.map((col, i) => naturalWidth(spec, col, i === 0, s));
  const hidden = spec.columns.map((_, i) => i).filter((i) => !s.visible.includes(i));
  return {
    visible: [...s.visible],
    widths,
    wrapHeaders: s.wrap,
    compact: s.compact,
    short: new Set(s.short),
    hidden,
    fullWidth,
  };
}

function isFigure(spec: TableSpec, col: number): boolean {
  return spec.columns[col]?.figure ?? hasCell(spec, col, 'figure');
}

function dropOrder(spec: TableSpec, figures: boolean): number[] {
  return spec.columns
    .map((column, index) => ({ index, priority: column.priority ?? 0, required: column.required === true }))
    .filter((c) => !c.required && isFigure(spec, c.index) === figures)
    .sort((a, b) => a.priority - b.priority || b.index - a.index)
    .map((c) => c.index);
}

function shortenable(spec: TableSpec, col: number): boolean {
  return hasCell(spec, col, 'name');
}

/**
 * Visible columns with short names, the one whose short form saves the most first. A column whose
 * widest cell has no short form saves nothing yet, but its short names are then not cut later.
 */
function shortOrder(spec: TableSpec, s: State): number[] {
  const saving = (col: number, i: number) => {
    const short = new Set([...s.short, col]);
    return naturalWidth(spec, col, i === 0, s) - naturalWidth(spec, col, i === 0, { ...s, short });
  };
  return s.visible
    .map((col, i) => ({ col, saving: saving(col, i) }))
    .filter((c) => !s.short.has(c.col) && shortenable(spec, c.col))
    .sort((a, b) => b.saving - a.saving || a.col - b.col)
    .map((c) => c.col);
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

/**
 * Puts back dropped columns (figures first, then by priority) while they fit without cutting
 * anything: a later step (e.g. compact numbers) may have made room for a column dropped earlier.
 */
function refill(
  spec: TableSpec,
  s: State,
  layout: TableLayout,
  maxWidth: number,
  allowed: (col: number) => boolean,
): TableLayout {
  const uncut = measure(spec, s, layout.fullWidth);
  if (uncut.widths.some((w, i) => w !== layout.widths[i])) return layout;
  const priority = (col: number) => spec.columns[col]?.priority ?? 0;
  const candidates = layout.hidden
    .filter(allowed)
    .sort(
      (a, b) => Number(isFigure(spec, b)) - Number(isFigure(spec, a)) || priority(b) - priority(a) || a - b,
    );
  let best = layout;
  for (const col of candidates) {
    const visible = [...s.visible, col].sort((a, b) => a - b);
    const next = measure(spec, { ...s, visible }, layout.fullWidth);
    if (tableWidth(next.widths) <= maxWidth) {
      s.visible = visible;
      best = next;
    }
  }
  return best;
}

/** Chooses which columns to show, in which form, at which widths, to fit `maxWidth` columns. */
export function layoutTable(spec: TableSpec, maxWidth: number, opts: LayoutOptions = {}): TableLayout {
  const all = spec.columns.map((_, i) => i);
  const full: State = { visible: all, wrap: false, compact: false, short: new Set() };
  const fullWidth = tableWidth(measure(spec, full, 0).widths);
  const compactOnly = (i: number) => {
    const c = spec.columns[i];
    return c?.required !== true && c?.hiddenInCompact === true;
  };
  const s: State =
    opts.compact === true
      ? {
          visible: all.filter((i) => !compactOnly(i)),
          wrap: true,
          compact: true,
          short: new Set(all.filter((i) => shortenable(spec, i))),
        }
      : { ...full, short: new Set() };
  const fits = (l: TableLayout) => tableWidth(l.widths) <= maxWidth;
  const done = (l: TableLayout) =>
    refill(spec, s, l, maxWidth, (i) => opts.compact !== true || !compactOnly(i));
  let layout = measure(spec, s, fullWidth);
  if (fits(layout)) return layout;
  const steps: (() => void)[] = [
    () => {
      s.wrap = true;
    },
    ...shortOrder(spec, { ...s, wrap: true }).map((col) => () => s.short.add(col)),
    ...dropOrder(spec, false).map((col) => () => {
      s.visible = s.visible.filter((c) => c !== col);
    }),
    () => {
      s.compact = true;
    },
  ];
  for (const step of steps) {
    step();
    layout = measure(spec, s, fullWidth);
    if (fits(layout)) return done(layout);
  }
  layout = shrink(spec, layout, maxWidth);
  for (const col of dropOrder(spec, true)) {
    if (fits(layout)) return done(layout);
    s.visible = s.visible.filter((c) => c !== col);
    // With a column fewer, the numbers may fit in full again.
    for (const compact of opts.compact === true ? [true] : [false, true]) {
      s.compact = compact;
      layout = shrink(spec, measure(spec, s, fullWidth), maxWidth);
      if (fits(layout)) return done(layout);
    }
  }
  return layout;
}
