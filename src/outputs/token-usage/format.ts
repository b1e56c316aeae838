/**
 * Cost sums, text and Markdown helpers shared by the `/token-usage/` renderers. Nothing here reads
 * the locale, the clock or the disk, so the same input always gives the same text. Numbers are
 * written with the file style of `util/format.ts`:
 *
 * - Tokens: digits grouped by 3 with `,` (`12,345`).
 * - Dollars: 2 decimals (`$1.35`), 4 below one cent (`$0.0042`), `-$0.50` when negative.
 * - A missing cost (null) reads `unavailable` (seed 8.2: "Mark missing fields as `null` or
 *   `"unavailable"`"); a sum where only some costs are known is never shown as the total: it reads
 *   `$0.60 (partial: 5,000 tokens unpriced for model haiku)` (`for models a, b`, at most three
 *   named, then `and N more`), or `$0.60 (partial)` when the sum does not know what it left out.
 * - Shares: whole percents (`60%`), `<1%` for a non-zero share that rounds to 0.
 * - Text is put on one line (line breaks become spaces); table cells also escape `\` and `|`.
 * @module
 */
import {
  addCounts,
  addUsd,
  checkAmountOrNull,
  checkCount,
  checkCountOrNull,
} from '../../util/checked-numbers.js';
import { formatUsdPlain, groupDigits, UNAVAILABLE } from '../../util/format.js';
import type { UnpricedUsage } from './model.js';

/** Locale-independent string order (UTF-16 code units), for stable sorts. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A sum of costs some of which may be missing. */
export interface CostSum {
  /** Sum of the known costs (USD). */
  known: number;
  /** How many costs were summed, known or not. */
  count: number;
  /** How many of them were null. */
  missing: number;
  /** Tokens of the null costs (those added with their usage). */
  unpricedTokens: number;
  /** Models of the null costs (those added with their usage), each once, sorted. */
  unpricedModels: readonly string[];
}

/** The empty cost sum. */
export const NO_COST: CostSum = { known: 0, count: 0, missing: 0, unpricedTokens: 0, unpricedModels: [] };

/**
 * `sum` plus one cost (null when unavailable). `usage` (the tokens and model the cost is for) lets a
 * partial sum say what it leaves out.
 */
export function addCost(
  sum: CostSum,
  cost: number | null,
  usage?: { tokens: number; model: string },
): CostSum {
  if (cost !== null) return { ...sum, known: addUsd(sum.known, cost), count: sum.count + 1 };
  const models =
    usage === undefined || sum.unpricedModels.includes(usage.model)
      ? sum.unpricedModels
      : [...sum.unpricedModels, usage.model].sort(compareText);
  return {
    ...sum,
    count: sum.count + 1,
    missing: sum.missing + 1,
    unpricedTokens: addCounts(sum.unpricedTokens, usage?.tokens ?? 0, 'unpriced tokens'),
    unpricedModels: models,
  };
}

/** The total when every cost is known, else null. */
export function completeCost(sum: CostSum): number | null {
  return sum.missing === 0 ? sum.known : null;
}

/**
 * What a partial cost leaves out: `partial: 40,000 tokens unpriced for models a, b` (at most three
 * models named, sorted, then `and N more`); `partial` when nothing is known about it.
 */
export function partialNote(unpriced: UnpricedUsage | undefined): string {
  if (unpriced === undefined) return 'partial';
  const models = [...new Set(unpriced.models.map(oneLine))].sort(compareText);
  const named =
    models.length > 3 ? `${models.slice(0, 3).join(', ')} and ${models.length - 3} more` : models.join(', ');
  const which = models.length === 0 ? '' : ` for ${models.length === 1 ? 'model' : 'models'} ${named}`;
  return `partial: ${groupDigits(unpriced.totalTokens)} tokens unpriced${which}`;
}

/**
 * A cost that may leave usage out: `$1.35`; `unavailable` for null; `$0.60 (partial: 5,000 tokens
 * unpriced for model haiku)` when `unpriced` is given.
 */
export function formatCost(usd: number | null, unpriced?: UnpricedUsage): string {
  if (usd === null) return UNAVAILABLE;
  return unpriced === undefined ? formatUsdPlain(usd) : `${formatUsdPlain(usd)} (${partialNote(unpriced)})`;
}

/**
 * `$1.35`; `unavailable` when every cost is missing; `$0.60 (partial: 5,000 tokens unpriced for model
 * haiku)` when only some are (`$0.60 (partial)` when the missing ones were added without their usage).
 */
export function formatCostSum(sum: CostSum): string {
  if (sum.missing === 0) return formatUsdPlain(sum.known);
  if (sum.missing === sum.count) return UNAVAILABLE;
  if (sum.unpricedModels.length === 0) return `${formatUsdPlain(sum.known)} (${partialNote(undefined)})`;
  return formatCost(sum.known, { totalTokens: sum.unpricedTokens, models: sum.unpricedModels });
}

/** `text` on one line: each run of line breaks (and the spaces around it) becomes one space; trimmed. */
export function oneLine(text: string): string {
  return text.replace(/[^\S\r\n\u2028\u2029]*[\r\n\u2028\u2029]+\s*/g, ' ').trim();
}

/** `text` for a Markdown table cell: one line, `\` and `|` escaped. */
export function cell(text: string): string {
  return oneLine(text).replace(/[\\|]/g, '\\$&');
}

/** `text` in bold: one line, `\` and `*` escaped so the emphasis cannot break. */
export function strong(text: string): string {
  return `**${oneLine(text).replace(/[\\*]/g, '\\$&')}**`;
}

/** A Markdown table: header, `|---|` rule (as wide as each header, like seed 7.1), rows of escaped cells. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(headers),
    `|${headers.map((h) => '-'.repeat(h.length + 2)).join('|')}|`,
    ...rows.map((r) => line(r.map(cell))),
  ];
}

/** `1 task`, `2 tasks`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Throws unless `date` is a real calendar date written `YYYY-MM-DD`. */
export function checkDate(date: string, what: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ok =
    m !== null &&
    new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().startsWith(date);
  if (!ok) throw new Error(`${what} must be a date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  return date;
}

/** Throws unless `value` is a finite number in [0, 1]. */
export function checkFraction(value: number, what: string): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new Error(`${what} must be a fraction in [0, 1], got ${String(value)}`);
  }
  return value;
}

/** Throws unless `value` is a finite number (a saving may be negative). */
export function checkFinite(value: number, what: string): number {
  if (!Number.isFinite(value)) throw new Error(`${what} must be a finite number, got ${String(value)}`);
  return value;
}

export { addCounts, checkAmountOrNull, checkCount, checkCountOrNull };
