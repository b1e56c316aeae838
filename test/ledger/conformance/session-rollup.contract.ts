/**
 * The session rollup (usage summed per session, agent, UTC day, pricing key and attributes), which
 * the `day` grain reads: the same groups as grouping the usage rows themselves (`groupAtRead`) after
 * any order, split and repetition of the writes, with reads in between (so what a read rebuilt must
 * follow later writes), through merged copies of a call (more tokens, an earlier time, an agent id
 * learned later), attribution (spans that give rows a task, stage and labels, and the attribute
 * step), agent types learned later, and forgotten calls.
 * @module
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentFact, UsageRecord } from '../../../src/capture/types.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import type { FileWrite, GroupDimension, UsageFilter } from '../../../src/ledger/usage-repository.js';
import type { OpenLedger } from './describe-ledger.js';
import {
  DAY,
  fileWrite,
  groupMap,
  MIN,
  ORIGIN,
  PROPERTY_TIMEOUT_MS,
  T0,
  usage,
  withLedger,
} from './ledger-inputs.js';

const STAGE_MAP = { 'code-reviewer': 'review' };
const OTHER_ORIGIN = { machine: 'm2', user: 'u2' } as const;

/** The dimensions the reports without a time dimension group by. */
const DIMS: readonly (readonly GroupDimension[])[] = [
  [],
  ['session'],
  ['task', 'stage'],
  ['model', 'project'],
  ['agent'],
  ['agentId'],
  ['branch'],
  ['machine', 'user'],
  ['task'],
  ['label:team'],
  ['session', 'agent', 'stage'],
];
/** The UTC day T0 falls in, at its start. */
const DAY0 = Math.floor(T0 / DAY) * DAY;
/** Whole UTC days (read from the rollup) and one that is not (grouped from the usage rows). */
const FILTERS: readonly UsageFilter[] = [
  {},
  { project: '/p' },
  { projectDir: '/p' },
  { fromMs: DAY0 + DAY, toMs: DAY0 + 3 * DAY },
  { toMs: DAY0 + 2 * DAY, projectDir: '/p' },
  { fromMs: T0 + 7 * MIN },
];

