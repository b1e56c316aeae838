/**
 * Files read again and again, the pure parts: the repeat reads (beyond the first in each task, or
 * each session outside tasks), the calls they drove (the next call of the thread, each once), the
 * detector's thresholds (a single repeat or a clean history raises nothing) and the pricing of a
 * driven call (its size class, a reported cost when the model has no price).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AnomalyInput, DEFAULT_THRESHOLDS } from '../../src/analysis/anomalies/anomaly.js';
import { fileReread } from '../../src/analysis/anomalies/reread-detector.js';
import type { FileReadEvidence } from '../../src/analysis/file-rereads.js';
import { drivenCalls, repeatReads } from '../../src/analysis/reread-waste.js';
import { callCost, sizeClassOf } from '../../src/analysis/review-rereads.js';
import type { FileReadRow } from '../../src/ledger/call-activity-repository.js';
import type { RequestPoint } from '../../src/ledger/usage-repository.js';
import { createPricer } from '../../src/pricing/create-pricer.js';

const PROPERTY_TIMEOUT_MS = 120_000;

function point(sessionId: string, agentId: string, dedupKey: string, ts: number, tokens = 100): RequestPoint {
  return {
    sessionId,
    agentId,
    dedupKey,
    ts,
    model: 'claude-sonnet-4-5-20250929',
    input: tokens,
    cacheRead: 0,
    cacheWrite: 0,
    output: 10,
    cacheWrite1h: 0,
    webSearch: 0,
    speed: '',
    geo: '',
    reportedCost: null,
  };
}

const evidenceArb = fc
  .array(
    fc.record({
      taskId: fc.constantFrom<string | null>(null, 'T1', 'T2', 'T3'),
      sessionId: fc.constantFrom('s1', 's2', 's3'),
      ts: fc.integer({ min: 0, max: 1000 }),
    }),
    { maxLength: 40 },
  )
  .map((list) =>
    list
      .map((r, i): FileReadEvidence => ({ ...r, dedupKey: `k${i}` }))
      .sort((a, b) => a.ts - b.ts || (a.dedupKey < b.dedupKey ? -1 : 1)),
  );

function unitOf(e: FileReadEvidence): string {
  return e.taskId === null ? `s:${e.sessionId}` : `t:${e.taskId}`;
}

describe('repeat reads', () => {
  it(
    'are every read but the first of its task (no task: of its session)',
    () => {
      fc.assert(
        fc.property(evidenceArb, (evidence) => {
          const repeats = repeatReads(evidence);
          const units = new Set(evidence.map(unitOf));
          expect(repeats.length).toBe(evidence.length - units.size);
          const firsts = new Map<string, FileReadEvidence>();
          for (const e of evidence) if (!firsts.has(unitOf(e))) firsts.set(unitOf(e), e);
          for (const e of evidence) expect(repeats.includes(e)).toBe(firsts.get(unitOf(e)) !== e);
        }),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('driven calls', () => {
  it(
    'are the next call of each read thread, each once; a read with no next call is unlinked',
    () => {
      const seriesArb = fc.array(
        fc.record({
          session: fc.constantFrom('s1', 's2'),
          agent: fc.constantFrom('', 'a1'),
          ts: fc.integer({ min: 0, max: 50 }),
        }),
        { maxLength: 30 },
      );
      fc.assert(
        fc.property(seriesArb, fc.array(fc.nat(40), { maxLength: 20 }), (raw, picks) => {
          const series = raw.map((r, i) => point(r.session, r.agent, `c${String(i).padStart(2, '0')}`, r.ts));
          const reads = picks.map(
            (p): FileReadEvidence => ({
              dedupKey: `c${String(p).padStart(2, '0')}`,
              ts: 0,
              taskId: null,
              sessionId: 's1',
            }),
          );
          const got = drivenCalls(reads, [...series].reverse());
          // Oracle: sort each thread, take the successor.
          const successor = (key: string): RequestPoint | undefined => {
            const at = series.find((p) => p.dedupKey === key);
            if (at === undefined) return undefined;
            const thread = series
              .filter((p) => p.sessionId === at.sessionId && p.agentId === at.agentId)
              .sort((a, b) => a.ts - b.ts || (a.dedupKey < b.dedupKey ? -1 : 1));
            return thread[thread.indexOf(at) + 1];
          };
          const expected = new Set(reads.flatMap((r) => successor(r.dedupKey)?.dedupKey ?? []));
          expect(new Set(got.calls.map((c) => c.dedupKey))).toEqual(expected);
          expect(got.calls.length).toBe(expected.size);
          expect(got.unlinked).toBe(reads.filter((r) => successor(r.dedupKey) === undefined).length);
        }),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

/** Reads of `file` in `task` (one session per task), each call a minute apart from `start`. */
function rows(file: string, task: string, reads: number, start: number): FileReadRow {
  const calls = Array.from({ length: reads }, (_, i) => ({
    dedupKey: `${task}-${file}-${i}`,
    ts: start + i * 60_000,
  }));
  return { file, taskId: task, sessionId: `s-${task}`, reads, calls };
}

