/**
 * The one-line overrun warning shared by hooks, `run` and the task commands.
 * @module
 */
import { type TaskStanding, worstRatio } from '../analysis/overrun.js';
import { formatCompact, formatUsd } from '../util/format.js';

/** The warning for a task past its overrun multiple, or null. */
export function overrunMessage(s: TaskStanding): string | null {
  if (!s.variance.overrun) return null;
  const parts: string[] = [];
  if (s.variance.tokens)
    parts.push(
      `${formatCompact(s.variance.tokens.actual)} of ${formatCompact(s.variance.tokens.estimate)} tokens`,
    );
  if (s.variance.usd)
    parts.push(`${formatUsd(s.variance.usd.actual)} of ${formatUsd(s.variance.usd.estimate)}`);
  return `task ${s.task.id} is at ${worstRatio(s.variance).toFixed(1)}× its estimate (${parts.join(', ')}; warning from ${s.variance.multiple}×)`;
}
