/**
 * What Claude Code's status line shows (`tokenledger statusline`): the session's cost, the active
 * task's cost against its estimate, and today's total, all from the ledger (after a quick targeted
 * import of the session's transcript). Every read goes through an index or the rollup, so it stays
 * fast on a large ledger.
 * @module
 */
import path from 'node:path';
import type { BudgetStatus } from '../analysis/budgets.js';
import { DEFAULT_OVERRUN_MULTIPLE, taskStanding, worstRatio } from '../analysis/overrun.js';
import { daysCutByPriceChanges } from '../analysis/reports.js';
import { UsageTableBuilder } from '../analysis/usage-table.js';
import { ZonedClock } from '../analysis/zoned-time.js';
import type { StatusInput } from '../capture/claude/status-input.js';
import { projectRoot } from '../capture/context/project-root.js';
import { loadConfig } from '../config/config.js';
import { ledgerLocation } from '../config/paths.js';
import { openLedger } from '../ledger/open-ledger.js';
import type { LedgerStore } from '../ledger/store.js';
import type { StageMap } from '../ledger/task-repository.js';
import type { ImportOrigin } from '../ledger/usage-repository.js';
import { BUCKET_MS } from '../ledger/usage-sums.js';
import { createPricer } from '../pricing/create-pricer.js';
import type { Pricer } from '../pricing/pricer.js';
import { totalTokens } from '../util/token-counts.js';
import { budgetsReachedIn } from './budget-notices.js';
import { currentTask } from './hook-actions.js';
import { importClaudeFiles } from './import/import-claude.js';
import { originOf } from './origin.js';

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
    estimateTokens: number | null;
    estimateUsd: number | null;
    /** The larger of the token and dollar ratios to the estimate; null without an estimate. */
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
      const ratio = worstRatio(st.variance);
      task = {
        id: row.id,
        cost: st.total.cost,
        partial: st.total.unpriced.length > 0,
        tokens: totalTokens(st.total.sums),
        estimateTokens: row.estimateTokens,
        estimateUsd: row.estimateUsd,
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

/** Where the ledger and config are (`statusline --db --config`); unset means the defaults. */
export interface StatusLedgerOptions {
  db?: string | undefined;
  config?: string | undefined;
}

/**
 * The figures for one status JSON, from the ledger the options name. A missing config file means the
 * defaults, and a ledger busy with a long write is waited for only briefly: the line must be quick.
 */
export async function statusLineFigures(
  input: StatusInput,
  options: StatusLedgerOptions,
): Promise<StatusFigures & { budgets: BudgetStatus[] }> {
  const { config } = await loadConfig(options.config, process.env, { missingIsDefault: true });
  const store = await openLedger(ledgerLocation(options.db), { busyTimeoutMs: 200 });
  try {
    const pricer = createPricer(config.pricing?.overrides);
    const figures = await statusFigures(store, input, {
      pricer,
      stageMap: config.stages ?? {},
      origin: originOf(config),
      ...(config.overrunMultiple === undefined ? {} : { overrunMultiple: config.overrunMultiple }),
    });
    return { ...figures, budgets: await budgetsReachedIn(store, config, () => pricer) };
  } finally {
    await store.close();
  }
}