function input(fileReads: FileReadRow[]): AnomalyInput {
  return {
    window: { fromMs: 0, toMs: 1e12 },
    units: [],
    days: [],
    tasks: new Map(),
    series: [],
    fileReads,
    readSeries: [],
  };
}

describe('the re-read detector', () => {
  const clean = ['T1', 'T2', 'T3', 'T4', 'T5'].flatMap((t, i) => [
    rows('/r/docs/a.md', t, 1, i * 1e6),
    rows('/r/src/b.ts', t, 1, i * 1e6),
  ]);

  it('raises nothing on a clean history, or for a single repeat', () => {
    expect(fileReread(input(clean), DEFAULT_THRESHOLDS)).toEqual([]);
    expect(fileReread(input([...clean, rows('/r/src/b.ts', 'T6', 2, 9e6)]), DEFAULT_THRESHOLDS)).toEqual([]);
  });

  it('flags a file read again and again, with no driven calls when the series has none', () => {
    const [flag, ...rest] = fileReread(
      input([...clean, rows('/r/docs/a.md', 'T6', 3, 9e6)]),
      DEFAULT_THRESHOLDS,
    );
    expect(rest).toEqual([]);
    expect(flag?.subject).toEqual({ file: '/r/docs/a.md' });
    expect(flag?.evidence.facts).toMatchObject({
      reads: 8,
      tasks: 6,
      repeatReads: 2,
      drivenCalls: 0,
      unlinkedReads: 2,
    });
    expect(flag?.evidence.reads?.filter((r) => r.repeat).map((r) => r.dedupKey)).toEqual([
      'T6-/r/docs/a.md-1',
      'T6-/r/docs/a.md-2',
    ]);
  });

  it('judges nothing with fewer baseline values than the threshold', () => {
    const few = [rows('/r/docs/a.md', 'T1', 4, 0)];
    expect(fileReread(input(few), DEFAULT_THRESHOLDS)).toEqual([]);
  });
});

describe('pricing a driven call', () => {
  it('uses the size class of its prompt, and a reported cost when the model has no price', () => {
    expect(sizeClassOf({ ...point('s', '', 'k', 0), input: 100_000 })).toBe(0);
    expect(sizeClassOf({ ...point('s', '', 'k', 0), input: 100_001 })).toBe(1);
    expect(sizeClassOf({ ...point('s', '', 'k', 0), input: 150_000, cacheRead: 50_001 })).toBe(2);
    const pricer = createPricer();
    // Sonnet 4.5: input $3 and output $15 per million tokens.
    expect(callCost(pricer, point('s', '', 'k', Date.parse('2026-11-01'), 1_000))).toBeCloseTo(0.00315, 12);
    const unknown = { ...point('s', '', 'k', 0), model: 'no-such-model' };
    expect(callCost(pricer, unknown)).toBeNull();
    expect(callCost(pricer, { ...unknown, reportedCost: 0.5 })).toBe(0.5);
  });
});
