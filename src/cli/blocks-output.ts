/**
 * How the `blocks` report prints on a terminal: the table of blocks, and the active block's status
 * (burn rate, projection, token limit) as lines under it.
 * @module
 */

import type { BlockSummary } from '../analysis/blocks.js';
import type { BlocksReport } from '../analysis/blocks-report.js';

import type { ZonedClock } from '../analysis/zoned-time.js';
import { limitStatusOf } from '../app/blocks-usage.js';
import { formatCost, formatInt, formatPercent, formatUsd } from '../util/format.js';
import { totalTokens } from '../util/token-counts.js';
import { wrap } from './commands/print-usage.js';
import { renderTable, type TableCell, type TableColumn, type TableRow, tokenCell } from './render/table.js';
import { shortModel, usageNotes } from './usage-output.js';

const MINUTE_MS = 60_000;

export interface BlocksView {
  report: BlocksReport;
  clock: ZonedClock;
  nowMs: number;
  /** The token limit in force (--token-limit), or null. */
  limit: number | null;
  breakdown: boolean;
  /** The cost mode, for the title. */
  mode: string;
}

/** `2026-12-07 09:00` in the report's time zone. */
export function localTime(clock: ZonedClock, ms: number): string {
  return new Date(ms + clock.offset(ms)).toISOString().slice(0, 16).replace('T', ' ');
}

/** `2h 5m`, `45m` (whole minutes, rounded down). */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / MINUTE_MS));
  const h = Math.floor(minutes / 60);
  return h > 0 ? `${h}h ${minutes % 60}m` : `${minutes}m`;
}

function costText(b: Pick<BlockSummary, 'usage'>): string {
  const u = b.usage;
  if (u.unpriced.length > 0 && u.unpriced.length === u.models.length) return formatCost(null);
  return u.unpriced.length > 0 ? `${formatUsd(u.cost)}+` : formatUsd(u.cost);
}

function statusText(b: BlockSummary, nowMs: number): string {
  if (b.isGap) return `${Math.floor((b.endMs - b.startMs) / 3_600_000)}h gap`;
  if (b.isActive) return `ACTIVE, ${duration(b.endMs - nowMs)} left`;
  return duration((b.actualEndMs ?? b.startMs) - b.startMs);
}

export function renderBlocksTable(
  view: BlocksView,
  opts: { width: number; color: boolean; compact?: boolean; isTTY?: boolean },
): string {
  const { report, limit } = view;
  const withLimit = limit !== null;
  const columns: TableColumn[] = [
    { header: 'Block Start', required: true },
    { header: 'Status', required: true, truncate: 'end', minWidth: 7 },
    ...(view.breakdown ? [] : [{ header: 'Models', priority: 0, truncate: 'end' as const }]),
    { header: 'Input', align: 'right', priority: 4 },
    { header: 'Output', align: 'right', priority: 4 },
    { header: 'Cache Create', align: 'right', priority: 2 },
    { header: 'Cache Read', align: 'right', priority: 3 },
    { header: 'Total Tokens', align: 'right', required: true },
    ...(withLimit ? [{ header: '% of Limit', align: 'right' as const, required: true }] : []),
    { header: 'Cost (USD)', align: 'right', required: true },
  ];
  const numbers = (s: BlockSummary['usage']['sums']): TableCell[] => [
    tokenCell(s.input),
    tokenCell(s.output),
    tokenCell(s.cacheWrite),
    tokenCell(s.cacheRead),
    tokenCell(totalTokens(s)),
  ];
  const rows: TableRow[] = [];
  for (const b of report.blocks) {
    const start = localTime(view.clock, b.startMs);
    const models = view.breakdown ? [] : [b.models.map(shortModel).join(', ') || '-'];
    if (b.isGap) {
      const dash = Array.from({ length: 5 + (withLimit ? 1 : 0) + 1 }, () => '-');
      rows.push({ cells: [start, statusText(b, view.nowMs), ...models, ...dash] });
      continue;
    }
    const total = totalTokens(b.usage.sums);
    rows.push({
      cells: [
        start,
        statusText(b, view.nowMs),
        ...models,
        ...numbers(b.usage.sums),
        ...(withLimit ? [formatPercent(total / limit)] : []),
        costText(b),
      ],
    });
    if (view.breakdown) {
      for (const m of b.usage.models) {
        rows.push({
          sub: true,
          cells: [
            shortModel(m.model),
            '',
            ...numbers(m.sums),
            ...(withLimit ? [''] : []),
            formatCost(m.cost),
          ],
        });
      }
    }
    if (b.projection !== null) {
      const p = b.projection;
      rows.push({
        sub: true,
        cells: [
          'projected',
          `at ${localTime(view.clock, b.endMs).slice(11)}`,
          ...models.map(() => ''),
          '',
          '',
          '',
          '',
          tokenCell(p.totalTokens),
          ...(withLimit ? [formatPercent(p.totalTokens / limit)] : []),
          formatUsd(p.totalCost),
        ],
      });
    }
  }
  const t = report.totals;
  const footer: TableCell[] = [
    'Total',
    '',
    ...(view.breakdown ? [] : ['']),
    ...numbers(t.sums),
    ...(withLimit ? [''] : []),
    costText({ usage: t }),
  ];
  return renderTable({ columns, rows, footer }, { ...opts, seeAll: '--json' });
}

