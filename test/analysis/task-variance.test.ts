/**
 * A task's variance: its estimate against its subtree's usage; with an estimate but no usage yet
 * there is nothing to compare (null, and `noUsageYet`), never −100%.
 */
import { describe, expect, it } from 'vitest';
import { taskVariance } from '../../src/analysis/tasks.js';
import { emptyUsageRow, type UsageRow } from '../../src/analysis/usage-table.js';
import { variancePercent } from '../../src/cli/metrics-log.js';
import type { TaskRow } from '../../src/ledger/task-repository.js';

const task = (estimateTokens: number | null, estimateUsd: number | null): TaskRow => ({
  id: 'T',
  title: null,
  parentId: null,
  status: 'open',
  estimateTokens,
  estimateUsd,
  labels: {},
  stage: null,
  project: null,
  createdAt: 0,
  startedAt: null,
  endedAt: null,
});

function used(input: number, cost: number): UsageRow {
  const row = emptyUsageRow();
  return { ...row, sums: { ...row.sums, input, responses: 1 }, cost };
}

describe('taskVariance', () => {
  it('an estimate and no usage yet: no variance, noUsageYet, no overrun', () => {
    expect(taskVariance(task(40_000, 2), emptyUsageRow(), 4)).toEqual({
      tokens: null,
      usd: null,
      overrun: false,
      multiple: 4,
      noUsageYet: true,
    });
  });

  it('no estimate: no variance, and not "no usage yet" either', () => {
    expect(taskVariance(task(null, null), emptyUsageRow(), 4).noUsageYet).toBe(false);
  });

  it('with usage: the ratios and percentages, and the overrun past the multiple', () => {
    const v = taskVariance(task(1000, 1), used(5000, 0.5), 4);
    expect(v).toEqual({
      tokens: { estimate: 1000, actual: 5000, ratio: 5, percent: 400 },
      usd: { estimate: 1, actual: 0.5, ratio: 0.5, percent: -50 },
      overrun: true,
      multiple: 4,
      noUsageYet: false,
    });
  });
});

describe('variancePercent (the metrics line)', () => {
  it('is signed, and null without an estimate or without usage', () => {
    expect(variancePercent(1000, 2250)).toBe('+125%');
    expect(variancePercent(1000, 900)).toBe('-10%');
    expect(variancePercent(1000, 0)).toBeNull();
    expect(variancePercent(null, 10)).toBeNull();
  });
});
