/**
 * What drove each call, as the ledger keeps it (links per call, rebuilt per changed session, and a
 * rollup by bucket) against its definition (the window over every usage row at read time, asked for
 * with `linkAtRead`): the same groups after any order, split and repetition of the writes, with reads
 * in between (so what a read refreshed must follow later writes), through a call inserted in the
 * middle of a thread, tool uses that grow as a response's lines merge, timestamps that move earlier,
 * an agent id learned later, and a forgotten call.
 * @module
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CallActivity, UsageRecord } from '../../../src/capture/types.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import type {
  FileWrite,
  GroupDimension,
  GroupRow,
  UsageFilter,
} from '../../../src/ledger/usage-repository.js';
import type { OpenLedger } from './describe-ledger.js';
import {
  DAY,
  fileWrite,
  groupMap,
  HOUR,
  MIN,
  ORIGIN,
  PROPERTY_TIMEOUT_MS,
  T0,
  usage,
  withLedger,
} from './ledger-inputs.js';

const DIMS: readonly (readonly GroupDimension[])[] = [
  [],
  ['tool'],
  ['skill'],
  ['mcpServer'],
  ['file'],
  ['tool', 'file'],
  ['session', 'tool'],
];
/** Whole buckets of time only (the rollup), and filters that join the stored links instead. */
const FILTERS: readonly UsageFilter[] = [
  {},
  { fromMs: T0 + 15 * MIN, toMs: T0 + 60 * MIN },
  // Whole UTC days (the daily rollup) with the days cut at either end (the 15-minute one).
  { fromMs: T0 - DAY + 15 * MIN, toMs: T0 + DAY + 30 * MIN },
  { fromMs: T0 - 2 * DAY + 15 * MIN, toMs: T0 + 30 * MIN },
  { fromMs: T0 + 7 * MIN },
  { project: '/p/a' },
  { session: 's1', toMs: T0 + 45 * MIN },
];

/** Every group query of the view, stored against read-time; returns the differing ones' names. */
async function compareWithWindow(store: LedgerStore): Promise<Record<string, unknown>> {
  const diff: Record<string, unknown> = {};
  for (const dims of DIMS)
    for (const filter of FILTERS)
      for (const grain of ['bucket', 'day'] as const) {
        const q = { dimensions: dims, filter, grain };
        const stored = groupMap(await store.groups(q), dims);
        const window = groupMap(await store.groups({ ...q, linkAtRead: true }), dims);
        if (JSON.stringify(sorted(stored)) !== JSON.stringify(sorted(window)))
          diff[`${dims.join(',')} ${JSON.stringify(filter)} ${grain}`] = { stored, window };
      }
  return diff;
}

/** The UTC day T0 falls in, at its start. */
const DAY0 = Math.floor(T0 / DAY) * DAY;
/** Cuts of time into spans: none, UTC midnights, and one inside a day (its day goes to the span before). */
const CUTS: readonly (readonly number[])[] = [
  [],
  [DAY0 + 2 * DAY, DAY0 + 9 * DAY],
  [DAY0 - DAY, DAY0 + 4 * DAY + 7 * HOUR, DAY0 + 6 * DAY, DAY0 + 40 * DAY],
];
/** Filters over the days the calls of {@link spansProperty} spread over. */
const SPAN_FILTERS: readonly UsageFilter[] = [
  {},
  { fromMs: DAY0 + 2 * DAY, toMs: DAY0 + 6 * DAY },
  { fromMs: T0 + DAY + 15 * MIN, toMs: T0 + 7 * DAY + 30 * MIN },
  { toMs: DAY0 + 4 * DAY + 45 * MIN },
  { fromMs: DAY0 + DAY + 15 * MIN, toMs: DAY0 + 10 * DAY },
  { project: '/p/a' },
  { session: 's2', fromMs: T0 + 3 * DAY },
];

/** Day rows summed per span of `cuts` as the contract says: a day goes to the last cut at or before its start. */
function mergeBySpan(rows: readonly GroupRow[], dims: readonly GroupDimension[], cuts: readonly number[]) {
  const out = new Map<string, GroupRow>();
  for (const r of rows) {
    const span = cuts.filter((c) => c <= (r.bucket / 96) * DAY).length;
    const key = JSON.stringify([...dims.map((d) => r.values[d]), span, r.model, r.sizeClass, r.speed, r.geo]);
    const have = out.get(key);
    if (have === undefined) out.set(key, { ...r });
    else {
      for (const f of SUMMED) have[f] += r[f];
      have.bucket = Math.min(have.bucket, r.bucket);
      have.firstTs = Math.min(have.firstTs, r.firstTs);
      have.lastTs = Math.max(have.lastTs, r.lastTs);
    }
  }
  return [...out.values()];
}

