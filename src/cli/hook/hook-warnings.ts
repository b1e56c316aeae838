/**
 * The overrun warnings a hook shows in Claude Code: for the session's task and each ancestor with an
 * estimate, once per whole multiple of the estimate passed (4×, then 5×, …), so a long session is
 * warned as it goes without repeating itself on every call.
 * @module
 */
import { DEFAULT_OVERRUN_MULTIPLE, taskStanding, worstRatio } from '../../analysis/overrun.js';
import type { LedgerStore, StageMap, TaskRow } from '../../ledger/store.js';
import type { Pricer } from '../../pricing/pricer.js';
import { overrunMessage } from '../overrun-message.js';

export interface HookWarningOptions {
  pricer: Pricer;
  stageMap: StageMap;
  multiple?: number;
}

function hasEstimate(t: TaskRow): boolean {
  return (t.estimateTokens ?? 0) > 0 || (t.estimateUsd ?? 0) > 0;
}

export async function hookWarnings(
  store: LedgerStore,
  taskId: string,
  options: HookWarningOptions,
): Promise<string[]> {
  const multiple = options.multiple ?? DEFAULT_OVERRUN_MULTIPLE;
  const ctx = { store, pricer: options.pricer, mode: 'auto' as const, stageMap: options.stageMap };
  const out: string[] = [];
  const seen = new Set<string>();
  for (let id: string | null = taskId; id !== null && !seen.has(id); ) {
    seen.add(id);
    const task = await store.task(id);
    if (task === null) break;
    id = task.parentId;
    if (!hasEstimate(task)) continue;
    const standing = await taskStanding(ctx, task, options.stageMap, multiple);
    const text = overrunMessage(standing);
    if (text === null) continue;
    const level = Math.floor(worstRatio(standing.variance));
    const key = `overrun-warned:${task.id}`;
    if (Number(await store.metaValue(key)) >= level) continue;
    await store.setMetaValue(key, String(level));
    out.push(text);
  }
  return out;
}
