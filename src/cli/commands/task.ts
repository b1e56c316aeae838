/**
 * `tokenledger task start|stop|show|list|estimate|annotate`: tasks, their estimates, and what they
 * cost. Plans, sections and work items are tasks with parents; totals roll up the tree.
 * @module
 */
import type { TaskSummary } from '../../analysis/tasks.js';
import { appendMetrics, metricsEntry, metricsFile } from '../../app/metrics-log.js';
import {
  activeTaskIds,
  requireTask,
  setTaskEstimate,
  startTask,
  stopTask,
  taskStatus,
} from '../../app/task-actions.js';
import {
  summaryJson,
  type TaskFilters,
  taskFiltersOf,
  taskJson,
  taskList,
  taskShow,
  taskSummaryOf,
} from '../../app/task-reports.js';
import { tasksEndedInSession } from '../../app/trackers/task-end-calls.js';
import { type TaskFileWrite, writeTaskActuals } from '../../app/trackers/task-file.js';
import { autoEstimate } from '../../app/usage-estimates.js';
import { checkName, parseLabels } from '../../capture/context/attribution-context.js';
import { parseEstimates } from '../../capture/context/estimate.js';
import { projectRoot } from '../../capture/context/project-root.js';
import type { TaskRow } from '../../ledger/task-repository.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { formatInt, formatPercent, formatUsd } from '../../util/format.js';
import { cacheHitRate, totalTokens } from '../../util/token-counts.js';
import { type CliSession, type CommonOptions, importNow, openSession, stageMapOf } from '../context.js';
import { writeErr, writeJson, writeOut } from '../io.js';
import { wrapWords } from '../render/wrap-words.js';
import { tableTarget, taskBreakdownTable, taskListTable } from '../task-tables.js';
import { CLI_SCOPE_NAMES } from './scope.js';

export interface TaskOptions extends CommonOptions {
  title?: string;
  stage?: string;
  estimate?: string[];
  parent?: string;
  label?: string[];
  project?: string;
  active?: boolean;
  create?: boolean;
  since?: string;
  until?: string;
}

/** `task list` and `task show`'s `--since`, `--until` and `--project`, checked as the reports check them. */
function filtersOf(session: CliSession, opts: TaskOptions): TaskFilters {
  return taskFiltersOf(session, opts, CLI_SCOPE_NAMES);
}

/** The filters in words (`from 2026-11-30 in /src/app`), '' without them. */
function filtersText(f: TaskFilters): string {
  return [
    f.since === undefined ? '' : `from ${f.since}`,
    f.until === undefined ? '' : `to ${f.until}`,
    f.project === undefined ? '' : `in ${f.project}`,
  ]
    .filter((p) => p !== '')
    .join(' ');
}

/** What the filters count, for the text output: '' without them. */
function filtersLine(f: TaskFilters): string {
  const text = filtersText(f);
  return text === '' ? '' : `Usage ${text} only; the comparison with the estimate is the whole task's.`;
}

