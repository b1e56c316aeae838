/**
 * Request series: the API calls of a few sessions, one row per dedup key after the max-merge, in
 * session, thread, time and dedup-key order, bounded by the span, without declared telemetry.
 * @module
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Declaration, DeclaredEntry } from '../../../src/ledger/telemetry-repository.js';
import type { RequestPoint } from '../../../src/ledger/usage-repository.js';
import type { OpenLedger } from './describe-ledger.js';
import { fileWrite, MIN, ORIGIN, PROPERTY_TIMEOUT_MS, T0, usage, withLedger } from './ledger-inputs.js';

const entry: DeclaredEntry = {
  agent: 'coder',
  model: 'claude-haiku-4-5-20251001',
  inputTokens: 900,
  outputTokens: 90,
  totalTokens: null,
  estimatedCost: null,
};

function declaration(taskId: string, ts: number): Declaration {
  return {
    taskId,
    ts: ts,
    declaredAt: new Date(ts).toISOString(),
    summary: 'A task',
    mode: 'log_only',
    project: '/p',
    receivedAt: ts,
    missing: [],
    entries: [entry],
  };
}

export function requestSeriesContract(open: OpenLedger): void {
  describe('request series', () => {
    it('gives each call once (max-merged) in session, thread and time order, within the span', async () => {
      await withLedger(open, async ({ store }) => {
        await store.writeFiles(
          [
            fileWrite('/t/a.jsonl', [
              usage({ dedupKey: 'k3', sessionId: 's1', ts: T0 + 3 * MIN, input: 30, cacheRead: 7 }),
              usage({ dedupKey: 'k1', sessionId: 's1', ts: T0 + MIN, input: 10, cacheWrite: 100 }),
              usage({ dedupKey: 'k2', sessionId: 's1', ts: T0 + 2 * MIN, agentId: 'a1', sidechain: true }),
              usage({ dedupKey: 'k4', sessionId: 's2', ts: T0, input: 1, output: 2 }),
              usage({ dedupKey: 'k5', sessionId: 's3', ts: T0, input: 1 }),
            ]),
            // The same call again with larger numbers: the row takes the maximum of each field.
            fileWrite('/t/b.jsonl', [usage({ dedupKey: 'k1', sessionId: 's1', ts: T0 + MIN, output: 40 })]),
          ],
          ORIGIN,
        );
        await store.declareTask(declaration('T-1', T0 + MIN), ORIGIN);
        const all = await store.requestSeries(['s2', 's1', 'telemetry:T-1']);
        expect(all.map((p) => `${p.sessionId}/${p.agentId}/${p.dedupKey}`)).toEqual([
          's1//k1',
          's1//k3',
          's1/a1/k2',
          's2//k4',
        ]);
        expect(all[0]).toEqual<RequestPoint>({
          sessionId: 's1',
          agentId: '',
          dedupKey: 'k1',
          ts: T0 + MIN,
          model: 'claude-sonnet-4-5-20250929',
          input: 10,
          cacheRead: 0,
          cacheWrite: 100,
          output: 40,
          cacheWrite1h: 0,
          webSearch: 0,
          speed: '',
          geo: '',
          reportedCost: null,
        });
        // What prices a call comes along: 1-hour cache writes, web searches, speed, geo, a reported cost.
        await store.writeFiles(
          [
            fileWrite('/t/c.jsonl', [
              usage({
                dedupKey: 'k6',
                sessionId: 's4',
                cacheWrite: 50,
                cacheWrite1h: 20,
                webSearch: 2,
                speed: 'fast',
                geo: 'us',
                reportedCost: 0.25,
              }),
            ]),
          ],
          ORIGIN,
        );
        expect(await store.requestSeries(['s4'])).toEqual([
          expect.objectContaining({
            cacheWrite: 50,
            cacheWrite1h: 20,
            webSearch: 2,
            speed: 'fast',
            geo: 'us',
            reportedCost: 0.25,
          }),
        ]);
        const span = await store.requestSeries(['s1'], { fromMs: T0 + 2 * MIN, toMs: T0 + 3 * MIN });
        expect(span.map((p) => p.dedupKey)).toEqual(['k2']);
        expect(await store.requestSeries([])).toEqual([]);
      });
    });

    it(
      'gives exactly the calls of the sessions asked for, with their sums',
      async () => {
        const call = fc.record({
          session: fc.integer({ min: 0, max: 3 }),
          minute: fc.integer({ min: 0, max: 50 }),
          input: fc.integer({ min: 0, max: 10_000 }),
          cacheRead: fc.integer({ min: 0, max: 10_000 }),
        });
        await fc.assert(
          fc.asyncProperty(
            fc.array(call, { minLength: 1, maxLength: 20 }),
            fc.subarray([0, 1, 2, 3]),
            async (calls, asked) => {
              await withLedger(open, async ({ store }) => {
                const records = calls.map((c, i) =>
                  usage({
                    dedupKey: `k${i}`,
                    sessionId: `s${c.session}`,
                    ts: T0 + c.minute * MIN,
                    input: c.input,
                    cacheRead: c.cacheRead,
                  }),
                );
                await store.writeFiles([fileWrite('/t/p.jsonl', records)], ORIGIN);
                const got = await store.requestSeries(asked.map((s) => `s${s}`));
                const want = calls.filter((c) => asked.includes(c.session));
                expect(got.length).toBe(want.length);
                expect(got.reduce((n, p) => n + p.input + p.cacheRead, 0)).toBe(
                  want.reduce((n, c) => n + c.input + c.cacheRead, 0),
                );
                for (let i = 1; i < got.length; i++) {
                  const a = got[i - 1];
                  const b = got[i];
                  if (a === undefined || b === undefined) continue;
                  expect(a.sessionId < b.sessionId || (a.sessionId === b.sessionId && a.ts <= b.ts)).toBe(
                    true,
                  );
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