/** The active block's status: time left, usage, burn rate, projection and token limit, as lines. */
export function activeBlockLines(
  b: BlockSummary,
  view: Pick<BlocksView, 'clock' | 'nowMs' | 'limit'>,
): string[] {
  const at = (ms: number) => localTime(view.clock, ms);
  const u = b.usage;
  const lines = [
    `Active block: ${at(b.startMs)} to ${at(b.endMs).slice(11)} (${view.clock.tz})`,
    `  Time:       ${duration(view.nowMs - b.startMs)} elapsed, ${duration(b.endMs - view.nowMs)} left`,
    `  Usage:      ${formatInt(totalTokens(u.sums))} tokens, ${costText(b)} in ${formatInt(b.entries)} responses (${b.models.map(shortModel).join(', ')})`,
  ];
  if (b.burnRate !== null) {
    lines.push(
      `  Burn rate:  ${formatInt(b.burnRate.tokensPerMinute)} tokens/min, ${formatUsd(b.burnRate.costPerHour)}/h`,
    );
  } else {
    lines.push('  Burn rate:  not yet (one response so far)');
  }
  if (b.projection !== null) {
    lines.push(
      `  Projected:  ${formatInt(b.projection.totalTokens)} tokens, ${formatUsd(b.projection.totalCost)} by ${at(b.endMs).slice(11)} at this rate`,
    );
  }
  const status = limitStatusOf(b, view.limit);
  if (status !== null) {
    const used = formatPercent(totalTokens(u.sums) / status.limit);
    lines.push(
      `  Limit:      ${formatInt(status.limit)} tokens: ${used} used, ${status.percentUsed.toFixed(1)}% ${b.projection === null ? 'so far' : 'projected'} (${status.status})`,
    );
  }
  return lines;
}

/** A warning when the active block is projected above 80% of the limit, or above it; else null. */
export function limitWarning(b: BlockSummary, limit: number | null): string | null {
  const status = limitStatusOf(b, limit);
  if (status === null || status.status === 'ok') return null;
  const what = b.projection === null ? 'has used' : 'is projected to use';
  const verdict = status.status === 'exceeds' ? 'over the limit' : 'near the limit';
  return `the active block ${what} ${formatInt(status.projectedUsage)} tokens, ${status.percentUsed.toFixed(1)}% of the ${formatInt(status.limit)}-token limit: ${verdict}.`;
}

/**
 * The whole report as text: with `activeOnly` the active block's status alone, else a title, the
 * table, the active block's status and notes. The limit warning comes apart, for stderr.
 */
export function blocksText(
  view: BlocksView,
  opts: { width: number; color: boolean; compact?: boolean; isTTY?: boolean; activeOnly: boolean },
): { text: string; warning: string | null } {
  const { report } = view;
  const active = report.blocks.find((b) => b.isActive) ?? null;
  const warning = active === null ? null : limitWarning(active, view.limit);
  const hours = (b: BlockSummary) => (b.endMs - b.startMs) / 3_600_000;
  if (opts.activeOnly) {
    if (active === null)
      return { text: 'No active block: nothing was used in the current billing window.\n', warning };
    return { text: `${activeBlockLines(active, view).join('\n')}\n`, warning };
  }
  if (report.blocks.length === 0) {
    return {
      text: 'No billing blocks: no usage in the ledger yet, or none in that range. Run `tokenledger status` to see what the ledger holds.\n',
      warning,
    };
  }
  const first = report.blocks.find((b) => !b.isGap);
  const title = `Billing blocks${first === undefined ? '' : ` of ${hours(first)} h`} (${view.clock.tz}, cost: ${view.mode})`;
  const parts = [title, renderBlocksTable(view, opts)];
  if (active !== null) parts.push('', ...activeBlockLines(active, view));
  const notes = usageNotes({ rows: [], totals: report.totals });
  if (notes.length > 0) parts.push('', ...notes.map((n) => wrap(`note: ${n}`, opts.width)));
  return { text: `${parts.join('\n')}\n`, warning };
}
