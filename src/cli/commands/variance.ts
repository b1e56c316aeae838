/**
 * `tokenledger variance [--by label:KEY|parent] [--json]`: estimated against actual usage of tasks
 * with an estimate, per task and per group (e.g. `--by label:category`), with the median multiplier
 * that makes the next estimate better. Group totals count each token once (see variance-groups).
 * @module
 */
import { type TaskVariance, taskTotals, taskVariance } from '../../analysis/tasks.js';
import { emptyUsageRow } from '../../analysis/usage-table.js';
import { type TokenShare, tokenShares, varianceGroup } from '../../analysis/variance-groups.js';
import { ExitCode, UserError } from '../../errors.js';
import type { TaskRow } from '../../ledger/task-repository.js';
import { formatInt } from '../../util/format.js';
import { totalTokens } from '../../util/token-counts.js';
import { type CommonOptions, importNow, openSession, pricerOf, stageMapOf } from '../context.js';
import { writeJson, writeOut } from '../io.js';
import { wrapWords } from '../render/wrap-words.js';
import { tableTarget, varianceTable } from '../task-tables.js';

interface Entry {
  task: TaskRow;
  group: string;
  /** The task's own tokens (not its descendants'). */
  ownTokens: number;
  /** The whole subtree's, which the estimate covers. */
  tokens: number;
  usd: number;
  variance: TaskVariance;
  /** What it adds to its group's totals; null when it adds nothing. */
  share: TokenShare | null;
}

function groupOf(task: TaskRow, by: string | undefined): string {
  if (by === undefined) return 'all';
  if (by === 'parent') return task.parentId ?? '(no parent)';
  return task.labels[by.slice(6)] ?? '(none)';
}

function percent(e: Entry): string {
  if (e.variance.noUsageYet) return 'no usage yet';
  const v = e.variance.tokens ?? e.variance.usd;
  return v ? `${v.percent >= 0 ? '+' : ''}${v.percent}%` : '';
}

/** Set when the group totals count the task differently from its own row (a plan with estimated parts). */
function shareNote(e: Entry): string {
  if (e.share === null || (e.share.tokens === e.tokens && e.share.estimate === e.task.estimateTokens))
    return '';
  return `its group's totals count ${formatInt(e.share.tokens)} tokens of it against ${formatInt(e.share.estimate)}; the rest counts for the estimated tasks under it.`;
}

export async function runVariance(opts: CommonOptions & { by?: string }): Promise<number> {
  if (opts.by !== undefined && opts.by !== 'parent' && !/^label:[A-Za-z0-9_.-]+$/.test(opts.by)) {
    throw new UserError(`--by "${opts.by}": use label:KEY (e.g. label:category) or parent.`, ExitCode.usage);
  }
  const session = await openSession(opts);
  try {
    if (opts.import !== false) await importNow(session, opts);
    const multiple = session.loaded.config.overrunMultiple ?? 4;
    const totals = await taskTotals(
      { store: session.store, pricer: pricerOf(session), mode: 'auto' },
      stageMapOf(session),
    );
    const all = await session.store.tasks();
    const ownTokens = (id: string) => {
      const own = totals.own.get(id);
      return own === undefined ? 0 : totalTokens(own.sums);
    };
    const shares = tokenShares(
      all.map((t) => ({
        id: t.id,
        parentId: t.parentId,
        estimateTokens: t.estimateTokens,
        ownTokens: ownTokens(t.id),
      })),
    );
    const entries: Entry[] = all
      .filter((t) => t.estimateTokens !== null || t.estimateUsd !== null)
      .map((task) => {
        const total = totals.subtree.get(task.id) ?? emptyUsageRow();
        return {
          task,
          group: groupOf(task, opts.by),
          ownTokens: ownTokens(task.id),
          tokens: totalTokens(total.sums),
          usd: total.cost,
          variance: taskVariance(task, total, multiple),
          share: shares.get(task.id) ?? null,
        };
      });
    const groups = new Map<string, Entry[]>();
    for (const e of entries) groups.set(e.group, [...(groups.get(e.group) ?? []), e]);
    const summary = [...groups.entries()].map(([group, list]) =>
      varianceGroup(
        group,
        list.map((e) => ({
          share: e.share,
          ratio: e.variance.tokens?.ratio ?? e.variance.usd?.ratio ?? null,
          noUsageYet: e.variance.noUsageYet,
          overrun: e.variance.overrun,
        })),
      ),
    );
    if (opts.json) {
      await writeJson({
        by: opts.by ?? null,
        overrunMultiple: multiple,
        groups: summary,
        tasks: entries.map((e) => ({
          id: e.task.id,
          group: e.group,
          estimatedTokens: e.task.estimateTokens,
          actualTokens: e.tokens,
          ownTokens: e.ownTokens,
          estimatedUsd: e.task.estimateUsd,
          actualUsd: Math.round(e.usd * 1e6) / 1e6,
          variance: e.variance,
          inGroupTotals:
            e.share === null ? null : { estimatedTokens: e.share.estimate, actualTokens: e.share.tokens },
        })),
      });
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
