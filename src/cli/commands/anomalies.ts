/**
 * `tokenledger anomalies [--json]`: usage far above its robust baseline and leak patterns, each with
 * its evidence. `--json` prints the app function's result as it is; the text keeps every number on a
 * narrow terminal (a table that abbreviates before it drops figures, then wrapped evidence lines).
 * @module
 */
import path from 'node:path';
import type { Anomaly, AnomalyThresholds, RecordEvidence } from '../../analysis/anomalies/anomaly.js';
import { type AnomaliesReport, anomaliesReport } from '../../app/anomalies.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { formatInt } from '../../util/format.js';
import { type CommonOptions, importNow, openSession } from '../context.js';
import { writeJson, writeOut } from '../io.js';
import { renderTable } from '../render/table.js';
import { type TableCell, tokenCell } from '../render/table-spec.js';
import { wrapWords } from '../render/wrap-words.js';
import { tableTarget } from '../task-tables.js';

export interface AnomaliesCliOptions extends CommonOptions {
  since?: string;
  until?: string;
  days?: string;
  baselineDays?: string;
  project?: string;
  task?: string;
  minScore?: string;
  minRatio?: string;
  minBaseline?: string;
  minRequests?: string;
  leakGrowth?: string;
  leakReadShare?: string;
  minRewrites?: string;
}

/** Short names of the kinds, for the table's narrow column. */
function kindText(a: Anomaly): string {
  switch (a.kind) {
    case 'task-over-baseline':
      return 'task high';
    case 'stage-over-baseline':
      return 'stage high';
    case 'session-over-baseline':
      return 'session high';
    case 'day-over-baseline':
      return 'day high';
    case 'runaway-turns':
      return a.subject.task === undefined ? 'session turns' : 'task turns';
    case 'context-leak':
      return 'context leak';
    case 'cache-expiring':
      return 'cache expiry';
    case 'file-reread':
      return 'file reread';
  }
}

function numberFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new UserError(`${flag} "${value}" is not a number; give e.g. ${flag} 3.`, ExitCode.usage);
  return n;
}

function thresholdsOf(opts: AnomaliesCliOptions): Partial<AnomalyThresholds> {
  const given: Partial<AnomalyThresholds> = {};
  const set = (key: keyof AnomalyThresholds, flag: string, value: string | undefined) => {
    const n = numberFlag(flag, value);
    if (n !== undefined) given[key] = n;
  };
  set('minScore', '--min-score', opts.minScore);
  set('minRatio', '--min-ratio', opts.minRatio);
  set('minBaseline', '--min-baseline', opts.minBaseline);
  set('minRequests', '--min-requests', opts.minRequests);
  set('leakGrowth', '--leak-growth', opts.leakGrowth);
  set('leakMaxReadShare', '--leak-read-share', opts.leakReadShare);
  set('minRewrites', '--min-rewrites', opts.minRewrites);
  return given;
}

function subjectText(a: Anomaly): string {
  const s = a.subject;
  if (s.file !== undefined) return s.file;
  if (s.date !== undefined) return s.date;
  if (s.stage !== undefined) return `${s.task ?? ''} / ${s.stage}`;
  if (s.task !== undefined) return s.task;
  return `${s.session ?? ''}${s.agentId === undefined ? '' : ` / ${s.agentId}`}`;
}

function valueCell(metric: string, n: number): TableCell {
  if (metric === 'tokens' || metric === 'responses') return tokenCell(Math.round(n));
  if (metric === 'tokensPerEstimatedToken') return n.toFixed(2);
  if (metric === 'readsPerTask') return Number.isInteger(n) ? String(n) : n.toFixed(1);
  return `${(n * 100).toFixed(1)}%`;
}

