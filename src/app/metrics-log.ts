/**
 * The append-only metrics JSONL for `jq` users: one line per finished task, agent run or headless
 * run, with seed 001's field names (`task`, `estimated`, `actual`, `variance`, `date`) and more.
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TaskSummary } from '../analysis/tasks.js';
import { dataHome } from '../config/paths.js';
import { localDate } from '../util/local-date.js';
import { totalTokens } from '../util/token-counts.js';
import { ccusageTokenFields } from './usage-json.js';

export function metricsFile(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (configured === undefined) return path.join(dataHome(env), 'metrics.jsonl');
  return configured === '~' || configured.startsWith('~/')
    ? path.join(os.homedir(), configured.slice(1))
    : path.resolve(configured);
}

/** `+125%` / `-10%`, or null without an estimate or without usage yet (never `-100%` for "not started"). */
export function variancePercent(estimate: number | null, actual: number): string | null {
  if (estimate === null || estimate <= 0 || actual <= 0) return null;
  const p = Math.round((actual / estimate - 1) * 100);
  return `${p >= 0 ? '+' : ''}${p}%`;
}

/** Appends one JSON line (O_APPEND: concurrent writers never interleave a line). */
export function appendMetrics(file: string, entry: Record<string, unknown>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

/** A task's metrics line (`task stop`, MCP `log_task_tokens`): the token tracker's fields, then ours. */
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
