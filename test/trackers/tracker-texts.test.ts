/**
 * The texts a finished task leaves in other tools, and the key that decides "same numbers, write
 * nothing": it changes exactly when a usage number changes (property), and totals are plain integers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TaskSummary } from '../../src/analysis/tasks.js';
import { emptyUsageRow, type UsageRow } from '../../src/analysis/usage-table.js';
import type { UsageSums } from '../../src/ledger/usage-sums.js';
import { sumsKey, taskEndText, workflowMetricsLine } from '../../src/outputs/tracker-texts.js';

const count = fc.nat({ max: 5_000_000 });
const sums = fc.record({
  input: count,
  output: count,
  cacheWrite: count,
  cacheWrite1h: count,
  cacheRead: count,
  webSearch: count,
  responses: count,
  reportedCost: fc.double({ min: 0, max: 100, noNaN: true }),
  reportedRows: count,
  lowerBound: count,
});

const NUMBERS = [
  'input',
  'output',
  'cacheWrite',
  'cacheWrite1h',
  'cacheRead',
  'webSearch',
  'responses',
] as const;

function row(label: Record<string, string>, s: UsageSums, cost: number): UsageRow {
  return { ...emptyUsageRow(label), sums: s, cost, firstTs: 1_000, lastTs: 61_000 };
}

function summary(total: UsageRow, byStage: UsageRow[], byModel: UsageRow[]): TaskSummary {
  const s: TaskSummary = {
    task: {
      id: 'bd-a1b2',
      title: 'Greet',
      parentId: null,
      status: 'done',
      estimateTokens: 10_000,
      estimateUsd: null,
      labels: {},
      stage: null,
      project: null,
      createdAt: 0,
      startedAt: null,
      endedAt: null,
    },
    tree: ['bd-a1b2'],
    total,
    byModel,
    byStage,
    byAgent: [],
    children: [],
    runs: { runs: 0, numTurns: 0, durationMs: 0, durationApiMs: 0, claudeCodeCostUsd: null },
    variance: {
      tokens: { estimate: 10_000, actual: 12_345_678, ratio: 1234.5678, percent: 123357 },
      usd: null,
      overrun: true,
      multiple: 4,
      noUsageYet: false,
    },
  };
  return s;
}

describe('the same-numbers key', () => {
  it('is equal exactly when every usage number is equal; costs and reported rows never change it', () => {
    fc.assert(
      fc.property(sums, sums, (a, b) => {
        const same = NUMBERS.every((k) => a[k] === b[k]);
        expect(sumsKey(a) === sumsKey(b)).toBe(same);
        expect(sumsKey({ ...a, reportedCost: a.reportedCost + 1, reportedRows: 0 })).toBe(sumsKey(a));
      }),
    );
  });
});

describe('the comment and the metrics line', () => {
  const s: UsageSums = {
    input: 12_000_000,
    output: 345_678,
    cacheWrite: 0,
    cacheWrite1h: 0,
    cacheRead: 0,
    webSearch: 0,
    responses: 1_234,
    reportedCost: 0,
    reportedRows: 0,
    lowerBound: 0,
  };
  const total = row({}, s, 12.5);
  const text = taskEndText(
    summary(total, [row({ stage: 'implementation' }, s, 12.5)], [row({ model: 'claude-x' }, s, 12.5)]),
  );

  it('writes totals as plain integers, so grep finds them', () => {
    expect(text.split('\n')).toEqual([
      'tokenledger actuals for bd-a1b2: 12345678 tokens, $12.5000, 1234 API calls (estimate 10000 tokens, +123357%)',
      'stage implementation: 12345678 tokens (input 12000000, output 345678, cache write 0, cache read 0), $12.5000, 1234 API calls',
      'model claude-x: 12345678 tokens (input 12000000, output 345678, cache write 0, cache read 0), $12.5000, 1234 API calls',
    ]);
  });

  it('a stage line has every field the workflow metrics file promises', () => {
    const line = workflowMetricsLine({
      task: 'bd-a1b2',
      title: 'Greet',
      stage: 'implementation',
      row: row({ stage: 'implementation' }, s, 12.5),
      agentTypes: ['implementer', 'main'],
      turns: 3,
      machine: 'box',
      event: 'task_stop',
      at: Date.UTC(2026, 11, 7),
    });
    expect(line).toEqual({
      ts: '2026-12-07T00:00:00.000Z',
      event: 'task_stop',
      task: 'bd-a1b2',
      title: 'Greet',
      stage: 'implementation',
      agentType: 'implementer',
      agentTypes: ['implementer', 'main'],
      model: null,
      models: [],
      tokens: {
        input: 12_000_000,
        output: 345_678,
        cacheWrite: 0,
        cacheWrite1h: 0,
        cacheRead: 0,
        total: 12_345_678,
      },
      costUsd: 12.5,
      apiCalls: 1_234,
      turns: 3,
      durationMs: 60_000,
      machine: 'box',
    });
  });
});
