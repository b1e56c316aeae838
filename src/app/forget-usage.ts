/**
 * Forgetting what a user added by hand, or what one source added in a time range (`tokenledger
 * forget`): the store does it in one transaction (or, for a dry run, shows it and rolls back); this
 * prices what goes and what moves as reports price it, and builds the JSON `--json` prints.
 * @module
 */
import { type UsageRow, UsageTableBuilder } from '../analysis/usage-table.js';
import {
  type ForgetOutcome,
  type ForgetSelection,
  type ForgetSource,
  isEmptyOutcome,
} from '../ledger/forget.js';
import type { GroupRow } from '../ledger/usage-repository.js';
import { BUCKET_MS } from '../ledger/usage-sums.js';
import type { Pricer } from '../pricing/pricer.js';
import { type LedgerSession, pricerOf, stageMapOf } from './ledger-session.js';
import { usageFields } from './usage-json.js';

/** The usage of `rows`, priced as reports price it (cost mode auto). */
function priced(pricer: Pricer, rows: readonly GroupRow[]): UsageRow {
  const b = new UsageTableBuilder(pricer, 'auto');
  for (const r of rows)
    b.add('all', {}, r, { atMs: r.bucket * BUCKET_MS, firstTs: r.firstTs, lastTs: r.lastTs });
  return b.build().totals;
}

/** What goes and what moves, priced. */
export interface Priced {
  removedCalls: UsageRow;
  removedDeclared: UsageRow;
  before: UsageRow;
  after: UsageRow;
  moves: { from: string | null; to: string | null; usage: UsageRow }[];
}

/** What was asked for, as the JSON names it (days as given, before the clock made them times). */
export interface ForgetRequest {
  task?: string | undefined;
  source?: ForgetSource | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

export interface ForgetResult {
  outcome: ForgetOutcome;
  /** Nothing matched the selection: nothing went and nothing moved. */
  empty: boolean;
  priced: Priced;
  json: () => ReturnType<typeof outcomeJson>;
}

/** Forgets `selection` (`apply`), or shows what it would forget (a dry run). */
export async function forgetUsage(
  session: LedgerSession,
  selection: ForgetSelection,
  request: ForgetRequest,
  apply: boolean,
): Promise<ForgetResult> {
  const outcome = await session.store.forget(selection, { apply, stageMap: stageMapOf(session) });
  const pricer = pricerOf(session);
  const p: Priced = {
    removedCalls: priced(pricer, outcome.removedCalls),
    removedDeclared: priced(pricer, outcome.removedDeclared),
    before: priced(pricer, outcome.before),
    after: priced(pricer, outcome.after),
    moves: outcome.reattributed.map((m) => ({ from: m.from, to: m.to, usage: priced(pricer, m.usage) })),
  };
  return { outcome, empty: isEmptyOutcome(outcome), priced: p, json: () => outcomeJson(outcome, p, request) };
}

function outcomeJson(o: ForgetOutcome, p: Priced, request: ForgetRequest) {
  const before = usageFields(p.before);
  const after = usageFields(p.after);
  return {
    dryRun: !o.applied,
    selection: {
      task: request.task ?? null,
      source: request.source ?? null,
      since: request.since ?? null,
      until: request.until ?? null,
    },
    tasks: o.tasks.map((t) => ({
      id: t.id,
      title: t.title,
      parent: t.parentId,
      estimate: { tokens: t.estimateTokens, usd: t.estimateUsd },
    })),
    children: o.children.map((c) => ({ id: c.id, parent: c.parentId })),
    spans: o.spans,
    runs: { count: o.runs.count, claudeCodeCostUsd: o.runs.claudeCostUsd },
    declared: {
      taskIds: o.declared.taskIds,
      entries: o.declared.entries,
      counted: usageFields(p.removedDeclared),
    },
    errorLogEntries: o.errorLogEntries,
    apiCalls: usageFields(p.removedCalls),
    remembered: o.remembered,
    reattributed: p.moves.map((m) => ({ from: m.from, to: m.to, ...usageFields(m.usage) })),
    ledgerChange: {
      responses: after.responses - before.responses,
      totalTokens: after.totalTokens - before.totalTokens,
      totalCost: Math.round((after.totalCost - before.totalCost) * 1e10) / 1e10,
    },
  };
}
