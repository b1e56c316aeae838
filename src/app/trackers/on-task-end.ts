/**
 * The `onTaskEnd` command: any tracker's CLI (`gh issue comment {id} --body-file {summaryFile}`, a
 * Jira CLI, …), run when a task ends with the task's numbers as placeholders and its summary in a
 * file. It runs from an argument vector (no shell unless `shell: true`), under a time cap.
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TaskSummary } from '../../analysis/tasks.js';
import type { OnTaskEndConfig } from '../../config/config.js';
import { commandArgv, type PlaceholderValues, shellScript, splitWords } from '../../util/command-template.js';
import { totalTokens } from '../../util/token-counts.js';
import { failureText, runProgram } from './run-program.js';

export const DEFAULT_ON_TASK_END_TIMEOUT_MS = 10_000;

/** The setting in its object form. */
export function onTaskEndCommand(setting: string | OnTaskEndConfig): OnTaskEndConfig {
  return typeof setting === 'string' ? { command: setting } : setting;
}

/** The placeholder values of a finished task. */
export function placeholderValues(
  s: TaskSummary,
  extra: { summaryFile: string; project: string; event: string },
): PlaceholderValues {
  const v = s.variance.tokens;
  return {
    id: s.task.id,
    title: s.task.title ?? '',
    summaryFile: extra.summaryFile,
    tokens: String(totalTokens(s.total.sums)),
    cost: (Math.round(s.total.cost * 1e6) / 1e6).toString(),
    apiCalls: String(s.total.sums.responses),
    estimate: s.task.estimateTokens === null ? '' : String(s.task.estimateTokens),
    variance: v === null ? '' : `${v.percent >= 0 ? '+' : ''}${v.percent}%`,
    project: extra.project,
    event: extra.event,
  };
}

/** The argument vector and extra environment the command runs with. */
export function onTaskEndInvocation(
  cmd: OnTaskEndConfig,
  values: PlaceholderValues,
): { argv: string[]; env: Record<string, string> } {
  if (cmd.shell === true) {
    const script = Array.isArray(cmd.command) ? cmd.command.join(' ') : cmd.command;
    const made = shellScript(script, values);
    return { argv: ['/bin/sh', '-c', made.script], env: made.env };
  }
  const words = Array.isArray(cmd.command) ? cmd.command : splitWords(cmd.command);
  return { argv: commandArgv(words, values), env: {} };
}

/**
 * Runs the command for a finished task, with its summary text in a temporary file (removed after).
 * Returns null, or why it failed.
 */
export async function runOnTaskEnd(
  cmd: OnTaskEndConfig,
  s: TaskSummary,
  options: { summary: string; project: string; event: string; timeoutMs: number; env: NodeJS.ProcessEnv },
): Promise<string | null> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenledger-task-'));
  const summaryFile = path.join(dir, 'summary.md');
  try {
    fs.writeFileSync(summaryFile, `${options.summary}\n`);
    const values = placeholderValues(s, { summaryFile, project: options.project, event: options.event });
    const { argv, env } = onTaskEndInvocation(cmd, values);
    const r = await runProgram(argv, {
      cwd: options.project,
      timeoutMs: options.timeoutMs,
      env: { ...options.env, ...env },
    });
    return r.ok ? null : `onTaskEnd for ${s.task.id}: ${failureText(argv[0] ?? '', r, options.timeoutMs)}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
