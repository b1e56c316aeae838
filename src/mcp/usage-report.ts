/**
 * MCP tool `usage_report`: a period at a glance (today, yesterday, this week, this month, the last N
 * days, a date range or everything): totals, cost by model and by agent, the most expensive tasks
 * and what no task holds, as JSON and as a few lines for people. The totals are those of
 * `tokenledger daily --json` over the same days (the same code).
 * @module
 */
import { z } from 'zod';
import { dimensionReport, periodReport, type ReportContext } from '../analysis/reports.js';
import type { UsageRow } from '../analysis/usage-table.js';
import { addDays, WEEKDAYS, type WeekStart } from '../analysis/zoned-time.js';
import { type LedgerSession, pricerOf, stageMapOf } from '../app/ledger-session.js';
import { usageFields } from '../app/usage-json.js';
import { formatInt, formatUsd } from '../util/format.js';
import { totalTokens } from '../util/token-counts.js';
import { given, type ScopeArgs, scopeInput, scopeOfArgs } from './scope.js';

export const USAGE_REPORT_DESCRIPTION =
  'A summary of token usage and cost for a period: totals, cost by model and by agent, the top tasks, and usage attributed to no task. Imports new Claude Code transcripts first. Returns JSON and a short text.';

export const PERIODS = ['today', 'yesterday', 'week', 'month', 'all'] as const;
export type PeriodName = (typeof PERIODS)[number];

export const usageReportInput = {
  period: z
    .enum(PERIODS)
    .optional()
    .describe(
      'today (default), yesterday, week (this week so far), month (this month so far) or all; ignored when days, since or until is given.',
    ),
  days: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .optional()
    .describe('The last N days, today included; ignored when since or until is given.'),
  ...scopeInput,
  top: z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe('How many of the most expensive tasks to list (default 5).'),
};

export interface UsageReportArgs extends ScopeArgs {
  period?: PeriodName | undefined;
  days?: number | undefined;
  top?: number | undefined;
}

const DEFAULT_TOP = 5;

const HEADINGS: Record<PeriodName, string> = {
  today: 'Usage today',
  yesterday: 'Usage yesterday',
  week: 'Usage this week',
  month: 'Usage this month',
  all: 'Usage, all time',
};

function line(row: UsageRow): string {
  return `${formatInt(totalTokens(row.sums))} tokens, ${formatUsd(row.cost)}${row.unpriced.length > 0 ? '+' : ''}`;
}

export async function usageReport(
  session: LedgerSession,
  args: UsageReportArgs,
  now: number = Date.now(),
): Promise<{ json: Record<string, unknown>; text: string }> {
  const scope = scopeOfArgs(session, args, 'asc');
  const today = scope.clock.dateOf(now);
  let name: string;
  let heading: string;
  if (given(args.since) !== undefined || given(args.until) !== undefined) {
    name = 'range';
    heading = 'Usage';
  } else if (args.days !== undefined) {
    name = 'days';
    heading = `Usage in the last ${args.days === 1 ? 'day' : `${args.days} days`}`;
    scope.since = addDays(today, 1 - args.days);
    scope.until = today;
  } else {
    const period = args.period ?? 'today';
    name = period;
    heading = HEADINGS[period];
    if (period === 'today') scope.since = scope.until = today;
    else if (period === 'yesterday') scope.since = scope.until = addDays(today, -1);
    else if (period === 'week') {
      scope.since = scope.clock.weekOf(now, scope.weekStart as WeekStart);
      scope.until = today;
    } else if (period === 'month') {
      scope.since = `${today.slice(0, 7)}-01`;
      scope.until = today;
    }
  }
  const pricer = pricerOf(session);
  const ctx: ReportContext = { store: session.store, pricer, mode: 'auto', stageMap: stageMapOf(session) };
  const byDay = await periodReport(ctx, 'day', scope);
  const descending = { ...scope, order: 'desc' as const };
  const byModel = await dimensionReport(ctx, ['model'], descending);
  const byAgent = await dimensionReport(ctx, ['agent'], descending);
  const byTask = await dimensionReport(ctx, ['task'], descending);
  const titles = new Map((await session.store.tasks()).map((t) => [t.id, t]));
  const top = byTask.rows.filter((r) => (r.label.task ?? '') !== '').slice(0, args.top ?? DEFAULT_TOP);
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
