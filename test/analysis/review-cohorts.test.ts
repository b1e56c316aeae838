/**
 * The review rules that compare pieces of work (review-cohorts.ts) on real SQLite ledgers, every
 * saving worked out by hand from data/prices.json (USD per million tokens): opus 4.5 5 / 6.25 / 0.5
 * / 25, sonnet 4.5 3 / 3.75 / 0.3 / 15, haiku 4.5 1 / 1.25 / 0.1 / 5 (input / cache write / cache
 * read / output).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cohortSamples } from '../../src/analysis/proposal-check.js';
import { reviewWithFindings } from '../../src/analysis/usage-review.js';
import { createPricer } from '../../src/pricing/create-pricer.js';
import { cleanupTemp, openTempLedger } from '../helpers/ledger.js';
import {
  DAY,
  expensiveSmallWork,
  HAIKU,
  OPUS,
  type PlantedTask,
  plantTasks,
  SONNET,
} from '../helpers/planted-review.js';

afterEach(cleanupTemp);

const START = Date.parse('2026-11-16T08:00:00Z');

async function review(tasks: readonly PlantedTask[], failed: readonly string[] = []) {
  const store = openTempLedger();
  await plantTasks(store, tasks);
  for (const taskId of failed) {
    await store.recordRun({
      sessionId: `s-${taskId}`,
      taskId,
      stage: null,
      labels: null,
      startedAt: START,
      endedAt: START + 1,
      exitCode: 1,
      signal: null,
      totalCostUsd: null,
      costUsd: null,
      modelUsage: null,
      numTurns: null,
      durationMs: null,
      durationApiMs: null,
      isError: true,
      subtype: 'error_during_execution',
      source: 'result',
    });
  }
  const ctx = { store, pricer: createPricer(), mode: 'auto' as const };
  return reviewWithFindings(ctx, { date: '2026-11-20', days: 7, timeZone: 'UTC' });
}

describe('cohort rules', () => {
  it('downshifts scout, whose opus work haiku did in as many turns; the saving is the price difference', async () => {
    const { findings } = await review(expensiveSmallWork(START, START + 3 * DAY));
    const scout = findings.filter((f) => f.proposal?.target === 'scout');
    expect(scout).toHaveLength(1);
    expect(scout[0]?.proposal).toEqual({
      kind: 'model_downshift',
      target: 'scout',
      edit: { type: 'agent-model', agent: 'scout', model: 'haiku' },
      cohort: { agent: 'scout', model: 'claude-opus-4-5-20251101' },
    });
    // 8 opus tasks, 6 calls each: input 2000+37i, output 150, cache write 3000, cache read 20000+211i.
    let saving = 0;
    for (let i = 0; i < 8; i++)
      saving += (6 * ((2000 + 37 * i) * 4 + 150 * 20 + 3000 * 5 + (20000 + 211 * i) * 0.4)) / 1e6;
    expect(scout[0]?.recommendation.savingUsd).toBeCloseTo(saving, 9);
  });

  it('upshifts fixer, which needs many more turns on haiku than on sonnet', async () => {
    const tokens = { input: 1_000, output: 800, cacheWrite: 500, cacheRead: 10_000 };
    const tasks: PlantedTask[] = [];
    for (let i = 0; i < 4; i++) {
      tasks.push({
        task: `H-${i}`,
        startMs: START + (i * DAY) / 2,
        calls: [{ agent: `fixer:h${i}`, model: HAIKU, count: 20, tokens }],
      });
      tasks.push({
        task: `S-${i}`,
        startMs: START + (i * DAY) / 2 + 3_600_000,
        calls: [{ agent: `fixer:s${i}`, model: SONNET, count: 6, tokens }],
      });
    }
    const { findings } = await review(tasks);
    expect(findings.map((f) => f.proposal?.kind)).toEqual(['model_upshift']);
    const [f] = findings;
    expect(f?.proposal?.edit).toEqual({ type: 'agent-model', agent: 'fixer', model: 'sonnet' });
    expect(f?.proposal?.cohort).toEqual({ agent: 'fixer', model: HAIKU });
    // Haiku: 80 calls × $0.006625 = $0.53; at sonnet prices with 6 turns instead of 20:
    // 80 × $0.019875 × 6/20 = $0.477; saving $0.053.
    expect(f?.recommendation.savingUsd).toBeCloseTo(0.053, 9);
    expect(f?.recommendation.evidence).toContain('4 tasks on sonnet (median 6 turns');
  });

  it('flags cache writes that are not read back', async () => {
    const { findings } = await review([
      {
        task: 'M-1',
        startMs: START,
        calls: [
          {
            agent: 'mapper:m1',
            model: SONNET,
            count: 5,
            tokens: { input: 1_000, output: 2_000, cacheWrite: 50_000, cacheRead: 10_000 },
          },
        ],
      },
    ]);
    expect(findings.map((f) => f.proposal?.kind)).toEqual(['cache_rewrite']);
    // 250,000 written, 50,000 read: 200,000 re-created, each $3.75 − $0.30 per million cheaper as a read.
    expect(findings[0]?.recommendation.savingUsd).toBeCloseTo((200_000 * 3.45) / 1e6, 9);
    expect(findings[0]?.proposal?.edit.type).toBe('policy-rule');
  });

  it('proposes fewer subagents only when their set-up outweighs what they returned', async () => {
    const fanOut = (
      task: string,
      tokens: { input: number; output: number; cacheWrite: number; cacheRead: number },
    ): PlantedTask => ({
      task,
      startMs: START,
      calls: [
        {
          agent: 'main',
          model: SONNET,
          count: 2,
          tokens: { input: 100, output: 200, cacheWrite: 1_000, cacheRead: 5_000 },
        },
        ...[1, 2, 3, 4].map((n) => ({ agent: `helper:${task}h${n}`, model: SONNET, count: 1, tokens })),
      ],
    });
    // Set-up 100 × $3 + 15,000 × $3.75 per million = $0.05655 against 300 × $15 = $0.0045 of output.
    const costly = await review([
      fanOut('F-1', { input: 100, output: 300, cacheWrite: 15_000, cacheRead: 0 }),
    ]);
    expect(costly.findings.map((f) => f.proposal?.kind)).toEqual(['fan_out']);
    expect(costly.findings[0]?.recommendation.savingUsd).toBeCloseTo(4 * 0.05655, 9);
    // Set-up $0.0003 + 500 × $3.75 = $0.0022 against 900 × $15 = $0.0135: they paid for themselves.
    const cheap = await review([fanOut('F-2', { input: 100, output: 900, cacheWrite: 500, cacheRead: 0 })]);
    expect(cheap.findings).toEqual([]);
  });

  it('upshifts instead of downshifting when the cheaper model fails more, in as many turns', async () => {
    const tokens = { input: 1_000, output: 100, cacheWrite: 500, cacheRead: 10_000 };
    const tasks: PlantedTask[] = [];
    for (let i = 0; i < 4; i++) {
      tasks.push({
        task: `H-${i}`,
        startMs: START + (i * DAY) / 2,
        calls: [{ agent: `fixer:h${i}`, model: HAIKU, count: 6, tokens }],
      });
      tasks.push({
        task: `S-${i}`,
        startMs: START + (i * DAY) / 2 + 3_600_000,
        calls: [{ agent: `fixer:s${i}`, model: SONNET, count: 6, tokens }],
      });
    }
    const ok = await review(tasks);
    expect(ok.findings.map((f) => f.proposal?.kind)).toEqual(['model_downshift']);
    const failing = await review(tasks, ['H-0', 'H-2']);
    expect(failing.findings.map((f) => f.proposal?.kind)).toEqual(['model_upshift']);
    expect(failing.findings[0]?.recommendation.evidence).toContain(
      'tasks with a failed run: 50% on haiku, 0% on sonnet',
    );
  });

  it('takes the cohort per task for review check: its tasks, costs and turns, on one model or any', async () => {
    const store = openTempLedger();
    await plantTasks(store, expensiveSmallWork(START, START + 3 * DAY));
    const ctx = { store, pricer: createPricer(), mode: 'auto' as const };
    const range = { fromMs: START - DAY, toMs: START + 4 * DAY };
    const all = await cohortSamples(ctx, { agent: 'scout' }, range);
    expect(all).toHaveLength(12);
    expect(all.reduce((n, s) => n + s.turns, 0)).toBe(72);
    const opus = await cohortSamples(ctx, { agent: 'scout' }, { ...range, model: OPUS });
    expect(opus.map((s) => s.task)).toEqual(Array.from({ length: 8 }, (_, i) => `T-opus-${i}`));
    opus.forEach((s, i) => {
      const perCall = ((2000 + 37 * i) * 5 + 150 * 25 + 3000 * 6.25 + (20000 + 211 * i) * 0.5) / 1e6;
      expect(s.cost).toBeCloseTo(6 * perCall, 12);
    });
    expect(await cohortSamples(ctx, { agent: 'scout', stage: 'review' }, range)).toEqual([]);
  });
});
