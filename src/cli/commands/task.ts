/**
 * `tokenledger task start|stop|show|list|estimate|annotate`: tasks, their estimates, and what they
 * cost. Plans, sections and work items are tasks with parents; totals roll up the tree.
 * @module
 */
import fs from 'node:fs';
import { subtreeTotals, type TaskSummary, taskSummary, taskVariance } from '../../analysis/tasks.js';
import { emptyUsageRow, type UsageRow } from '../../analysis/usage-table.js';
import { checkName, parseLabels } from '../../capture/context/attribution-context.js';
import { parseEstimates } from '../../capture/context/estimate.js';
import { projectRoot } from '../../capture/context/project-root.js';
import { ExitCode, UserError } from '../../errors.js';
import {
  activeTaskIds,
  knownTask,
  requireTask,
  startTask,
  stopTask,
  taskStatus,
} from '../../ledger/task-actions.js';
import type { TaskRow } from '../../ledger/task-repository.js';
import { formatInt, formatPercent, formatUsd } from '../../util/format.js';
import { localDate } from '../../util/local-date.js';
import { cacheHitRate, totalTokens } from '../../util/token-counts.js';
import {
  type CliSession,
  type CommonOptions,
  importNow,
  openSession,
  pricerOf,
  stageMapOf,
} from '../context.js';
import { writeErr, writeJson, writeOut } from '../io.js';
import { appendMetrics, metricsFile, variancePercent } from '../metrics-log.js';
import { wrapWords } from '../render/wrap-words.js';
import { actualsSection, withActuals } from '../task-annotation.js';
import { tableTarget, taskBreakdownTable, taskListTable } from '../task-tables.js';
import { ccusageTokenFields, usageFields } from '../usage-json.js';

export interface TaskOptions extends CommonOptions {
  title?: string;
  stage?: string;
  estimate?: string[];
  parent?: string;
  label?: string[];
  project?: string;
  active?: boolean;
  create?: boolean;
}

const DEFAULT_OVERRUN = 4;

function overrunMultiple(session: CliSession): number {
  return session.loaded.config.overrunMultiple ?? DEFAULT_OVERRUN;
}

function projectOf(opts: TaskOptions): string {
  return projectRoot(opts.project ?? process.cwd());
}

async function summaryOf(session: CliSession, task: TaskRow): Promise<TaskSummary> {
  return taskSummary(
    { store: session.store, pricer: pricerOf(session), mode: 'auto' },
    task,
    stageMapOf(session),
    overrunMultiple(session),
  );
}

/** One line: what the task cost against its estimate, with a warning past the overrun multiple. */
export function costLine(s: TaskSummary): string {
  const t = totalTokens(s.total.sums);
  const parts = [
    `${formatInt(t)} tokens`,
    `${formatUsd(s.total.cost)}${s.total.unpriced.length > 0 ? '+' : ''}`,
  ];
  if (s.variance.noUsageYet) {
    parts.push(`no usage yet against the ${estimateText(s.task)} estimate`);
    return parts.join(', ');
  }
  if (s.variance.tokens)
    parts.push(
      `${s.variance.tokens.ratio.toFixed(1)}× the ${formatInt(s.variance.tokens.estimate)}-token estimate`,
    );
  if (s.variance.usd)
    parts.push(`${s.variance.usd.ratio.toFixed(1)}× the ${formatUsd(s.variance.usd.estimate)} estimate`);
  return parts.join(', ');
}

/** `40,000 tokens / $2.50`, or '' without an estimate. */
function estimateText(t: TaskRow): string {
  return [
    t.estimateTokens === null ? null : `${formatInt(t.estimateTokens)}-token`,
    t.estimateUsd === null ? null : formatUsd(t.estimateUsd),
  ]
    .filter(Boolean)
    .join(' / ');
}

export function overrunWarning(s: TaskSummary): string | null {
  if (!s.variance.overrun) return null;
  const worst = Math.max(s.variance.tokens?.ratio ?? 0, s.variance.usd?.ratio ?? 0);
  return `⚠ task ${s.task.id} is at ${worst.toFixed(1)}× its estimate (warning from ${s.variance.multiple}×).`;
}