function projectOf(opts: TaskOptions): string {
  return projectRoot(opts.project ?? process.cwd());
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
  const auto = opts.estimate?.includes('auto') === true;
  if (auto && opts.estimate?.length !== 1)
    throw new UserError(
      '--estimate auto stands alone: it sets both the token and the dollar estimate.',
      ExitCode.usage,
    );
  let estimate = auto ? {} : parseEstimates(opts.estimate ?? []);
  const labels = parseLabels(opts.label ?? [], '--label');
  const stage = opts.stage === undefined ? undefined : checkName(opts.stage, '--stage');
  const parentId = opts.parent === undefined ? undefined : checkName(opts.parent, '--parent');
  const session = await openSession(opts);
  try {
    const project = projectOf(opts);
    const basis = auto ? await autoEstimate(session, { id: taskId, labels, stage: stage ?? null }) : null;
    if (basis !== null) estimate = basis.estimate;
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
    if (opts.json)
      await writeJson({
        task: taskJson(task, new Set([task.id])),
        ...(basis === null ? {} : { estimateBasedOn: basis.basedOn }),
      });
    else {
      const est = [
        task.estimateTokens === null ? null : `${formatInt(task.estimateTokens)} tokens`,
        task.estimateUsd === null ? null : formatUsd(task.estimateUsd),
      ]
        .filter(Boolean)
        .join(' / ');
      await writeOut(
        `Started ${task.id}${task.title ? ` (${task.title})` : ''} in ${project}${est ? `, estimate ${est}` : ''}${basis === null ? '' : ` (${basis.basedOn.text})`}${task.stage ? `, stage ${task.stage}` : ''}.\nUsage in this project is attributed to it from now on; \`tokenledger task stop\` ends it.\n`,
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
    const stopped = await stopTask(session.store, taskId, projectOf(opts), Date.now(), stageMapOf(session));
    // Task files, workflow metrics, beads and onTaskEnd; a failure there is a warning, not the command's.
    const [ended] = await tasksEndedInSession(session, [stopped.id], 'task_stop', projectOf(opts));
    for (const p of ended?.problems ?? []) writeErr(`tokenledger: warning: ${p}\n`);
    const task = (await session.store.task(stopped.id)) ?? stopped;
    const s = await taskSummaryOf(session, task);
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

export async function runTaskShow(id: string, opts: TaskOptions): Promise<number> {
  const taskId = checkName(id, 'task id');
  const session = await openSession(opts);
  try {
    const filters = filtersOf(session, opts);
    if (opts.import !== false) await importNow(session, opts);
    const task = await requireTask(session.store, taskId);
    const { summary: s, active, json } = await taskShow(session, task, filters);
    if (opts.json) {
      await writeJson(json());
      return 0;
    }
    const target = tableTarget(opts);
    const prose = [
      `${task.id}${task.title ? ` — ${task.title}` : ''} (${taskStatus(task, active)}${task.parentId ? `, in ${task.parentId}` : ''}${task.stage ? `, stage ${task.stage}` : ''})`,
      ...(filtersLine(filters) === '' ? [] : [`  ${filtersLine(filters)}`]),
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
    const filters = filtersOf(session, opts);
    if (opts.import !== false) await importNow(session, opts);
    const { active, rows, json } = await taskList(session, { activeOnly: opts.active === true, filters });
    if (opts.json) {
      await writeJson(json());
      return 0;
    }
    const note = filtersLine(filters);
    if (rows.length === 0) {
      await writeOut(
        note !== ''
          ? `No task has usage ${filtersText(filters)}.\n`
          : opts.active === true
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
    const target = tableTarget(opts);
    const head = note === '' ? '' : `${wrapWords(note, target.width, '').join('\n')}\n`;
    await writeOut(`${head}${taskListTable(table, target)}\n`);
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
    const task = await setTaskEstimate(session.store, taskId, estimate, opts.create === true);
    if (task === null) {
      const given = values.map((v) => (/^[\w.,+-]+$/.test(v) ? v : `'${v}'`)).join(' ');
      throw new UserError(
        `there is no task ${taskId}. Add --create to create it (\`tokenledger task estimate ${taskId} ${given} --create\`), or start it with \`tokenledger task start ${taskId} --estimate ${given}\`.`,
        ExitCode.usage,
      );
    }
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
    let result: TaskFileWrite;
    try {
      result = writeTaskActuals(file, await taskSummaryOf(session, task), true);
    } catch (error) {
      throw new UserError(`${(error as Error).message}.`, ExitCode.usage);
    }
    if (!opts.json)
      await writeOut(
        result === 'unchanged' ? `${file}: actuals already up to date.\n` : `${file}: actuals updated.\n`,
      );
    else await writeJson({ file, changed: result === 'updated' });
    return 0;
  } finally {
    await session.store.close();
  }
}
