import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TaskRow } from '../ledger/task-repository.js';
import type { GroupRow } from '../ledger/usage-repository.js';
import { createPricer } from '../pricing/create-pricer.js';
import { categoryEstimate, type EstimateMember, similarTask } from './estimates.js';
import { measureTasks } from './task-measures.js';
import { forecastAccuracy, medianMultiplier } from './variance-groups.js';

function task(id: string, over: Partial<TaskRow> = {}): TaskRow {
  return {
    id,
    title: null,
    parentId: null,
    status: 'done',
    estimateTokens: null,
    estimateUsd: null,
    labels: {},
    stage: null,
    project: null,
    createdAt: 0,
    startedAt: null,
    endedAt: null,
    ...over,
  };
}

function row(taskId: string, input: number, model = 'claude-sonnet-4-5-20250929', responses = 1): GroupRow {
  return {
    values: { task: taskId },
    bucket: 0,
    model,
    sizeClass: 0,
    speed: '',
    geo: '',
    input,
    output: 0,
    cacheWrite: 0,
    cacheWrite1h: 0,
    cacheRead: 0,
    webSearch: 0,
    reportedCost: 0,
    reportedRows: 0,
    responses,
    lowerBound: 0,
    firstTs: 1000,
    lastTs: 61_000,
  };
}

describe('task measures', () => {
  it('own usage, or the subtree with parents; the main model is that of most API calls', () => {
    const rows = [
      row('P', 10),
      row('C', 100, 'claude-haiku-4-5-20251001', 3),
      row('C', 5, 'claude-opus-4-6', 2),
    ];
    const pricer = createPricer();
    const own = measureTasks(rows, pricer, 'auto');
    expect(own.get('P')?.tokens).toBe(10);
    expect(own.get('C')).toMatchObject({
      tokens: 105,
      turns: 5,
      durationMs: 60_000,
      mainModel: 'claude-haiku-4-5-20251001',
    });
    const subtree = measureTasks(
      rows,
      pricer,
      'auto',
      new Map([
        ['C', 'P'],
        ['P', null],
      ]),
    );
    expect(subtree.get('P')?.tokens).toBe(115);
    expect(subtree.get('P')?.cost).toBeCloseTo((own.get('P')?.cost ?? 0) + (own.get('C')?.cost ?? 0), 12);
  });
});

describe('estimates', () => {
  it('p50/p80 per task and the median actual ÷ estimate', () => {
    const pricer = createPricer();
    const tasks = [task('A', { estimateTokens: 100 }), task('B', { estimateTokens: 100 }), task('C')];
    const measures = measureTasks([row('A', 50), row('B', 200), row('C', 400)], pricer, 'auto');
    const members: EstimateMember[] = tasks.map((t) => {
      const measure = measures.get(t.id);
      if (measure === undefined) throw new Error('no measure');
      return { task: t, measure };
    });
    const e = categoryEstimate('all', members, 4);
    expect(e.tasks).toBe(3);
    expect(e.tokens).toEqual({ p50: 200, p80: 320 });
    expect(e.estimatedTasks).toBe(2);
    expect(e.multiplier).toBe(1.25);
    expect(categoryEstimate('none', [], 4)).toMatchObject({
      tasks: 0,
      tokens: null,
      usd: null,
      multiplier: null,
    });
  });

  it('similar tasks have the stage and every label given', () => {
    const t = task('A', { stage: 'review', labels: { team: 'x', kind: 'bug' } });
    expect(similarTask(t, {}, null)).toBe(true);
    expect(similarTask(t, { team: 'x' }, 'review')).toBe(true);
    expect(similarTask(t, { team: 'y' }, null)).toBe(false);
    expect(similarTask(t, {}, 'implementation')).toBe(false);
  });

  it('forecast accuracy counts exactly the known ratios within [0.5, 1.5]', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: null })),
        (ratios) => {
          const a = forecastAccuracy(ratios);
          const known = ratios.filter((r) => r !== null);
          expect(a.tasks).toBe(known.length);
          expect(a.within50).toBe(known.filter((r) => Math.abs(r - 1) <= 0.5).length);
          expect(a.within50).toBeLessThanOrEqual(a.tasks);
          expect(a.share).toBe(known.length === 0 ? null : a.within50 / known.length);
          expect(medianMultiplier(ratios) === null).toBe(known.length === 0);
        },
      ),
    );
    expect(forecastAccuracy([0.5, 1.5, 0.49, 1.51, null])).toEqual({ tasks: 4, within50: 2, share: 0.5 });
  });
});