export async function runTaskStart(id: string, opts: TaskOptions): Promise<number> {
  const taskId = checkName(id, 'task id');
  const estimate = parseEstimates(opts.estimate ?? []);
  const labels = parseLabels(opts.label ?? [], '--label');
  const stage = opts.stage === undefined ? undefined : checkName(opts.stage, '--stage');
  const parentId = opts.parent === undefined ? undefined : checkName(opts.parent, '--parent');
  const session = await openSession(opts);
  try {
    const project = projectOf(opts);
    const task = await startTask(
      session.store,
      {
        id: taskId,
        project,
        at: Date.now(),
        ...(opts.title !== undefined ? { title: opts.title } : {}),
        ...(stage !== undefined ? { stage } : {}),
        ...(parentId !== undefined ? { parentId } : {}),
        estimate,
        labels,
      },
      stageMapOf(session),
    );
    if (opts.json) await writeJson({ task: taskJson(task, new Set([task.id])) });
    else {
      const est = [
        task.estimateTokens === null ? null : `${formatInt(task.estimateTokens)} tokens`,
        task.estimateUsd === null ? null : formatUsd(task.estimateUsd),
      ]
        .filter(Boolean)
        .join(' / ');
      await writeOut(
        `Started ${task.id}${task.title ? ` (${task.title})` : ''} in ${project}${est ? `, estimate ${est}` : ''}${task.stage ? `, stage ${task.stage}` : ''}.\nUsage in this project is attributed to it from now on; \`tokenledger task stop\` ends it.\n`,
      );
    }
    return 0;
  } finally {
    await session.store.close();
  }
}

export async function runTaskStop(id: string | undefined, opts: TaskOptions): Promise<number> {
  const taskId = id === undefined ? undefined : checkName(id, 'task id');
  const session = await openSession(opts);
  try {
    // Import first: the task's last usage is in the transcripts until it is.
    if (opts.import !== false) await importNow(session, opts);
    const task = await stopTask(session.store, taskId, projectOf(opts), Date.now(), stageMapOf(session));
    const s = await summaryOf(session, task);
    appendMetrics(metricsFile(session.loaded.config.metricsFile), metricsEntry('task_stop', s));
    if (opts.json) await writeJson(summaryJson(s, await activeTaskIds(session.store)));
    else await writeOut(`Stopped ${task.id}: ${costLine(s)}.\n`);
    const warning = overrunWarning(s);
    if (warning !== null) writeErr(`${warning}\n`);
    return 0;
  } finally {
    await session.store.close();
  }
}

export function metricsEntry(event: string, s: TaskSummary): Record<string, unknown> {
  const actual = totalTokens(s.total.sums);
  return {
    event,
    task: s.task.id,
    title: s.task.title,
    parent: s.task.parentId,
    estimated: s.task.estimateTokens,
    actual,
    variance: variancePercent(s.task.estimateTokens, actual),
    estimatedUsd: s.task.estimateUsd,
    actualUsd: Math.round(s.total.cost * 1e6) / 1e6,
    varianceUsd: variancePercent(s.task.estimateUsd, s.total.cost),
    overrun: s.variance.overrun,
    ...ccusageTokenFields(s.total.sums),
    apiCalls: s.total.sums.responses,
    labels: s.task.labels,
    date: localDate(Date.now()),
    ts: new Date().toISOString(),
  };
}

/** The task as JSON; its status as {@link taskStatus} tells it, given the active tasks. */
function taskJson(t: TaskRow, active: ReadonlySet<string>) {
  return {
    id: t.id,
    title: t.title,
    parent: t.parentId,
    status: taskStatus(t, active),
    estimate: { tokens: t.estimateTokens, usd: t.estimateUsd },
    labels: t.labels,
    stage: t.stage,
    project: t.project,
    createdAt: new Date(t.createdAt).toISOString(),
    startedAt: t.startedAt === null ? null : new Date(t.startedAt).toISOString(),
    endedAt: t.endedAt === null ? null : new Date(t.endedAt).toISOString(),
  };
}

function breakdown(rows: UsageRow[], key: string) {
  return rows.map((r) => ({ [key]: r.label[key] || null, ...usageFields(r) }));
}

export function summaryJson(s: TaskSummary, active: ReadonlySet<string>) {
  return {
    task: taskJson(s.task, active),
    totals: usageFields(s.total),
    byModel: breakdown(s.byModel, 'model'),
    byStage: breakdown(s.byStage, 'stage'),
    byAgent: breakdown(s.byAgent, 'agent'),
    children: s.children.map((c) => ({ id: c.id, title: c.title, ...usageFields(c.total) })),
    runs: s.runs,
    variance: s.variance,
  };
}

