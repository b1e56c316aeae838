/**
 * Property: forgetting API calls never lets them come back or count twice. A history of API calls,
 * each written in one to three files (forks, relayed progress: the same call, max-merged), is imported
 * in two phases with a `forget --source claude` of a time range in between; then everything is
 * imported again (a rewritten transcript is read from the start) and a JSONL export taken before the
 * forget is imported. The ledger must hold exactly the calls not forgotten, each once, merged by the
 * dedup rule, in its rows, its 15-minute rollup and its per-task rollup; and a dry run changes nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../src/capture/types.js';
import { exportJsonl } from '../../src/ledger/jsonl/export-jsonl.js';
import { importJsonl } from '../../src/ledger/jsonl/import-jsonl.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import type { FileWrite } from '../../src/ledger/usage-repository.js';
import { expectTaskRollupConsistent } from '../helpers/task-rollup-check.js';
import { T0, usage } from '../ledger/jsonl/jsonl-helpers.js';
import { dumpLedger } from '../ledger/ledger-dump.js';

const RUNS = Number(process.env.TL_PROPERTY_RUNS ?? 40);
const HOUR = 3_600_000;
const ORIGIN = { machine: 'm', user: 'u' };

/** One copy of an API call in one file. */
interface Copy {
  call: number;
  file: number;
  /** Minutes after the call's time: copies of one call are stamped a little apart. */
  lag: number;
  output: number;
  phase: 1 | 2;
}

interface Scenario {
  calls: { hour: number; input: number }[];
  copies: Copy[];
  /** The forgotten range, in hours from T0: [from, to). */
  from: number;
  to: number;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .array(fc.record({ hour: fc.integer({ min: 0, max: 47 }), input: fc.integer({ min: 1, max: 1000 }) }), {
    minLength: 1,
    maxLength: 25,
  })
  .chain((calls) =>
    fc.record({
      calls: fc.constant(calls),
      copies: fc
        .array(
          fc.record({
            call: fc.integer({ min: 0, max: calls.length - 1 }),
            file: fc.integer({ min: 0, max: 3 }),
            lag: fc.integer({ min: 0, max: 30 }),
            output: fc.integer({ min: 0, max: 500 }),
            phase: fc.constantFrom<1 | 2>(1, 2),
          }),
          { minLength: 1, maxLength: 60 },
        )
        .map((copies) => [
          // Every call has at least one copy in phase 1 or 2.
          ...calls.map((_, call) => ({
            call,
            file: call % 4,
            lag: 0,
            output: 1,
            phase: (1 + (call % 2)) as 1 | 2,
          })),
          ...copies,
        ]),
      from: fc.integer({ min: 0, max: 48 }),
      to: fc.integer({ min: 0, max: 48 }),
    }),
  )
  .map((s) => ({ ...s, to: Math.max(s.from, s.to) }));

function record(s: Scenario, c: Copy): UsageRecord {
  const call = s.calls[c.call] as Scenario['calls'][number];
  return usage({
    dedupKey: `msg_${c.call}:req_${c.call}`,
    ts: T0 + call.hour * HOUR + c.lag * 60_000,
    sessionId: `s${c.call % 3}`,
    input: call.input,
    output: c.output,
  });
}

/** The files of a phase (or of both), each holding its copies. */
function files(s: Scenario, phases: readonly (1 | 2)[]): FileWrite[] {
  const byFile = new Map<number, UsageRecord[]>();
  for (const c of s.copies) {
    if (!phases.includes(c.phase)) continue;
    const list = byFile.get(c.file) ?? [];
    list.push(record(s, c));
    byFile.set(c.file, list);
  }
  return [...byFile].map(([file, records]) => ({
    path: `/mem/f${file}.jsonl`,
    cursor: null,
    fromStart: true,
    readAt: Date.now(),
    bytesRead: 0,
    bytesLeft: 0,
    records,
    costStates: [],
    agentFacts: [],
    problems: [],
  }));
}

/** The dedup rule over copies: per call, the earliest time and the largest output. */
function merged(
  s: Scenario,
  copies: readonly Copy[],
): Map<number, { ts: number; input: number; output: number }> {
  const out = new Map<number, { ts: number; input: number; output: number }>();
  for (const c of copies) {
    const r = record(s, c);
    const m = out.get(c.call);
    out.set(c.call, {
      ts: Math.min(m?.ts ?? r.ts, r.ts),
      input: r.input,
      output: Math.max(m?.output ?? 0, r.output),
    });
  }
  return out;
}

async function totals(store: LedgerStore): Promise<{ responses: number; input: number; output: number }> {
  const rows = await store.groups({ dimensions: [], filter: {}, grain: 'day' });
  const rollup = await store.buckets(null, null);
  const sum = (list: { responses: number; input: number; output: number }[]) =>
    list.reduce(
      (a, r) => ({
        responses: a.responses + r.responses,
        input: a.input + r.input,
        output: a.output + r.output,
      }),
      { responses: 0, input: 0, output: 0 },
    );
  // The rollup that reports read agrees with the rows.
  expect(sum(rollup)).toEqual(sum(rows));
  return sum(rows);
}

describe('forget then import again', () => {
  it('forgotten calls never come back (re-import, import-jsonl) and nothing counts twice', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-forget-prop-'));
        const store = SqliteStore.open(path.join(dir, 'ledger.db'));
        try {
          await store.writeFiles(files(s, [1]), ORIGIN);
          await exportJsonl(store, path.join(dir, 'jsonl'), { filter: {}, machine: 'm', now: T0 });

          // A dry run changes nothing.
          const before = dumpLedger(path.join(dir, 'ledger.db'));
          const range = { source: 'claude' as const, fromMs: T0 + s.from * HOUR, toMs: T0 + s.to * HOUR };
          const dry = await store.forget(range, { apply: false, stageMap: {} });
          expect(dumpLedger(path.join(dir, 'ledger.db'))).toEqual(before);

          // What was in the ledger in the range is forgotten.
          const phase1 = merged(
            s,
            s.copies.filter((c) => c.phase === 1),
          );
          const forgotten = new Set(
            [...phase1].filter(([, m]) => m.ts >= range.fromMs && m.ts < range.toMs).map(([call]) => call),
          );
          const done = await store.forget(range, { apply: true, stageMap: {} });
          const removed = done.removedCalls.reduce((n, r) => n + r.responses, 0);
          expect(removed).toBe(forgotten.size);
          expect(dry.removedCalls).toEqual(done.removedCalls);
          expect(done.remembered).toBe(forgotten.size);

          // Phase 2, then everything again from the start, then the export taken before the forget.
          const counts2 = await store.writeFiles(files(s, [2]), ORIGIN);
          await store.writeFiles(files(s, [1, 2]), ORIGIN);
          const back = await importJsonl(store, path.join(dir, 'jsonl'));
          expect(back.forgotten).toBe(forgotten.size);

          const expected = [...merged(s, s.copies)].filter(([call]) => !forgotten.has(call));
          expect(counts2.added).toBe(expected.filter(([call]) => !phase1.has(call)).length);
          expect(await totals(store)).toEqual({
            responses: expected.length,
            input: expected.reduce((n, [, m]) => n + m.input, 0),
            output: expected.reduce((n, [, m]) => n + m.output, 0),
          });
          await expectTaskRollupConsistent(store);
        } finally {
          await store.close();
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});
