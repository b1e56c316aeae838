/**
 * What a finished task leaves in other tools: the beads comment (`bd comments add`), the summary
 * file an `onTaskEnd` command reads, and the workflow metrics lines (`.claude/workflow-metrics.jsonl`).
 * Pure: numbers in, text out. Total tokens are plain integers, so `bd comments ID | grep` finds them.
 * @module
 */
import type { TaskSummary } from '../analysis/tasks.js';
import type { UsageRow } from '../analysis/usage-table.js';
import type { UsageSums } from '../ledger/usage-sums.js';
import { totalTokens } from '../util/token-counts.js';

function usd(n: number): string {
  return `$${(Math.round(n * 1e4) / 1e4).toFixed(4)}`;
}

function kinds(s: UsageSums): string {
  return `input ${s.input}, output ${s.output}, cache write ${s.cacheWrite}, cache read ${s.cacheRead}`;
}

function line(what: string, r: UsageRow): string {
  return `${what}: ${totalTokens(r.sums)} tokens (${kinds(r.sums)}), ${usd(r.cost)}${r.unpriced.length > 0 ? '+' : ''}, ${r.sums.responses} API calls`;
}

/** The tokens-and-cost text of a finished task: one line for the task, one per stage and per model. */
export function taskEndText(s: TaskSummary): string {
  const estimate = s.task.estimateTokens;
  const v = s.variance.tokens;
  const head = [
    `tokenledger actuals for ${s.task.id}: ${totalTokens(s.total.sums)} tokens, ${usd(s.total.cost)}${s.total.unpriced.length > 0 ? '+' : ''}, ${s.total.sums.responses} API calls`,
    estimate === null
      ? ''
      : ` (estimate ${estimate} tokens${v === null ? '' : `, ${v.percent >= 0 ? '+' : ''}${v.percent}%`})`,
  ].join('');
  return [
    head,
    ...s.byStage.map((r) => line(`stage ${r.label.stage || '(none)'}`, r)),
    ...s.byModel.map((r) => line(`model ${r.label.model || '(unknown)'}`, r)),
  ].join('\n');
}

/** A fingerprint of usage numbers (never of a price): same numbers, same key. */
export function sumsKey(s: UsageSums): string {
  return [s.input, s.output, s.cacheWrite, s.cacheWrite1h, s.cacheRead, s.webSearch, s.responses].join(',');
}

/** The key of a task's numbers: its total and each stage's. */
export function summaryKey(s: TaskSummary): string {
  return [sumsKey(s.total.sums), ...s.byStage.map((r) => `${r.label.stage ?? ''}=${sumsKey(r.sums)}`)].join(
    ';',
  );
}

/** One stage of one task as the workflow metrics file holds it. */
export interface StageMetricsInput {
  task: string;
  title: string | null;
  stage: string | null;
  /** The stage's usage within the task. */
  row: UsageRow;
  /** Agent types seen in the stage, most tokens first. */
  agentTypes: string[];
  /** Agent runs in the stage (a session's main agent, or one subagent run). */
  turns: number;
  machine: string;
  event: string;
  at: number;
}

/** One workflow metrics line (a JSON object, the file's fields in a fixed order). */
export function workflowMetricsLine(i: StageMetricsInput): Record<string, unknown> {
  const s = i.row.sums;
  const models = i.row.models.map((m) => m.model);
  return {
    ts: new Date(i.at).toISOString(),
    event: i.event,
    task: i.task,
    title: i.title,
    stage: i.stage,
    agentType: i.agentTypes[0] ?? null,
    agentTypes: i.agentTypes,
    model: models[0] ?? null,
    models,
    tokens: {
      input: s.input,
      output: s.output,
      cacheWrite: s.cacheWrite,
      cacheWrite1h: s.cacheWrite1h,
      cacheRead: s.cacheRead,
      total: totalTokens(s),
    },
    costUsd: Math.round(i.row.cost * 1e6) / 1e6,
    apiCalls: s.responses,
    turns: i.turns,
    durationMs: Math.max(0, i.row.lastTs - i.row.firstTs),
    machine: i.machine,
  };
}
