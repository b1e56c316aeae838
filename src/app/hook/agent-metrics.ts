/**
 * The metrics JSONL line a `SubagentStop` hook appends: what that subagent spent in its session, with
 * its type, stage and task, beside the lines `task stop` and `run` write.
 * @module
 */
import { UsageTableBuilder } from '../../analysis/usage-table.js';
import type { LedgerStore } from '../../ledger/store.js';
import type { StageMap } from '../../ledger/task-repository.js';
import { BUCKET_MS } from '../../ledger/usage-sums.js';
import type { Pricer } from '../../pricing/pricer.js';
import { localDate } from '../../util/local-date.js';
import { totalTokens } from '../../util/token-counts.js';
import { ccusageTokenFields } from '../usage-json.js';

export async function agentMetrics(
  store: LedgerStore,
  sessionId: string,
  agentId: string,
  options: { pricer: Pricer; stageMap: StageMap; now: number },
): Promise<Record<string, unknown> | null> {
  const rows = (
    await store.groups({
      dimensions: ['agentId', 'agent', 'stage', 'task'],
      grain: 'day',
      filter: { session: sessionId },
      stageMap: options.stageMap,
    })
  ).filter((r) => r.values.agentId === agentId);
  if (rows.length === 0) return null;
  const builder = new UsageTableBuilder(options.pricer, 'auto');
  for (const r of rows)
    builder.add('a', {}, r, { atMs: r.bucket * BUCKET_MS, firstTs: r.firstTs, lastTs: r.lastTs });
  const total = builder.build().totals;
  const first = rows[0]?.values;
  const s = total.sums;
  return {
    event: 'agent_stop',
    session: sessionId,
    agentId,
    agentType: first?.agent || null,
    stage: first?.stage || null,
    task: first?.task || null,
    actual: totalTokens(s),
    actualUsd: Math.round(total.cost * 1e6) / 1e6,
    ...ccusageTokenFields(s),
    apiCalls: s.responses,
    models: total.models.map((m) => m.model),
    date: localDate(options.now),
    ts: new Date(options.now).toISOString(),
  };
}
