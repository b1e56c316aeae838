/**
 * `tokenledger forget`: removes what a user added by hand, or what one source added in a time range:
 * a task (with its spans, estimate, runs and declared telemetry; the usage captured for it stays,
 * unattributed), declared telemetry, `run` results, hook attribution, or API calls imported from
 * transcripts. A dry run by default: it shows exactly what would go (counts, tokens, cost) and what
 * would move; `--yes` does it. Forgotten API calls are remembered, so no import brings them back.
 * @module
 */

import type { UsageRow } from '../../analysis/usage-table.js';
import { addDays, parseDateFlag } from '../../analysis/zoned-time.js';
import { forgetUsage, type Priced } from '../../app/forget-usage.js';
import {
  FORGET_SOURCES,
  type ForgetOutcome,
  type ForgetSelection,
  type ForgetSource,
} from '../../ledger/forget.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { formatCost, formatInt } from '../../util/format.js';
import { totalTokens } from '../../util/token-counts.js';
import { type CommonOptions, clockOf, importNow, openSession } from '../context.js';
import { writeJson, writeOut } from '../io.js';

export interface ForgetFlags extends CommonOptions {
  task?: string;
  source?: ForgetSource;
  since?: string;
  until?: string;
  dryRun?: boolean;
  yes?: boolean;
}

function checkFlags(opts: ForgetFlags): void {
  if (opts.source === undefined && (opts.since !== undefined || opts.until !== undefined))
    throw new UserError(
      `--since and --until choose a time range of a source: add --source ${FORGET_SOURCES.join('|')}.`,
      ExitCode.usage,
    );
  if (opts.task === undefined && opts.source === undefined)
    throw new UserError(
      'say what to forget: --task ID (a task and what was added for it), or --source claude|run|hook|telemetry (with --since/--until for a time range).',
      ExitCode.usage,
    );
  if (opts.dryRun === true && opts.yes === true)
    throw new UserError(
      'choose --dry-run (show what would go) or --yes (forget it), not both.',
      ExitCode.usage,
    );
}

function usageText(row: UsageRow): string {
  const calls = row.sums.responses;
  const cost = row.unpriced.length > 0 ? `${formatCost(row.cost)} + unpriced` : formatCost(row.cost);
  return `${formatInt(calls)} API call${calls === 1 ? '' : 's'}, ${formatInt(totalTokens(row.sums))} tokens, ${cost}`;
}

