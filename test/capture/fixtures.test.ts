/**
 * Table-driven: every `test/fixtures/claude/<case>` is imported into a fresh ledger and compared with
 * the totals in its `expected.json`, which were computed by hand from the fixture's lines with the
 * de-duplication rule of FORMATS.md §1.5.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  cleanupTemp,
  copyFixture,
  fixtureCases,
  importDirs,
  importFixture,
  openTempLedger,
  type ProblemView,
  readExpected,
  snapshot,
  type Totals,
  type TotalsBy,
} from '../helpers/ledger.js';

interface Expected {
  why: string;
  project: string;
  total: Totals;
  bySession: TotalsBy;
  byAgent: TotalsBy;
  byAgentId?: TotalsBy;
  byModel: TotalsBy;
  timeRange?: { first: string; last: string };
  problems: (Omit<ProblemView, 'reason'> & { reason: string })[];
  costStates?: Record<string, unknown>;
}

const cases = fixtureCases().map((name) => ({ name, expected: readExpected<Expected>(name) }));

afterEach(cleanupTemp);

describe('fixture cases (expected.json)', () => {
  it('finds every fixture case', () => {
    expect(cases.length).toBeGreaterThanOrEqual(19);
    expect(cases.every((c) => c.expected.why.length > 0)).toBe(true);
  });

  it.each(cases)('$name: overall totals', async ({ name, expected }) => {
    const { snap } = await importFixture(name);
    expect(snap.total).toEqual(expected.total);
  });

  it.each(cases)('$name: totals by session', async ({ name, expected }) => {
    const { snap } = await importFixture(name);
    expect(snap.bySession).toEqual(expected.bySession);
  });

  it.each(cases)('$name: totals by agent type', async ({ name, expected }) => {
    const { snap } = await importFixture(name);
    expect(snap.byAgent).toEqual(expected.byAgent);
  });

  it.each(cases)('$name: totals by model', async ({ name, expected }) => {
    const { snap } = await importFixture(name);
    expect(snap.byModel).toEqual(expected.byModel);
  });

  it.each(cases)('$name: project is the real cwd, not the slug', async ({ name, expected }) => {
    const { snap } = await importFixture(name);
    expect(snap.byProject).toEqual({ [expected.project]: expected.total });
  });

  it.each(cases)('$name: problems', async ({ name, expected }) => {
    const { snap } = await importFixture(name);
    expect(snap.problems).toHaveLength(expected.problems.length);
    expect(snap.problemTotal).toBe(expected.problems.length);
    expect(snap.problems).toEqual(
      expected.problems.map((p) => ({ ...p, reason: expect.stringContaining(p.reason) })),
    );
  });

  it.each(cases)('$name: importing again changes nothing', async ({ name }) => {
    const dir = copyFixture(name);
    const store = openTempLedger();
    await importDirs(store, dir);
    const first = await snapshot(store, dir);
    const again = await importDirs(store, dir);
    expect(again.records).toBe(0);
    expect(await snapshot(store, dir)).toEqual(first);
  });

  it.each(cases)('$name: the same files under two roots count once', async ({ name }) => {
    // The same fixture copied twice under two roots: every file is seen twice, nothing doubles.
    const a = copyFixture(name);
    const b = copyFixture(name);
    const one = await importFixture(name);
    const store = openTempLedger();
    await importDirs(store, [b, a]);
    const both = await snapshot(store, a);
    expect(both.total).toEqual(one.snap.total);
    expect(both.bySession).toEqual(one.snap.bySession);
  });

  const withAgentIds = cases.filter((c) => c.expected.byAgentId !== undefined);
  it.each(withAgentIds)('$name: totals by agent id', async ({ name, expected }) => {
    const { snap } = await importFixture(name);
    expect(snap.byAgentId).toEqual(expected.byAgentId);
  });

  const withTimes = cases.filter((c) => c.expected.timeRange !== undefined);
  it.each(withTimes)('$name: a response is dated by its earliest line', async ({ name, expected }) => {
    const { snap } = await importFixture(name);
    expect({ first: snap.firstTs, last: snap.lastTs }).toEqual({
      first: Date.parse(expected.timeRange?.first ?? ''),
      last: Date.parse(expected.timeRange?.last ?? ''),
    });
  });

  const withCostStates = cases.filter((c) => c.expected.costStates !== undefined);
  it.each(withCostStates)('$name: cost-state, last line wins', async ({ name, expected }) => {
    const { store } = await importFixture(name);
    const wanted = expected.costStates ?? {};
    const got = await store.costCheckpoints('claude-code', Object.keys(wanted));
    expect(Object.fromEntries(got)).toEqual(wanted);
  });
});
