/**
 * The bare `tokenledger` summary as lines that fit the terminal: each window's figures wrap only
 * between figures (never inside a number), and the per-model lines shorten model names, then
 * abbreviate numbers, before anything is cut.
 * @module
 */
import pc from 'picocolors';
import type { UsageRow } from '../../analysis/usage-table.js';
import type { SummaryWindow } from '../../app/usage-summary.js';
import { formatCompact, formatCost, formatInt, formatPercent } from '../../util/format.js';
import { cacheHitRate, totalTokens } from '../../util/token-counts.js';
import { displayWidth, padToWidth, truncateToWidth } from '../render/display-width.js';
import { shortModels } from '../render/short-names.js';
import { wrapWords } from '../render/wrap-words.js';

export type { SummaryWindow } from '../../app/usage-summary.js';

export interface SummaryLayout {
  width: number;
  color: boolean;
  /** `--compact`: short model names and abbreviated numbers whatever the width. */
  compact?: boolean;
  /** The time zone, shown beside each window's label. */
  timezone: string;
}

/** Shown per window. */
const TOP_MODELS = 5;

/** Joins `parts` with ` · `, starting a new line (indented) only between parts. */
function joinParts(parts: readonly string[], width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    const next = line === '' ? `${indent}${part}` : `${line} · ${part}`;
    if (line !== '' && displayWidth(next) > width) {
      lines.push(`${line} ·`);
      line = `${indent}${part}`;
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines;
}

function modelLines(models: UsageRow['models'], layout: SummaryLayout): string[] {
  const shown = models.slice(0, TOP_MODELS);
  const shorts = shortModels(models.map((m) => m.model));
  const forms: (readonly [boolean, boolean])[] = layout.compact
    ? [[true, true]]
    : [
        [false, false],
        [true, false],
        [true, true],
      ];
  let rows: string[][] = [];
  let widths: number[] = [];
  for (const [short, abbreviate] of forms) {
    rows = shown.map((m) => [
      short ? (shorts.get(m.model) ?? m.model) : m.model,
      `${(abbreviate ? formatCompact : formatInt)(totalTokens(m.sums))} tokens`,
      `${formatCost(m.cost)}${m.cost !== null && m.unpricedTokens > 0 ? '+' : ''}`,
    ]);
    widths = [0, 1, 2].map((i) => Math.max(0, ...rows.map((r) => displayWidth(r[i] ?? ''))));
    if (4 + (widths[0] ?? 0) + 2 + (widths[1] ?? 0) + 2 + (widths[2] ?? 0) <= layout.width) break;
  }
  const nameWidth = Math.max(
    4,
    Math.min(widths[0] ?? 0, layout.width - 8 - (widths[1] ?? 0) - (widths[2] ?? 0)),
  );
  return rows.map(
    ([name = '', tokens = '', cost = '']) =>
      `    ${padToWidth(truncateToWidth(name, nameWidth), nameWidth)}  ${padToWidth(tokens, widths[1] ?? 0, 'right')}  ${padToWidth(cost, widths[2] ?? 0, 'right')}`,
  );
}

/** One window: its label, its figures, and its top models. */
export function windowLines(w: SummaryWindow, layout: SummaryLayout): string[] {
  const c = pc.createColors(layout.color);
  const r = w.row;
  const lines = [`${c.bold(w.label)} ${c.dim(`(${layout.timezone})`)}`];
  if (r.sums.responses === 0) return [...lines, '  no usage'];
  const tokens = totalTokens(r.sums);
  const parts = [
    `${layout.compact ? formatCompact(tokens) : formatInt(tokens)} tokens`,
    c.yellow(r.unpriced.length > 0 ? `${formatCost(r.cost)}+` : formatCost(r.cost)),
    `cache hit ${formatPercent(cacheHitRate(r.sums.cacheRead, r.sums.input))}`,
    `${formatInt(r.sums.responses)} API calls`,
  ];
  if (w.sessions > 0) parts.push(`${w.sessions} session${w.sessions === 1 ? '' : 's'}`);
  return [...lines, ...joinParts(parts, layout.width, '  '), ...modelLines(r.models, layout)];
}

/** Dim prose under the summary, wrapped between words. */
export function footLines(text: string, layout: SummaryLayout): string[] {
  const c = pc.createColors(layout.color);
  return wrapWords(text, layout.width, '  ').map((l) => c.dim(l));
}
