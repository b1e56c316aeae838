/**
 * What the statusline shows: the session's cost, the active task's cost against its estimate, and
 * today's total, all from the ledger (after a quick targeted import of the session's transcript).
 * Every read goes through an index or the rollup, so it stays fast on a large ledger.
 * @module
 */
import path from 'node:path';
import { DEFAULT_OVERRUN_MULTIPLE, taskStanding, worstRatio } from '../../analysis/overrun.js';
import { daysCutByPriceChanges } from '../../analysis/reports.js';
import { UsageTableBuilder } from '../../analysis/usage-table.js';
import { ZonedClock } from '../../analysis/zoned-time.js';
import { projectRoot } from '../../capture/context/project-root.js';
import { currentTask } from '../../ledger/hook-actions.js';
import { importClaudeFiles } from '../../ledger/import-claude.js';
import type { LedgerStore } from '../../ledger/store.js';
import type { StageMap } from '../../ledger/task-repository.js';
import type { ImportOrigin } from '../../ledger/usage-repository.js';
import { BUCKET_MS } from '../../ledger/usage-sums.js';
import type { Pricer } from '../../pricing/pricer.js';
import { formatCompact, formatUsd } from '../../util/format.js';
import { totalTokens } from '../../util/token-counts.js';
import type { StatusInput } from './status-input.js';

export interface StatusOptions {
  pricer: Pricer;
  stageMap: StageMap;
  origin: ImportOrigin;
  overrunMultiple?: number;
  clock?: ZonedClock;
  now?: number;
}

/** A statusline refresh reads at most this much new transcript; hooks and imports do the rest. */
const STATUS_MAX_BYTES = 8 << 20;

/** Costs leave out usage without a price (an unknown model, fast mode without a fast rate): `partial` marks them. */
export interface StatusFigures {
  sessionCost: number;
  sessionPartial: boolean;
  sessionTokens: number;
  task: {
    id: string;
    cost: number;
    partial: boolean;
    tokens: number;
    estimate: string | null;
    ratio: number | null;
    overrun: boolean;
  } | null;
  todayCost: number;
  todayPartial: boolean;
}

export async function statusFigures(
  store: LedgerStore,
  input: StatusInput,
  options: StatusOptions,
): Promise<StatusFigures> {
  if (input.transcriptPath !== null) {
    try {
      await importClaudeFiles(store, [input.transcriptPath], {
        origin: options.origin,
        stageMap: options.stageMap,
        maxBytesPerFile: STATUS_MAX_BYTES,
        quietMissing: true,
      });
    } catch {
      // Locked by a long import: show what the ledger has.
    }
  }
  const ctx = { store, pricer: options.pricer, mode: 'auto' as const, stageMap: options.stageMap };
  const session = new UsageTableBuilder(options.pricer, 'auto');
  for (const r of await store.groups({ dimensions: [], filter: { session: input.sessionId }, grain: 'day' }))
    session.add('s', {}, r, { atMs: r.bucket * BUCKET_MS, firstTs: r.firstTs, lastTs: r.lastTs });
  const s = session.build().totals;

  const project = input.cwd === null ? null : projectRoot(path.resolve(input.cwd));
  const taskId = await currentTask(store, input.sessionId, project);
  let task: StatusFigures['task'] = null;
  if (taskId !== null) {
    const row = await store.task(taskId);
    if (row !== null) {
      const st = await taskStanding(ctx, row, options.overrunMultiple ?? DEFAULT_OVERRUN_MULTIPLE);
      const est = [
        row.estimateTokens === null ? null : formatCompact(row.estimateTokens),
        row.estimateUsd === null ? null : formatUsd(row.estimateUsd),
      ].filter((x) => x !== null);
      const ratio = worstRatio(st.variance);
      task = {
        id: row.id,
        cost: st.total.cost,
        partial: st.total.unpriced.length > 0,
        tokens: totalTokens(st.total.sums),
        estimate: est.length > 0 ? est.join(' / ') : null,
        ratio: ratio > 0 ? ratio : null,
        overrun: st.variance.overrun,
      };
    }
  }

  const clock = options.clock ?? ZonedClock.system();
  const now = options.now ?? Date.now();
  const date = clock.dateOf(now);
  const today = clock.localDay(now);
  const from = clock.startOf(date);
  const spans = clock.segments(from, clock.startOf(ZonedClock.dayString(today + 1)));
  const day = new UsageTableBuilder(options.pricer, 'auto');
  if (daysCutByPriceChanges(options.pricer, clock).has(today)) {
    // A price changed during this local day: each 15-minute bucket at its own price.
    for (const r of await store.groups({
      dimensions: [],
      filter: { fromMs: from, toMs: clock.startOf(ZonedClock.dayString(today + 1)) },
    }))
      day.add('d', {}, r, { atMs: r.bucket * BUCKET_MS, firstTs: r.firstTs, lastTs: r.lastTs });
  } else {
    for (const r of await store.days(spans))
      if (r.day === today) day.add('d', {}, r, { atMs: now, firstTs: now, lastTs: now });
  }
  const d = day.build().totals;
  return {
    sessionCost: s.cost,
    sessionPartial: s.unpriced.length > 0,
    sessionTokens: totalTokens(s.sums),
    task,
    todayCost: d.cost,
    todayPartial: d.unpriced.length > 0,
  };
}

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
    const ratio = f.task.ratio === null ? '' : ` (${f.task.ratio.toFixed(1)}×)`;
    parts.push(
      `${f.task.overrun ? '⚠ ' : ''}${f.task.id} ${usd(f.task.cost, f.task.partial)}${f.task.estimate === null ? '' : ` of ${f.task.estimate}`}${ratio}`,
    );
  }
  parts.push(`today ${usd(f.todayCost, f.todayPartial)}`);
  return parts.join(' · ');
}
