/**
 * The workflow metrics file (`.claude/workflow-metrics.jsonl` in the project, or `workflowMetricsFile`):
 * one JSON line per stage per task when a stage ends. Append-only (each line one O_APPEND write, so
 * concurrent writers never interleave), and a stage's line is written once per set of numbers, so a
 * repeated end adds nothing, even two ends at once (the numbers are claimed atomically first) and the file merges in git like our JSONL export.
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TaskSummary } from '../../analysis/tasks.js';
import type { Config } from '../../config/config.js';
import type { LedgerStore } from '../../ledger/store.js';
import type { StageMap } from '../../ledger/task-repository.js';
import { sumsKey, workflowMetricsLine } from '../../outputs/tracker-texts.js';
import { totalTokens } from '../../util/token-counts.js';
import { appendMetrics } from '../metrics-log.js';
import { claimNumbers } from './numbers-claim.js';

export const DEFAULT_WORKFLOW_METRICS = path.join('.claude', 'workflow-metrics.jsonl');

/**
 * The file for a project, or null when turned off or there is no place for it: without the setting
 * it is written only in a project that has a `.claude/` folder (a Claude Code project).
 */
export function workflowMetricsPath(config: Config, project: string | null): string | null {
  const setting = config.workflowMetricsFile;
  if (setting === false) return null;
  if (setting === undefined && (project === null || !fs.existsSync(path.join(project, '.claude'))))
    return null;
  const file = setting ?? DEFAULT_WORKFLOW_METRICS;
  if (file === '~' || file.startsWith('~/')) return path.join(os.homedir(), file.slice(1));
  if (path.isAbsolute(file)) return file;
  return project === null ? null : path.resolve(project, file);
}

/** Agent types per stage (most tokens first) and agent runs per stage, within the task's tree. */
async function stageAgents(
  store: LedgerStore,
  tree: readonly string[],
  stageMap: StageMap,
): Promise<Map<string, { types: string[]; runs: number }>> {
  const rows = await store.groups({
    dimensions: ['stage', 'agent', 'session', 'agentId'],
    filter: { tasks: [...tree] },
    stageMap,
    grain: 'day',
  });
  const perStage = new Map<string, { tokens: Map<string, number>; runs: Set<string> }>();
  for (const r of rows) {
    const stage = r.values.stage ?? '';
    const entry = perStage.get(stage) ?? { tokens: new Map<string, number>(), runs: new Set<string>() };
    perStage.set(stage, entry);
    const type = r.values.agent || 'main';
    entry.tokens.set(type, (entry.tokens.get(type) ?? 0) + totalTokens(r));
    entry.runs.add(`${r.values.session ?? ''}\u0000${r.values.agentId ?? ''}`);
  }
  const out = new Map<string, { types: string[]; runs: number }>();
  for (const [stage, e] of perStage)
    out.set(stage, {
      types: [...e.tokens].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([t]) => t),
      runs: e.runs.size,
    });
  return out;
}

/**
 * Makes git merge the file by keeping both sides' lines (`<name> merge=union` in the
 * `.gitattributes` beside it), as the JSONL export does; an existing line is left alone.
 */
export function ensureUnionMerge(file: string): void {
  const attributes = path.join(path.dirname(file), '.gitattributes');
  const line = `${path.basename(file).replace(/[\s#\\]/g, '?')} merge=union`;
  const old = fs.existsSync(attributes) ? fs.readFileSync(attributes, 'utf8') : '';
  if (old.split(/\r?\n/).some((l) => l.trim() === line)) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(attributes, `${old}${old === '' || old.endsWith('\n') ? '' : '\n'}${line}\n`);
}

/** The meta key remembering a stage's last written numbers. */
function metaKey(task: string, stage: string): string {
  return `tracker.workflowMetrics:${JSON.stringify([task, stage])}`;
}

/** Appends a line for each stage of the task whose numbers changed since its last line; returns how many. */
export async function appendStageLines(
  store: LedgerStore,
  s: TaskSummary,
  options: { file: string; stageMap: StageMap; machine: string; event: string; now: number },
): Promise<number> {
  const agents = await stageAgents(store, s.tree, options.stageMap);
  let written = 0;
  for (const row of s.byStage) {
    const stage = row.label.stage ?? '';
    if (totalTokens(row.sums) === 0 && row.sums.responses === 0) continue;
    const key = metaKey(s.task.id, stage);
    const numbers = sumsKey(row.sums);
    const claim = await claimNumbers(store, key, numbers);
    if (claim === null) continue;
    const a = agents.get(stage);
    try {
      if (written === 0) ensureUnionMerge(options.file);
      appendMetrics(
        options.file,
        workflowMetricsLine({
          task: s.task.id,
          title: s.task.title,
          stage: stage === '' ? null : stage,
          row,
          agentTypes: a?.types ?? [],
          turns: a?.runs ?? 0,
          machine: options.machine,
          event: options.event,
          at: options.now,
        }),
      );
    } catch (error) {
      await claim.release();
      throw error;
    }
    written++;
  }
  return written;
}