function time(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

function recordLine(r: RecordEvidence): string {
  return `${r.dedupKey} ${time(r.ts)}${r.agentId === '' ? '' : ` agent ${r.agentId}`}: input ${formatInt(r.input)}, cache read ${formatInt(r.cacheRead)}, cache write ${formatInt(r.cacheWrite)}, output ${formatInt(r.output)}`;
}

function evidenceLines(a: Anomaly, i: number, width: number): string[] {
  const e = a.evidence;
  const lines = wrapWords(`${i + 1}. ${a.summary}`, width, '   ');
  const ids: string[] = [];
  if (e.tasks.length > 0) ids.push(`tasks: ${e.tasks.join(', ')}`);
  if (e.sessions.length > 0) ids.push(`sessions: ${e.sessions.join(', ')}`);
  ids.push(
    `${time(e.firstTs)} to ${time(e.lastTs)}, ${formatInt(e.responses)} API calls, ${formatInt(e.tokens.total)} tokens`,
  );
  for (const text of ids) lines.push(...wrapWords(text, width - 3, '  ').map((l) => `   ${l}`));
  for (const r of e.reads ?? []) {
    const line = `read by ${r.dedupKey} ${time(r.ts)}, task ${r.taskId ?? '(none)'}, session ${r.sessionId}${r.repeat ? ', repeat' : ''}`;
    lines.push(...wrapWords(line, width - 5, '  ').map((l) => `     ${l}`));
  }
  if (e.reads !== undefined && e.records.length > 0) lines.push('   API calls the repeat reads drove:');
  for (const r of e.records) lines.push(...wrapWords(recordLine(r), width - 5, '  ').map((l) => `     ${l}`));
  return lines;
}

export function renderAnomalies(report: AnomaliesReport, target: ReturnType<typeof tableTarget>): string {
  const c = report.checked;
  const head = `Anomalies from ${report.range.since} to ${report.range.until} (${report.range.timeZone}), against baselines from ${report.baseline.since}${report.project === null ? '' : ` in ${report.project}`}${report.task === null ? '' : `, about task ${report.task}`}. Checked ${formatInt(c.tasks)} tasks, ${formatInt(c.sessions)} sessions and ${formatInt(c.days)} days, and the API calls of ${formatInt(c.seriesSessions)} sessions.`;
  const lines = wrapWords(head, target.width);
  if (report.anomalies.length === 0) {
    lines.push('No anomalies: usage is within its baselines and shows no leak pattern.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    renderTable(
      {
        columns: [
          { header: '#', align: 'right', required: true },
          { header: 'Anomaly', required: true, truncate: 'end', minWidth: 8 },
          { header: 'Subject', required: true, truncate: 'end', minWidth: 10 },
          { header: 'Value', align: 'right', required: true },
          { header: 'Median', align: 'right', required: true },
          { header: '×', align: 'right', priority: 2 },
          { header: 'Score', align: 'right', priority: 1 },
          { header: 'Over', align: 'right', priority: 0 },
        ],
        rows: report.anomalies.map((a, i) => ({
          cells: [
            String(i + 1),
            kindText(a),
            subjectText(a),
            valueCell(a.baseline.metric, a.value),
            valueCell(a.baseline.metric, a.baseline.median),
            a.ratio === null ? '—' : `${a.ratio.toFixed(1)}×`,
            a.score.toFixed(1),
            a.overrun === null
              ? '—'
              : a.overrun.unit === 'reads'
                ? `${Math.max(0, Math.round(a.overrun.excess))} reads`
                : tokenCell(Math.max(0, Math.round(a.overrun.excess))),
          ],
        })),
      },
      { ...target, seeAll: '--json' },
    ),
  );
  lines.push('', 'Evidence:');
  report.anomalies.forEach((a, i) => {
    lines.push(...evidenceLines(a, i, target.width));
  });
  return `${lines.join('\n')}\n`;
}

export async function runAnomalies(opts: AnomaliesCliOptions): Promise<number> {
  const thresholds = thresholdsOf(opts);
  const days = numberFlag('--days', opts.days);
  const baselineDays = numberFlag('--baseline-days', opts.baselineDays);
  const session = await openSession(opts);
  try {
    if (opts.import !== false) await importNow(session, opts);
    const report = await anomaliesReport(session, {
      since: opts.since,
      until: opts.until,
      days,
      baselineDays,
      timezone: opts.timezone,
      projectDir: opts.project === undefined ? undefined : path.resolve(opts.project),
      task: opts.task,
      thresholds,
    });
    if (opts.json) await writeJson(report);
    else await writeOut(renderAnomalies(report, tableTarget(opts)));
    return 0;
  } finally {
    await session.store.close();
  }
}