function signed(n: number, text: (n: number) => string): string {
  return n < 0 ? `−${text(-n)}` : n > 0 ? `+${text(n)}` : text(0);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatInt(n)} ${n === 1 ? one : many}`;
}

function lines(o: ForgetOutcome, p: Priced, what: string): string[] {
  const out: string[] = [];
  const items: string[] = [];
  for (const t of o.tasks) {
    const estimate = [
      t.estimateTokens === null ? null : `${formatInt(t.estimateTokens)} tokens`,
      t.estimateUsd === null ? null : formatCost(t.estimateUsd),
    ].filter((x) => x !== null);
    items.push(
      `task ${t.id}${t.title === null ? '' : ` "${t.title}"`}${estimate.length > 0 ? ` (estimate ${estimate.join(' / ')})` : ''}`,
    );
  }
  const spanCount = Object.values(o.spans).reduce((a, b) => a + b, 0);
  if (spanCount > 0) {
    const by = Object.entries(o.spans)
      .map(([source, n]) => `${source} ${n}`)
      .join(', ');
    items.push(`${plural(spanCount, 'attribution span')} (declared by: ${by})`);
  }
  if (o.runs.count > 0)
    items.push(
      `${plural(o.runs.count, '`run` result')} (Claude Code reported ${formatCost(o.runs.claudeCostUsd)}; the usage of their sessions stays)`,
    );
  if (o.declared.taskIds.length > 0) {
    const counted =
      p.removedDeclared.sums.responses > 0
        ? `: ${usageText(p.removedDeclared)} counted in reports now`
        : ' (not counted now: captured usage of the task wins)';
    items.push(
      `declared telemetry of ${o.declared.taskIds.join(', ')}, ${plural(o.declared.entries, 'entry', 'entries')}${counted}`,
    );
  }
  if (o.errorLogEntries > 0) items.push(plural(o.errorLogEntries, 'error-log entry', 'error-log entries'));
  if (p.removedCalls.sums.responses > 0)
    items.push(
      `${usageText(p.removedCalls)} read from transcripts (remembered as forgotten, so no import brings them back)`,
    );
  out.push(`${what}`, ...items.map((i) => `  ${i}`));
  for (const m of p.moves)
    out.push(
      `Stays in the ledger, ${m.from === null ? 'moves from no task' : `leaves ${m.from}`} to ${m.to ?? 'no task'}: ${usageText(m.usage)}.`,
    );
  if (o.children.length > 0) {
    const to = o.children[0]?.parentId ?? null;
    out.push(
      `${o.children.length === 1 ? 'Child task' : 'Child tasks'} ${o.children.map((c) => c.id).join(', ')} ${o.children.length === 1 ? 'moves' : 'move'} up to ${to ?? 'the top level'}.`,
    );
  }
  const dTokens = totalTokens(p.after.sums) - totalTokens(p.before.sums);
  const dCost = p.after.cost - p.before.cost;
  const dCalls = p.after.sums.responses - p.before.sums.responses;
  out.push(
    dTokens === 0 && dCalls === 0
      ? "The ledger's totals stay the same (only what was declared by hand, or who usage is attributed to, changes)."
      : `The ledger's totals change by ${signed(dCalls, (n) => plural(n, 'API call'))}, ${signed(dTokens, (n) => `${formatInt(n)} tokens`)}, ${signed(dCost, (n) => formatCost(n))}.`,
  );
  return out;
}

export async function runForget(opts: ForgetFlags): Promise<number> {
  checkFlags(opts);
  const since = opts.since === undefined ? undefined : parseDateFlag(opts.since, '--since');
  const until = opts.until === undefined ? undefined : parseDateFlag(opts.until, '--until');
  if (since !== undefined && until !== undefined && since > until)
    throw new UserError(`--since ${since} is after --until ${until}; swap them.`, ExitCode.usage);
  const session = await openSession(opts);
  try {
    // What is new is imported first, so a time range holds everything up to now.
    if (opts.import !== false) await importNow(session, opts);
    const clock = clockOf(session, opts);
    const selection: ForgetSelection = {};
    if (opts.task !== undefined) selection.taskId = opts.task;
    if (opts.source !== undefined) selection.source = opts.source;
    if (since !== undefined) selection.fromMs = clock.startOf(since);
    if (until !== undefined) selection.toMs = clock.startOf(addDays(until, 1));
    const apply = opts.yes === true;
    const request = { task: opts.task, source: opts.source, since, until };
    const { outcome, empty, priced: p, json } = await forgetUsage(session, selection, request, apply);
    if (opts.json) {
      await writeJson(json());
      return 0;
    }
    if (empty) {
      await writeOut(`Nothing to forget: ${nothingReason(opts, since, until)}\n`);
      return 0;
    }
    const what = apply
      ? 'Forgot:'
      : 'Would forget (a dry run: nothing was changed; run it again with --yes to forget this):';
    await writeOut(`${lines(outcome, p, what).join('\n')}\n`);
    return 0;
  } finally {
    await session.store.close();
  }
}

function nothingReason(opts: ForgetFlags, since?: string, until?: string): string {
  const range =
    since === undefined && until === undefined ? '' : ` from ${since ?? 'the start'} to ${until ?? 'now'}`;
  if (opts.source === undefined)
    return `the ledger has no task ${opts.task} (\`tokenledger task list\` shows them).`;
  const what: Record<ForgetSource, string> = {
    claude: 'API calls from transcripts',
    run: '`run` results or run attribution',
    hook: 'hook attribution',
    telemetry: 'declared telemetry',
  };
  return `no ${what[opts.source]}${opts.task === undefined ? '' : ` of task ${opts.task}`}${range}.`;
}
