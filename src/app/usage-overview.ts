/**
 * A period at a glance (MCP `usage_report`): totals, cost by model and by agent, the most expensive
 * tasks and what no task holds, as JSON and as a few lines for people. The totals are those of
 * `tokenledger daily --json` over the same days (the same code).
 * @module
 */
import { dimensionReport, periodReport, type ReportContext, type ReportScope } from '../analysis/reports.js';
import type { UsageRow } from '../analysis/usage-table.js';
import { WEEKDAYS } from '../analysis/zoned-time.js';
import { formatInt, formatUsd } from '../util/format.js';
import { totalTokens } from '../util/token-counts.js';
import { type LedgerSession, pricerOf, stageMapOf } from './ledger-session.js';
import { usageFields } from './usage-json.js';

function line(row: UsageRow): string {
  return `${formatInt(totalTokens(row.sums))} tokens, ${formatUsd(row.cost)}${row.unpriced.length > 0 ? '+' : ''}`;
}

export interface UsageOverviewOptions {
  /** The period's name in the JSON (`today`, `days`, `range`, …). */
  name: string;
  /** The text's first words, e.g. `Usage this week`. */
  heading: string;
  /** How many of the most expensive tasks to list. */
  top: number;
}

/** The overview of `scope`'s days. */
export async function usageOverview(
  session: LedgerSession,
  scope: ReportScope,
  { name, heading, top: topCount }: UsageOverviewOptions,
): Promise<{ json: Record<string, unknown>; text: string }> {
  const pricer = pricerOf(session);
  const ctx: ReportContext = { store: session.store, pricer, mode: 'auto', stageMap: stageMapOf(session) };
  const byDay = await periodReport(ctx, 'day', scope);
  const descending = { ...scope, order: 'desc' as const };
  const byModel = await dimensionReport(ctx, ['model'], descending);
  const byAgent = await dimensionReport(ctx, ['agent'], descending);
  const byTask = await dimensionReport(ctx, ['task'], descending);
  const titles = new Map((await session.store.tasks()).map((t) => [t.id, t]));
  const top = byTask.rows.filter((r) => (r.label.task ?? '') !== '').slice(0, topCount);
  const unattributed = byTask.rows.find((r) => (r.label.task ?? '') === '') ?? null;
  const totals = byDay.totals;

  const range =
    scope.since === undefined && scope.until === undefined
      ? ''
      : scope.since === scope.until
        ? `${scope.since}, `
        : `${scope.since ?? 'the start'} to ${scope.until ?? 'today'}, `;
  const text: string[] = [
    `${heading} (${range}${scope.clock.tz}): ${line(totals)}, ${formatInt(totals.sums.responses)} API calls.`,
  ];
  if (totals.sums.responses > 0) {
    text.push(
      `By model: ${byModel.rows.map((r) => `${r.label.model || '(unknown)'} ${line(r)}`).join('; ')}.`,
    );
    if (top.length > 0)
      text.push(
        `Top tasks: ${top.map((r) => `${r.label.task} ${line(r)}${titles.get(r.label.task ?? '')?.title ? ` (${titles.get(r.label.task ?? '')?.title})` : ''}`).join('; ')}.`,
      );
    if (unattributed !== null) text.push(`No task: ${line(unattributed)}.`);
  }

  const json = {
    period: {
      name,
      since: scope.since ?? null,
      until: scope.until ?? null,
      timezone: scope.clock.tz,
      startOfWeek: WEEKDAYS[scope.weekStart],
    },
    totals: usageFields(totals),
    byModel: byModel.rows.map((r) => ({ model: r.label.model ?? '', ...usageFields(r) })),
    byAgent: byAgent.rows.map((r) => ({ agent: r.label.agent ?? '', ...usageFields(r) })),
    topTasks: top.map((r) => {
      const t = titles.get(r.label.task ?? '');
      return {
        task: r.label.task ?? '',
        title: t?.title ?? null,
        estimate: t === undefined ? null : { tokens: t.estimateTokens, usd: t.estimateUsd },
        ...usageFields(r),
      };
    }),
    unattributed: unattributed === null ? null : usageFields(unattributed),
    byDay: byDay.rows.map((r) => ({
      date: r.label.date ?? '',
      totalTokens: totalTokens(r.sums),
      totalCost: usageFields(r).totalCost,
    })),
    meta: { costMode: 'auto', priceTable: pricer.version },
    summary: text.join('\n'),
  };
  return { json, text: text.join('\n') };
}
