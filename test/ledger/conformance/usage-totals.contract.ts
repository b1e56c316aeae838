/**
 * Usage totals per task, session, stage and model: exactly what `groups` gives for those dimensions
 * once its pricing keys and buckets are summed away, for any filter, stage map and history.
 * @module
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LedgerStore } from '../../../src/ledger/store.js';
import type { UsageFilter } from '../../../src/ledger/usage-repository.js';
import type { OpenLedger } from './describe-ledger.js';
import { fileWrite, MIN, ORIGIN, PROPERTY_TIMEOUT_MS, T0, usage, withLedger } from './ledger-inputs.js';

const STAGE_MAP = { 'code-reviewer': 'review' };

/** key → [input, output, cacheWrite, cacheRead, responses, firstTs, lastTs], from `groups`. */
async function fromGroups(store: LedgerStore, filter: UsageFilter): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  const rows = await store.groups({
    dimensions: ['task', 'session', 'stage', 'model'],
    filter,
    stageMap: STAGE_MAP,
  });
  for (const r of rows) {
    const key = [
      r.values.task ?? '',
      r.values.session ?? '',
      r.values.stage ?? '',
      r.values.model ?? '',
    ].join('|');
    const cur = out[key] ?? [0, 0, 0, 0, 0, r.firstTs, r.lastTs];
    out[key] = [
      (cur[0] ?? 0) + r.input,
      (cur[1] ?? 0) + r.output,
      (cur[2] ?? 0) + r.cacheWrite,
      (cur[3] ?? 0) + r.cacheRead,
      (cur[4] ?? 0) + r.responses,
      Math.min(cur[5] ?? r.firstTs, r.firstTs),
      Math.max(cur[6] ?? r.lastTs, r.lastTs),
    ];
  }
  return out;
}

async function fromTotals(store: LedgerStore, filter: UsageFilter): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const r of await store.usageTotals(filter, STAGE_MAP)) {
    const key = [r.task, r.session, r.stage, r.model].join('|');
    expect(out[key]).toBeUndefined();
    out[key] = [r.input, r.output, r.cacheWrite, r.cacheRead, r.responses, r.firstTs, r.lastTs];
  }
  return out;
}

export function usageTotalsContract(open: OpenLedger): void {
  describe('usage totals', () => {
    it(
      'are the groups by task, session, stage and model, summed over pricing keys and time',
      async () => {
        const call = fc.record({
          session: fc.integer({ min: 0, max: 2 }),
          agent: fc.constantFrom(null, 'a1', 'a2'),
          model: fc.constantFrom('claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001'),
          minute: fc.integer({ min: 0, max: 3000 }),
          input: fc.integer({ min: 0, max: 300_000 }),
          cacheRead: fc.integer({ min: 0, max: 10_000 }),
          project: fc.constantFrom('/p', '/p/sub', '/q'),
          cost: fc.constantFrom(null, 0.5),
        });
        await fc.assert(
          fc.asyncProperty(
            fc.array(call, { minLength: 1, maxLength: 25 }),
            fc.integer({ min: 0, max: 3000 }),
            async (calls, cut) => {
              await withLedger(open, async ({ store }) => {
                const records = calls.map((c, i) =>
                  usage({
                    dedupKey: `k${i}`,
                    sessionId: `s${c.session}`,
                    agentId: c.agent,
                    sidechain: c.agent !== null,
                    model: c.model,
                    ts: T0 + c.minute * MIN,
                    input: c.input,
                    output: i,
                    cacheWrite: 2 * i,
                    cacheRead: c.cacheRead,
                    project: c.project,
                    reportedCost: c.cost,
                  }),
                );
                const agentFacts = [
                  {
                    sessionId: 's0',
                    agentId: 'a1',
                    toolUseId: null,
                    agentType: 'code-reviewer',
                    priority: 2,
                  },
                ];
                await store.writeFiles([fileWrite('/t/p.jsonl', records, { agentFacts })], ORIGIN);
                for (const filter of [
                  {},
                  { fromMs: T0 + cut * MIN },
                  { toMs: T0 + cut * MIN, projectDir: '/p' },
                ]) {
                  expect(await fromTotals(store, filter)).toEqual(await fromGroups(store, filter));
                }
              });
            },
          ),
          { numRuns: 8 },
        );
      },
      PROPERTY_TIMEOUT_MS,
    );
  });
}