export async function runTaskShow(id: string, opts: TaskOptions): Promise<number> {
  const taskId = checkName(id, 'task id');
  const session = await openSession(opts);
  try {
    if (opts.import !== false) await importNow(session, opts);
    const task = await requireTask(session.store, taskId);
    const s = await summaryOf(session, task);
    const active = await activeTaskIds(session.store);
    if (opts.json) {
      await writeJson(summaryJson(s, active));
      return 0;
    }
    const target = tableTarget(opts);
    const prose = [
      `${task.id}${task.title ? ` — ${task.title}` : ''} (${taskStatus(task, active)}${task.parentId ? `, in ${task.parentId}` : ''}${task.stage ? `, stage ${task.stage}` : ''})`,
      `  ${costLine(s)}`,
      `  ${formatInt(s.total.sums.responses)} API calls, cache hit ${formatPercent(cacheHitRate(s.total.sums.cacheRead, s.total.sums.input))}${s.runs.runs > 0 ? `, ${s.runs.runs} run(s): ${s.runs.numTurns} turns, API time ${(s.runs.durationApiMs / 1000).toFixed(1)} s` : ''}`,
    ];
    const warning = overrunWarning(s);
    if (warning !== null) prose.push(`  ${warning}`);
    const lines = prose.flatMap((l) => wrapWords(l, target.width, '    '));
    const table = taskBreakdownTable(s, target);
    if (table !== null) lines.push(table);
    await writeOut(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await session.store.close();
  }
}

export async function runTaskList(opts: TaskOptions): Promise<number> {
  const session = await openSession(opts);
  try {
    if (opts.import !== false) await importNow(session, opts);
    const active = await activeTaskIds(session.store);
    const all = (await session.store.tasks()).filter((t) => opts.active !== true || active.has(t.id));
    const ctx = { store: session.store, pricer: pricerOf(session), mode: 'auto' as const };
    const totals = await subtreeTotals(ctx, stageMapOf(session));
    const multiple = overrunMultiple(session);
    const rows = all.map((t) => {
      const total = totals.get(t.id) ?? emptyUsageRow({ task: t.id });
      return { task: t, total, variance: taskVariance(t, total, multiple) };
    });
    if (opts.json) {
      await writeJson({
        tasks: rows.map((r) => ({
          ...taskJson(r.task, active),
          actualTokens: totalTokens(r.total.sums),
          actualUsd: Math.round(r.total.cost * 1e6) / 1e6,
          variance: r.variance,
        })),
      });
      return 0;
    }
    if (rows.length === 0) {
      await writeOut(
        opts.active === true
          ? 'No task is active. Start one with `tokenledger task start ID --estimate 40k`.\n'
          : 'No tasks yet. Start one with `tokenledger task start ID --estimate 40k`.\n',
      );
      return 0;
    }
    const table = rows.map((r) => {
      const t = r.task;
      const v = r.variance.tokens ?? r.variance.usd;
      return {
        ...t,
        active: active.has(t.id),
        total: r.total,
        ratio: r.variance.noUsageYet ? 'no usage yet' : v ? `${v.ratio.toFixed(1)}×` : '',
        overrun: r.variance.overrun,
      };
    });
    await writeOut(`${taskListTable(table, tableTarget(opts))}\n`);
    return 0;
  } finally {
    await session.store.close();
  }
}

export async function runTaskEstimate(id: string, values: string[], opts: TaskOptions): Promise<number> {
  const taskId = checkName(id, 'task id');
  if (values.length === 0)
    throw new UserError('give the estimate: tokenledger task estimate ID 40k [$2.50]', ExitCode.usage);
  const estimate = parseEstimates(values, 'estimate');
  const session = await openSession(opts);
  try {
    // An unknown id is most likely a typo: create the task only when asked to (it is then open, not active).
    if (opts.create !== true && (await knownTask(session.store, taskId)) === null) {
      const given = values.map((v) => (/^[\w.,+-]+$/.test(v) ? v : `'${v}'`)).join(' ');
      throw new UserError(
        `there is no task ${taskId}. Add --create to create it (\`tokenledger task estimate ${taskId} ${given} --create\`), or start it with \`tokenledger task start ${taskId} --estimate ${given}\`.`,
        ExitCode.usage,
      );
    }
    const task = await session.store.saveTask({
      id: taskId,
      ...(estimate.tokens !== undefined ? { estimateTokens: estimate.tokens } : {}),
      ...(estimate.usd !== undefined ? { estimateUsd: estimate.usd } : {}),
    });
    if (opts.json) await writeJson({ task: taskJson(task, await activeTaskIds(session.store)) });
    else
      await writeOut(
        `${task.id}: estimate ${[task.estimateTokens === null ? null : `${formatInt(task.estimateTokens)} tokens`, task.estimateUsd === null ? null : formatUsd(task.estimateUsd)].filter(Boolean).join(' / ')}.\n`,
      );
    return 0;
  } finally {
    await session.store.close();
  }
}

export async function runTaskAnnotate(id: string, file: string, opts: TaskOptions): Promise<number> {
  const taskId = checkName(id, 'task id');
  const session = await openSession(opts);
  try {
    if (opts.import !== false) await importNow(session, opts);
    const task = await requireTask(session.store, taskId);
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new UserError(
          `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
          ExitCode.usage,
        );
      }
    }
    const next = withActuals(text, actualsSection(await summaryOf(session, task)));
    if (next !== text) fs.writeFileSync(file, next);
    if (!opts.json)
      await writeOut(
        next === text ? `${file}: actuals already up to date.\n` : `${file}: actuals updated.\n`,
      );
    else await writeJson({ file, changed: next !== text });
    return 0;
  } finally {
    await session.store.close();
  }
}
