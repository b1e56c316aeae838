/**
 * `tokenledger variance [--by label:KEY|parent] [--json]`: estimated against actual usage of tasks
 * with an estimate, per task and per group (e.g. `--by label:category`), with the median multiplier
 * that makes the next estimate better. Group totals count each token once (see variance-groups).
 * @module
 */
import { checkVarianceBy, type VarianceEntry, varianceReport } from '../../app/variance-report.js';
import { formatInt } from '../../util/format.js';
import { type CommonOptions, importNow, openSession } from '../context.js';
import { writeJson, writeOut } from '../io.js';
import { wrapWords } from '../render/wrap-words.js';
import { tableTarget, varianceTable } from '../task-tables.js';

function percent(e: VarianceEntry): string {
  if (e.variance.noUsageYet) return 'no usage yet';
  const v = e.variance.tokens ?? e.variance.usd;
  return v ? `${v.percent >= 0 ? '+' : ''}${v.percent}%` : '';
}

/** Set when the group totals count the task differently from its own row (a plan with estimated parts). */
function shareNote(e: VarianceEntry): string {
  if (e.share === null || (e.share.tokens === e.tokens && e.share.estimate === e.task.estimateTokens))
    return '';
  return `its group's totals count ${formatInt(e.share.tokens)} tokens of it against ${formatInt(e.share.estimate)}; the rest counts for the estimated tasks under it.`;
}

export async function runVariance(opts: CommonOptions & { by?: string }): Promise<number> {
  checkVarianceBy(opts.by);
  const session = await openSession(opts);
  try {
    if (opts.import !== false) await importNow(session, opts);
    const { multiple, entries, groups: summary, accuracy, json } = await varianceReport(session, opts.by);
    if (opts.json) {
      await writeJson(json());
      return 0;
    }
    if (entries.length === 0) {
      await writeOut(
        'No task has an estimate yet: `tokenledger task start ID --estimate 40k`, or `tokenledger task estimate ID 40k` (with --create for a task the ledger does not know yet).\n',
      );
      return 0;
    }
    const target = tableTarget(opts);
    const lines: string[] = [];
    for (const g of summary) {
      const waiting = g.noUsageYet > 0 ? `, ${g.noUsageYet} with no usage yet` : '';
      lines.push(
        ...wrapWords(
          g.noUsageYet === g.tasks
            ? `${g.group}: ${g.tasks} task(s), no usage yet`
            : `${g.group}: ${g.tasks} task(s), ${formatInt(g.actualTokens)} of ${formatInt(g.estimatedTokens)} estimated tokens${g.ratio === null ? '' : ` (${g.ratio.toFixed(2)}×)`}, median ${g.medianMultiplier === null ? '—' : `${g.medianMultiplier.toFixed(2)}×`}, ${g.overruns} over ${multiple}×${waiting}`,
          target.width,
          '  ',
        ),
      );
    }
    const rows = entries.map((e) => ({
      id: e.task.id,
      group: e.group,
      estimateTokens: e.task.estimateTokens,
      estimateUsd: e.task.estimateUsd,
      tokens: e.tokens,
      usd: e.usd,
      change: percent(e),
      overrun: e.variance.overrun,
    }));
    if (accuracy.share !== null)
      lines.push(
        ...wrapWords(
          `forecast accuracy: ${accuracy.within50} of ${accuracy.tasks} task(s) (${Math.round(accuracy.share * 100)}%) within ±50% of their estimate`,
          target.width,
          '  ',
        ),
      );
    lines.push(varianceTable(rows, opts.by !== undefined, target));
    for (const e of entries) {
      const note = shareNote(e);
      if (note !== '') lines.push(...wrapWords(`${e.task.id}: ${note}`, target.width, '  '));
    }
    await writeOut(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await session.store.close();
  }
}
