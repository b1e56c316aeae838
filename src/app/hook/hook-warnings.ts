/**
 * The overrun warnings a hook shows in Claude Code: for the session's task and each ancestor with an
 * estimate, once per whole multiple of the estimate passed (4×, then 5×, …), so a long session is
 * warned as it goes without repeating itself on every call.
 * @module
 */
import { chainStandings, DEFAULT_OVERRUN_MULTIPLE, taskChain, worstRatio } from '../../analysis/overrun.js';
import type { LedgerStore } from '../../ledger/store.js';
import type { StageMap, TaskRow } from '../../ledger/task-repository.js';
import { overrunMessage } from '../../outputs/overrun-message.js';
import type { Pricer } from '../../pricing/pricer.js';

export interface HookWarningOptions {
  /** Made only when a task has an estimate: loading the price table costs a few milliseconds. */
  pricer: () => Pricer;
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
  const ctx = { store, pricer: options.pricer(), mode: 'auto' as const, stageMap: options.stageMap };
  const estimated = (await taskChain(ctx, taskId)).filter(hasEstimate);
  const out: string[] = [];
  for (const standing of await chainStandings(ctx, estimated, multiple)) {
    const text = overrunMessage(standing);
    if (text === null) continue;
    const level = Math.floor(worstRatio(standing.variance));
    const key = `overrun-warned:${standing.task.id}`;
    if (Number(await store.metaValue(key)) >= level) continue;
    await store.setMetaValue(key, String(level));
    out.push(text);
  }
  return out;
}
