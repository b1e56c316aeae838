/**
 * The status line's text, from what src/app/status-figures.ts reads: the model, the session's cost,
 * the active task's cost against its estimate, and today's total.
 * @module
 */
import type { StatusFigures } from '../../app/status-figures.js';
import type { StatusInput } from '../../capture/claude/status-input.js';
import { formatCompact, formatUsd } from '../../util/format.js';

/** `$1.23`, or `$1.23+` when some usage is unpriced and left out, as in the reports. */
function usd(cost: number, partial: boolean): string {
  return `${formatUsd(cost)}${partial ? '+' : ''}`;
}

/** One line: `Sonnet · session $1.23 (45.6K tok) · T-12 $4.56 of 40.0K (1.2×) · today $12.34`. */
export function formatStatus(input: StatusInput, f: StatusFigures): string {
  const parts: string[] = [];
  if (input.model !== null) parts.push(input.model);
  parts.push(`session ${usd(f.sessionCost, f.sessionPartial)} (${formatCompact(f.sessionTokens)} tok)`);
  if (f.task !== null) {
    const est = [
      f.task.estimateTokens === null ? null : formatCompact(f.task.estimateTokens),
      f.task.estimateUsd === null ? null : formatUsd(f.task.estimateUsd),
    ].filter((x) => x !== null);
    const estimate = est.length > 0 ? ` of ${est.join(' / ')}` : '';
    const ratio = f.task.ratio === null ? '' : ` (${f.task.ratio.toFixed(1)}×)`;
    parts.push(
      `${f.task.overrun ? '⚠ ' : ''}${f.task.id} ${usd(f.task.cost, f.task.partial)}${estimate}${ratio}`,
    );
  }
  parts.push(`today ${usd(f.todayCost, f.todayPartial)}`);
  return parts.join(' · ');
}
