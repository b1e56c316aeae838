/**
 * `tokenledger variance [--by label:KEY] [--json]`: estimated against actual usage of tasks with an
 * estimate, per task and per group (e.g. `--by label:category`), with the median multiplier that
 * makes the next estimate better.
 * @module
 */
import { subtreeTotals, type TaskVariance, taskVariance } from '../../analysis/tasks.js';
import { emptyUsageRow, totalTokens } from '../../analysis/usage-table.js';
import { ExitCode, UserError } from '../../errors.js';
import type { TaskRow } from '../../ledger/store.js';
import { type CommonOptions, importNow, openSession, pricerOf, stageMapOf } from '../context.js';
import { writeJson, writeOut } from '../io.js';
import { formatInt } from '../render/format.js';
import { wrapWords } from '../render/wrap-words.js';
import { tableTarget, varianceTable } from '../task-tables.js';

interface Entry {
  task: TaskRow;
  tokens: number;
  usd: number;
  variance: TaskVariance;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? null) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

function groupOf(task: TaskRow, by: string | undefined): string {
  if (by === undefined) return 'all';
  if (by === 'parent') return task.parentId ?? '(no parent)';
  return task.labels[by.slice(6)] ?? '(none)';
}

export async function runVariance(opts: CommonOptions & { by?: string }): Promise<number> {
  if (opts.by !== undefined && opts.by !== 'parent' && !/^label:[A-Za-z0-9_.-]+$/.test(opts.by)) {
    throw new UserError(`--by "${opts.by}": use label:KEY (e.g. label:category) or parent.`, ExitCode.usage);
  }
  const session = await openSession(opts);
  try {
    if (opts.import !== false) await importNow(session, opts);
    const multiple = session.loaded.config.overrunMultiple ?? 4;
    const totals = await subtreeTotals(
      { store: session.store, pricer: pricerOf(session), mode: 'auto' },
      stageMapOf(session),
    );
    const entries: Entry[] = (await session.store.tasks())
      .filter((t) => t.estimateTokens !== null || t.estimateUsd !== null)
      .map((task) => {
        const total = totals.get(task.id) ?? emptyUsageRow();
        return {
          task,
          tokens: totalTokens(total.sums),
          usd: total.cost,
          variance: taskVariance(task, total, multiple),
        };
      });
    const groups = new Map<string, Entry[]>();
    for (const e of entries) {
      const g = groupOf(e.task, opts.by);
      groups.set(g, [...(groups.get(g) ?? []), e]);
    }
    const summary = [...groups.entries()].map(([group, list]) => {
      const ratios = list
        .map((e) => e.variance.tokens?.ratio ?? e.variance.usd?.ratio)
        .filter((r): r is number => r !== undefined);
      const estTokens = list.reduce((n, e) => n + (e.task.estimateTokens ?? 0), 0);
      const actTokens = list.reduce((n, e) => n + (e.task.estimateTokens === null ? 0 : e.tokens), 0);
      return {
        group,
        tasks: list.length,
        estimatedTokens: estTokens,
        actualTokens: actTokens,
        ratio: estTokens > 0 ? actTokens / estTokens : null,
        medianMultiplier: median(ratios),
        overruns: list.filter((e) => e.variance.overrun).length,
      };
    });
    if (opts.json) {
      await writeJson({
        by: opts.by ?? null,
        overrunMultiple: multiple,
        groups: summary,
        tasks: entries.map((e) => ({
          id: e.task.id,
          group: groupOf(e.task, opts.by),
          estimatedTokens: e.task.estimateTokens,
          actualTokens: e.tokens,
          estimatedUsd: e.task.estimateUsd,
          actualUsd: Math.round(e.usd * 1e6) / 1e6,
          variance: e.variance,
        })),
      });
      return 0;
    }
    if (entries.length === 0) {
      await writeOut(
        'No task has an estimate yet: `tokenledger task start ID --estimate 40k` or `tokenledger task estimate ID 40k`.\n',
      );
      return 0;
    }
    const target = tableTarget(opts);
    const lines: string[] = [];
    for (const g of summary) {
      lines.push(
        ...wrapWords(
          `${g.group}: ${g.tasks} task(s), ${formatInt(g.actualTokens)} of ${formatInt(g.estimatedTokens)} estimated tokens${g.ratio === null ? '' : ` (${g.ratio.toFixed(2)}×)`}, median ${g.medianMultiplier === null ? '—' : `${g.medianMultiplier.toFixed(2)}×`}, ${g.overruns} over ${multiple}×`,
          target.width,
          '  ',
        ),
      );
    }
    const rows = entries.map((e) => {
      const v = e.variance.tokens ?? e.variance.usd;
      return {
        id: e.task.id,
        group: groupOf(e.task, opts.by),
        estimateTokens: e.task.estimateTokens,
        estimateUsd: e.task.estimateUsd,
        tokens: e.tokens,
        usd: e.usd,
        change: v ? `${v.percent >= 0 ? '+' : ''}${v.percent}%` : '',
        overrun: e.variance.overrun,
      };
    });
    lines.push(varianceTable(rows, opts.by !== undefined, target));
    await writeOut(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await session.store.close();
  }
}