const SUMMED = [
  'input',
  'output',
  'cacheWrite',
  'cacheWrite1h',
  'cacheRead',
  'webSearch',
  'reportedCost',
  'reportedRows',
  'responses',
  'lowerBound',
] as const;

/**
 * Every group query by spans of time (`cuts`), stored against read-time, and against the day rows
 * summed per span; returns the differing ones' names.
 */
async function compareSpans(
  store: LedgerStore,
  cutsInOrder: readonly (readonly number[])[],
): Promise<Record<string, unknown>> {
  const diff: Record<string, unknown> = {};
  for (const cuts of cutsInOrder)
    for (const dims of DIMS)
      for (const filter of SPAN_FILTERS) {
        const q = { dimensions: dims, filter, grain: 'day' as const };
        const stored = groupMap(await store.groups({ ...q, cuts }), dims);
        const window = groupMap(await store.groups({ ...q, cuts, linkAtRead: true }), dims);
        const days = groupMap(mergeBySpan(await store.groups(q), dims, cuts), dims);
        const name = `${dims.join(',')} ${JSON.stringify(filter)} ${JSON.stringify(cuts)}`;
        if (JSON.stringify(sorted(stored)) !== JSON.stringify(sorted(window)))
          diff[`${name} window`] = { stored, window };
        if (JSON.stringify(sorted(stored)) !== JSON.stringify(sorted(days)))
          diff[`${name} days`] = { stored, days };
      }
  return diff;
}

