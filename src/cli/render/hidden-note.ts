/**
 * The line under a table that had to leave columns out: which ones, and how to see them.
 * @module
 */
import { wrapWords } from './wrap-words.js';

export interface HiddenColumns {
  /** The headers of the columns left out. */
  hidden: readonly string[];
  /** The width the table had to fit. */
  width: number;
  /** The width that shows every column. */
  fullWidth: number;
  /** Whether the compact layout (`--compact`) was asked for. */
  compact: boolean;
  /** Whether the output is a terminal (undefined: unknown). */
  isTTY?: boolean | undefined;
  /** Other ways to see every column, e.g. `--json or --csv`. */
  seeAll?: string | undefined;
}

/**
 * The note, word-wrapped to the width.
 * @example
 * hiddenColumnsNote({ hidden: ['Cache Hit', 'Models'], width: 80, fullWidth: 143, compact: false, isTTY: false })
 * // ['Hidden: Cache Hit, Models. Set COLUMNS=143 to see all.']
 */
export function hiddenColumnsNote(h: HiddenColumns): string[] {
  const wider =
    h.isTTY === true
      ? `Widen the terminal to ${h.fullWidth} columns`
      : h.isTTY === false
        ? `Set COLUMNS=${h.fullWidth}`
        : `Use ${h.fullWidth} columns (COLUMNS=${h.fullWidth})`;
  const how = h.compact ? `Run without it (${h.fullWidth} columns)` : wider;
  const also = h.seeAll === undefined ? '' : `, or use ${h.seeAll}`;
  const what = h.compact ? 'Hidden by --compact' : 'Hidden';
  return wrapWords(`${what}: ${h.hidden.join(', ')}. ${how} to see all${also}.`, h.width, '  ');
}
