/**
 * The work the demo ledger is attributed to, so the demo can show tasks, stages and variance: a plan
 * with three tasks, each given a few of the most recent generated sessions (session spans, as `run`
 * and hooks declare them), a workflow stage for the main thread, and an estimate set from what it
 * turns out to cost: one within its estimate, one a little over, and one past the overrun multiple.
 * Also one task declared as usage-tracker telemetry (as an agent would send it), for the
 * `.token-usage/` tree.
 * @module
 */

import type { LedgerStore } from '../ledger/store.js';
import type { StageMap } from '../ledger/task-repository.js';
import { totalTokens } from '../util/token-counts.js';
import { recordUsage } from './record-usage.js';

/** Agent type → stage, for the demo's config (the generator's subagent types). */
export const DEMO_STAGES: StageMap = {
  analyst: 'analysis',
  Explore: 'analysis',
  Plan: 'planning',
  implementer: 'implementation',
  'general-purpose': 'implementation',
  'code-reviewer': 'review',
};

export const DEMO_PLAN = 'BILLING-V2';

/** The task recorded as declared telemetry. */
export const DEMO_TELEMETRY_TASK = 'DOCS-7';

/** The plan's tasks: sessions each, the main thread's stage, and the estimate as a share of the actual. */
const TASKS = [
  { id: 'BILL-1', title: 'Design the invoice model', stage: 'analysis', estimateShare: 1.25 },
  { id: 'BILL-2', title: 'Build the invoice API', stage: 'implementation', estimateShare: 0.8 },
  { id: 'BILL-3', title: 'Review and fix', stage: 'review', estimateShare: 0.2 },
] as const;
const SESSIONS_PER_TASK = 3;

/** Sessions with usage read from transcripts, most recent first activity last. */
async function sessionsByStart(store: LedgerStore): Promise<{ id: string; first: number; last: number }[]> {
  const byId = new Map<string, { id: string; first: number; last: number }>();
  for (const r of await store.groups({ dimensions: ['session'], filter: {}, grain: 'day' })) {
    const id = r.values.session ?? '';
    if (id === '' || id.startsWith('telemetry:')) continue;
    const s = byId.get(id) ?? { id, first: r.firstTs, last: r.lastTs };
    s.first = Math.min(s.first, r.firstTs);
    s.last = Math.max(s.last, r.lastTs);
    byId.set(id, s);
  }
  return [...byId.values()].sort((a, b) => a.first - b.first || (a.id < b.id ? -1 : 1));
}

/** Attributes recent demo sessions to the plan's tasks and sets their estimates. */
export async function addDemoPlan(store: LedgerStore, stageMap: StageMap): Promise<void> {
  await store.saveTask({ id: DEMO_PLAN, title: 'Billing v2', status: 'done' });
  const recent = (await sessionsByStart(store)).slice(-TASKS.length * SESSIONS_PER_TASK);
  for (const [i, t] of TASKS.entries()) {
    await store.saveTask({ id: t.id, title: t.title, parentId: DEMO_PLAN, status: 'done', stage: t.stage });
    for (const s of recent.slice(i * SESSIONS_PER_TASK, (i + 1) * SESSIONS_PER_TASK)) {
      await store.openSpan({
        scope: 'session',
        sessionId: s.id,
        fromTs: s.first,
        toTs: s.last + 1,
        taskId: t.id,
        stage: t.stage,
        source: 'run',
      });
    }
  }
  await store.reattributeAll(stageMap);
  const ids = TASKS.map((t) => t.id);
  const actual = new Map<string, number>();
  for (const r of await store.groups({ dimensions: ['task'], filter: { tasks: ids }, grain: 'day' }))
    actual.set(r.values.task ?? '', (actual.get(r.values.task ?? '') ?? 0) + totalTokens(r));
  let plan = 0;
  for (const t of TASKS) {
    const estimate = Math.max(1000, Math.round(((actual.get(t.id) ?? 0) * t.estimateShare) / 1000) * 1000);
    plan += estimate;
    await store.saveTask({ id: t.id, estimateTokens: estimate });
  }
  await store.saveTask({ id: DEMO_PLAN, estimateTokens: plan });
}

/** Records one task as an agent would declare it (usage-tracker telemetry), writing its tree under `root`. */
export async function recordDemoTelemetry(
  options: { ledger: string; config: string; root: string },
  now: Date,
): Promise<void> {
  const result = await recordUsage(
    {
      mode: 'log_and_summarize',
      task_id: DEMO_TELEMETRY_TASK,
      timestamp: now.toISOString(),
      user_request_summary: 'Write the billing API guide.',
      entries: [
        {
          agent: 'build-lead',
          model: 'claude-sonnet-4-5',
          input_tokens: 18_000,
          output_tokens: 4_200,
          total_tokens: 22_200,
          estimated_cost: 0.117,
        },
        {
          agent: 'docs-writer',
          model: 'claude-haiku-4-5',
          input_tokens: 52_000,
          output_tokens: 9_800,
          total_tokens: 61_800,
          estimated_cost: 0.101,
        },
      ],
    },
    // Declared from one of the generated projects.
    { ...options, cwd: '/home/dev/src/project-0', now: () => now },
  );
  if (result.response.status !== 'recorded')
    throw new Error(`the demo's telemetry was not recorded: ${JSON.stringify(result.response)}`);
}