function sorted(m: Record<string, number[]>): [string, number[]][] {
  return Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Every group query of the reports, from the rollup against the usage rows; returns the differing ones. */
async function compareWithUsage(store: LedgerStore): Promise<Record<string, unknown>> {
  const diff: Record<string, unknown> = {};
  for (const dims of DIMS)
    for (const filter of FILTERS) {
      const q = { dimensions: dims, filter, grain: 'day' as const, stageMap: STAGE_MAP };
      const kept = groupMap(await store.groups(q), dims);
      const read = groupMap(await store.groups({ ...q, groupAtRead: true }), dims);
      if (JSON.stringify(sorted(kept)) !== JSON.stringify(sorted(read)))
        diff[`${dims.join(',')} ${JSON.stringify(filter)}`] = { kept, read };
    }
  return diff;
}

/** A call: its thread, its minute (over four UTC days), its attributes, and a later copy. */
const callArb = fc.record({
  session: fc.integer({ min: 0, max: 2 }),
  agent: fc.constantFrom(null, 'a1', 'a2'),
  model: fc.constantFrom('claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001'),
  minute: fc.integer({ min: 0, max: 4 * 24 * 60 }),
  input: fc.integer({ min: 0, max: 300_000 }),
  project: fc.constantFrom('/p', '/p/sub', '/q'),
  branch: fc.constantFrom(null, 'main', 'dev'),
  cost: fc.constantFrom(null, 0.5, 0.125),
  speed: fc.constantFrom(null, 'fast'),
  write: fc.integer({ min: 0, max: 3 }),
  /** A copy in a later write: earlier, more tokens, the agent id only then, a reported cost. */
  again: fc.option(
    fc.record({ earlier: fc.integer({ min: 0, max: 600 }), more: fc.integer({ min: 0, max: 50 }) }),
  ),
});
type Call = typeof callArb extends fc.Arbitrary<infer T> ? T : never;

/** What happens after a round of writes: a span, the attribute step, an agent's type, a forget. */
const stepArb = fc.record({
  span: fc.option(fc.integer({ min: 0, max: 4 * 24 * 60 })),
  attribute: fc.boolean(),
  forget: fc.option(fc.integer({ min: 0, max: 4 * 24 })),
  /** Reads before the step (so only the step's own changes mark the sessions), and after it. */
  readBefore: fc.boolean(),
  read: fc.boolean(),
});
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

/** The writes (5 rounds of files) that import the calls; an agent's type arrives in round 2. */
function rounds(calls: readonly Call[]): FileWrite[][] {
  const out: UsageRecord[][] = Array.from({ length: 5 }, () => []);
  calls.forEach((c, i) => {
    const base = {
      dedupKey: `msg_${String(i).padStart(3, '0')}:req`,
      sessionId: `s${c.session}`,
      sidechain: c.agent !== null,
      model: c.model,
      ts: T0 + c.minute * MIN,
      input: c.input,
      cacheRead: i * 1000,
      project: c.project,
      gitBranch: c.branch,
      speed: c.speed,
    };
    const copy = c.again;
    out[c.write]?.push(usage({ ...base, agentId: copy === null ? c.agent : null, reportedCost: c.cost }));
    if (copy !== null)
      out[c.write + 1]?.push(
        usage({
          ...base,
          agentId: c.agent,
          ts: base.ts - copy.earlier * MIN,
          input: c.input + copy.more,
          reportedCost: c.cost === null ? null : c.cost * 2,
        }),
      );
  });
  const facts: AgentFact[] = [
    { sessionId: 's0', agentId: 'a1', toolUseId: null, agentType: 'code-reviewer', priority: 2 },
  ];
  return out.map((records, r) => [fileWrite(`/t/${r}.jsonl`, records, r === 2 ? { agentFacts: facts } : {})]);
}

async function apply(store: LedgerStore, step: Step, r: number): Promise<void> {
  if (step.span !== null)
    await store.openSpan({
      scope: r % 2 === 0 ? 'session' : 'agent',
      sessionId: `s${r % 3}`,
      agentId: r % 2 === 0 ? null : 'a1',
      fromTs: T0 + step.span * MIN,
      taskId: `T${r}`,
      stage: r === 1 ? null : 'build',
      labels: { team: `t${r}` },
      source: 'task',
    });
  if (step.attribute) await store.attributePending(STAGE_MAP);
  if (step.forget !== null)
    await store.forget(
      { source: 'claude', fromMs: T0 + step.forget * 60 * MIN, toMs: T0 + (step.forget + 3) * 60 * MIN },
      { apply: true, stageMap: STAGE_MAP },
    );
}

export function sessionRollupContract(open: OpenLedger): void {
  describe('the session rollup', () => {
    it('follows a merge, an attribution and a forget that each touch a session read before', async () => {
      await withLedger(open, async ({ store }) => {
        const a = usage({ dedupKey: 'msg_a:req', ts: T0, input: 1 });
        const b = usage({ dedupKey: 'msg_b:req', ts: T0 + 120 * MIN, input: 2 });
        await store.writeFiles([fileWrite('/t/a.jsonl', [a, b])], ORIGIN);
        // Input per task, in task order (the backends order NULL differently).
        const total = async () =>
          (await store.groups({ dimensions: ['task'], filter: {}, grain: 'day' }))
            .map((r) => [r.values.task ?? '', r.input] as const)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        expect(await total()).toEqual([['', 3]]);
        await store.writeFiles([fileWrite('/t/a.jsonl', [{ ...a, input: 5 }])], ORIGIN);
        expect(await total()).toEqual([['', 7]]);
        await store.openSpan({
          scope: 'session',
          sessionId: 's1',
          fromTs: T0 + MIN,
          taskId: 'T',
          source: 'task',
        });
        await store.attributePending({});
        expect(await total()).toEqual([
          ['', 5],
          ['T', 2],
        ]);
        await store.forget({ source: 'claude', fromMs: T0, toMs: T0 + MIN }, { apply: true, stageMap: {} });
        expect(await total()).toEqual([['T', 2]]);
        expect(await compareWithUsage(store)).toEqual({});
      });
    });

    it(
      'groups as the usage rows do after any order, split and repetition of the writes, read in between',
      async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(callArb, { minLength: 1, maxLength: 16 }),
            fc.array(stepArb, { minLength: 5, maxLength: 5 }),
            async (calls, steps) => {
              await withLedger(open, async ({ store }) => {
                const writes = rounds(calls);
                for (let r = 0; r < writes.length; r++) {
                  await store.writeFiles(writes[r] ?? [], r < 3 ? ORIGIN : OTHER_ORIGIN);
                  const step = steps[r];
                  if (step !== undefined) {
                    if (step.readBefore) expect(await compareWithUsage(store)).toEqual({});
                    await apply(store, step, r);
                    if (step.read) expect(await compareWithUsage(store)).toEqual({});
                  }
                }
                // Everything again, as a re-import: nothing changes.
                for (const w of writes) await store.writeFiles(w, ORIGIN);
                expect(await compareWithUsage(store)).toEqual({});
              });
            },
          ),
          { numRuns: Number(process.env.TL_PROPERTY_RUNS ?? 10) },
        );
      },
      PROPERTY_TIMEOUT_MS,
    );
  });
}
