/**
 * `tokenledger compare --a FILTER --b FILTER [--seed N] [--json]`: an A/B verdict on two cohorts of
 * finished tasks (app/compare-cohorts.ts).
 * @module
 */
import { type CompareResult, compareTasks, type MetricJson } from '../../app/compare-cohorts.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { formatInt, formatUsd } from '../../util/format.js';
import { type CommonOptions, importNow, openSession } from '../context.js';
import { writeJson, writeOut } from '../io.js';
import { wrapWords } from '../render/wrap-words.js';
import { tableTarget } from '../task-tables.js';

export interface CompareOptions extends CommonOptions {
  a?: string;
  b?: string;
  seed?: string;
  resamples?: string;
}

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()))
    throw new UserError(`${flag} "${value}" is not a whole number.`, ExitCode.usage);
  return Number(value);
}

function figure(metric: MetricJson['metric'], value: number | null): string {
  if (value === null) return '—';
  if (metric === 'cost') return formatUsd(value);
  if (metric === 'duration') return `${(value / 60_000).toFixed(1)} min`;
  return formatInt(Math.round(value));
}

const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.round(Math.abs(x) * 100)}%`;

function metricLines(metrics: readonly MetricJson[]): string[] {
  const rows = [
    ['per task', 'median A', 'median B', 'change', '95% CI', 'verdict'],
    ...metrics.map((m) => [
      m.metric === 'turns' ? 'API calls' : m.metric,
      figure(m.metric, m.a.median),
      figure(m.metric, m.b.median),
      m.change === null ? '—' : signed(m.change.estimate),
      m.change === null ? '—' : `${signed(m.change.low)} to ${signed(m.change.high)}`,
      m.verdict === null ? 'none' : `B ${m.verdict}`,
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

export function compareText(r: CompareResult, width: number): string {
  const lines = [
    `A: ${r.a.filter} (${r.a.tasks} finished task${r.a.tasks === 1 ? '' : 's'})`,
    `B: ${r.b.filter} (${r.b.tasks} finished task${r.b.tasks === 1 ? '' : 's'})`,
  ];
  if (r.inBoth > 0) lines.push(`${r.inBoth} task(s) are in both cohorts: their filters overlap.`);
  if (r.a.unpricedTasks + r.b.unpricedTasks > 0)
    lines.push(
      ...wrapWords(
        `Tasks that used models without a price: ${r.a.unpricedTasks} in A, ${r.b.unpricedTasks} in B; their cost counts only the priced part (\`tokenledger daily\` names the models and says how to price them).`,
        width,
      ),
    );
  lines.push('', ...wrapWords(r.verdict, width, '  '), '', ...metricLines(r.metrics));
  for (const m of r.metrics.slice(1)) lines.push(...wrapWords(m.text, width, '  '));
  lines.push(
    '',
    ...wrapWords(
      `Medians per task with seeded bootstrap intervals (seed ${r.bootstrap.seed}, ${formatInt(r.bootstrap.resamples)} resamples); a verdict needs ${r.bootstrap.minTasksPerCohort}+ tasks per cohort and an interval that excludes 0.`,
      width,
    ),
  );
  return `${lines.join('\n')}\n`;
}

export async function runCompare(opts: CompareOptions): Promise<number> {
  if (opts.a === undefined || opts.b === undefined)
    throw new UserError(
      'give both cohorts: tokenledger compare --a FILTER --b FILTER, e.g. --a "label:workflow=v1" --b "label:workflow=v2".',
      ExitCode.usage,
    );
  const seed = integer(opts.seed, '--seed');
  const resamples = integer(opts.resamples, '--resamples');
  const session = await openSession(opts);
  try {
    if (opts.import !== false) await importNow(session, opts);
    const result = await compareTasks(session, {
      a: opts.a,
      b: opts.b,
      seed,
      resamples,
      timezone: opts.timezone,
      names: ['--a', '--b'],
    });
    if (opts.json) await writeJson(result);
    else await writeOut(compareText(result, tableTarget(opts).width));
    return 0;
  } finally {
    await session.store.close();
  }
}