function sorted(m: Record<string, number[]>): [string, number[]][] {
  return Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const TOOLS: Partial<CallActivity>[] = [
  { tool: 'Read', file: '/f1', fileOp: 'read' },
  { tool: 'Read', file: '/f2', fileOp: 'read' },
  { tool: 'Bash' },
  { tool: 'Skill', skill: 'pdf' },
  { tool: 'create_issue', mcpServer: 'gh' },
];

function act(dedupKey: string, toolUseId: string, p: Partial<CallActivity> = {}): CallActivity {
  return {
    dedupKey,
    toolUseId,
    tool: null,
    mcpServer: null,
    skill: null,
    agentType: null,
    file: null,
    fileOp: null,
    ...p,
  };
}

/** A call: its thread, its minute (ties happen), and the tool uses its response asked for. */
const callArb = fc.record({
  thread: fc.integer({ min: 0, max: 3 }),
  minute: fc.integer({ min: 0, max: 70 }),
  input: fc.integer({ min: 1, max: 1000 }),
  tools: fc.array(fc.integer({ min: 0, max: TOOLS.length - 1 }), { maxLength: 3 }),
  /** -1: its tool uses are never read; else the write in which they are (split over two). */
  activityWrite: fc.integer({ min: -1, max: 3 }),
  write: fc.integer({ min: 0, max: 3 }),
  /** A second copy in a later write: earlier time, more tokens, the agent id only then. */
  again: fc.option(
    fc.record({ earlier: fc.integer({ min: 0, max: 20 }), more: fc.integer({ min: 0, max: 50 }) }),
  ),
});

const THREADS = [
  { sessionId: 's1', agentId: null, sidechain: false, project: '/p/a' },
  { sessionId: 's1', agentId: 'ag1', sidechain: true, project: '/p/a' },
  { sessionId: 's2', agentId: null, sidechain: false, project: '/p/b' },
  { sessionId: 's2', agentId: 'ag2', sidechain: true, project: '/p/b' },
];

type Call = typeof callArb extends fc.Arbitrary<infer T> ? T : never;

/** The writes (4 rounds of files) that import the calls (a call's minute is `step` ms), each round's files in a given order. */
function rounds(calls: readonly Call[], step = MIN): FileWrite[][] {
  const out: { records: UsageRecord[]; activities: CallActivity[] }[] = Array.from({ length: 5 }, () => ({
    records: [],
    activities: [],
  }));
  calls.forEach((c, i) => {
    const th = THREADS[c.thread] ?? THREADS[0];
    const dedupKey = `msg_${String(i).padStart(3, '0')}:req`;
    const base = {
      dedupKey,
      sessionId: th?.sessionId,
      sidechain: th?.sidechain,
      project: th?.project,
      ts: T0 + c.minute * step,
      input: c.input,
    };
    const copy = c.again;
    // With a later copy, the first one does not know the agent id yet (the merge fills it in).
    out[c.write]?.records.push(usage({ ...base, agentId: copy === null ? th?.agentId : null }));
    if (copy !== null)
      out[Math.min(4, c.write + 1)]?.records.push(
        usage({
          ...base,
          agentId: th?.agentId,
          ts: base.ts - copy.earlier * step,
          input: c.input + copy.more,
        }),
      );
    if (c.activityWrite < 0) return;
    const uses = c.tools.map((t, k) => act(dedupKey, `t${i}_${k}`, TOOLS[t]));
    if (uses.length === 0) out[c.activityWrite]?.activities.push(act(dedupKey, ''));
    // The tool uses grow: the first one in its write, the rest a write later.
    uses.forEach((u, k) => {
      out[k === 0 ? c.activityWrite : Math.min(4, c.activityWrite + 1)]?.activities.push(u);
    });
  });
  return out.map((w, r) => [fileWrite(`/t/${r}.jsonl`, w.records, { activities: w.activities })]);
}

export function callDriverContract(open: OpenLedger): void {
  describe('what drove each call, kept at write time', () => {
    it('equals the read-time window for a call inserted in the middle of a thread and a forgotten call', async () => {
      await withLedger(open, async ({ store }) => {
        const a = usage({ dedupKey: 'msg_a:req', ts: T0 + MIN, input: 1 });
        const b = usage({ dedupKey: 'msg_b:req', ts: T0 + 20 * MIN, input: 2 });
        const mid = usage({ dedupKey: 'msg_m:req', ts: T0 + 10 * MIN, input: 4 });
        await store.writeFiles(
          [fileWrite('/t/a.jsonl', [a, b], { activities: [act(a.dedupKey, 't1', TOOLS[2])] })],
          ORIGIN,
        );
        expect(await compareWithWindow(store)).toEqual({});
        const before = await store.groups({ dimensions: ['tool'], filter: {} });
        expect(before.find((r) => r.values.tool === 'Bash')?.input).toBe(2);
        // A late line: a call between a and b, which drives b now.
        await store.writeFiles(
          [fileWrite('/t/b.jsonl', [mid], { activities: [act(mid.dedupKey, 't2', TOOLS[0])] })],
          ORIGIN,
        );
        expect(await compareWithWindow(store)).toEqual({});
        const after = await store.groups({ dimensions: ['tool'], filter: {} });
        expect(after.find((r) => r.values.tool === 'Bash')?.input).toBe(4);
        expect(after.find((r) => r.values.tool === 'Read')?.input).toBe(2);
        await store.forget(
          { source: 'claude', fromMs: T0 + 5 * MIN, toMs: T0 + 15 * MIN },
          { apply: true, stageMap: {} },
        );
        expect(await compareWithWindow(store)).toEqual({});
        expect(
          (await store.groups({ dimensions: ['tool'], filter: {} })).find((r) => r.values.tool === 'Bash')
            ?.input,
        ).toBe(2);
      });
    });

    it(
      'equals the read-time window after any order, split and repetition of the writes, read in between',
      async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(callArb, { minLength: 1, maxLength: 14 }),
            fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
            async (calls, readAfter) => {
              await withLedger(open, async ({ store }) => {
                const writes = rounds(calls);
                for (let r = 0; r < writes.length; r++) {
                  await store.writeFiles(writes[r] ?? [], ORIGIN);
                  if (readAfter[r] === true) expect(await compareWithWindow(store)).toEqual({});
                }
                // Everything again, as a re-import: nothing changes.
                for (const w of writes) await store.writeFiles(w, ORIGIN);
                expect(await compareWithWindow(store)).toEqual({});
              });
            },
          ),
          { numRuns: Number(process.env.TL_PROPERTY_RUNS ?? 12) },
        );
      },
      PROPERTY_TIMEOUT_MS,
    );

    it(
      'sums days into spans between cuts as the daily rows do, kept and at read time alike',
      async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(callArb, { minLength: 1, maxLength: 14 }), async (calls) => {
            await withLedger(open, async ({ store }) => {
              // A call's minute is three hours here: the calls spread over nine days.
              const writes = rounds(calls, 3 * HOUR);
              for (const w of writes.slice(0, 2)) await store.writeFiles(w, ORIGIN);
              expect(await compareSpans(store, CUTS)).toEqual({});
              // The cuts read last first: their kept spans must follow the writes in between.
              for (const w of writes.slice(2)) await store.writeFiles(w, ORIGIN);
              expect(await compareSpans(store, [...CUTS].reverse())).toEqual({});
              await store.forget(
                { source: 'claude', fromMs: T0, toMs: T0 + DAY },
                { apply: true, stageMap: {} },
              );
              expect(await compareSpans(store, CUTS.slice(0, 1))).toEqual({});
            });
          }),
          { numRuns: Number(process.env.TL_PROPERTY_RUNS ?? 8) },
        );
      },
      PROPERTY_TIMEOUT_MS,
    );
  });
}
