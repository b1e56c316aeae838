import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaudeRunResult } from '../capture/claude/stream/types.js';
import { PlanUsageTracker } from './plan-tracker.js';
import type { TaskUsage } from './task-usage.js';

const usage = (
  i: number,
  o: number,
  cr: number,
  cw: number,
  cost: number | null,
  turns: number | null = 1,
  apiMs: number | null = 1000,
): TaskUsage => ({
  inputTokens: i,
  outputTokens: o,
  cacheReadTokens: cr,
  cacheCreationTokens: cw,
  totalCostUsd: cost,
  numTurns: turns,
  durationApiMs: apiMs,
});

/** Only the fields {@link PlanUsageTracker} reads from a parser result. */
const runResult = (i: number, o: number, cw: number, cr: number, cost: number | null) =>
  ({
    models: {},
    totals: {
      inputTokens: i,
      outputTokens: o,
      cacheCreationInputTokens: cw,
      cacheReadInputTokens: cr,
      cacheCreation1hInputTokens: 0,
      webSearchRequests: 0,
    },
    totalCostUsd: cost,
    numTurns: 4,
    durationApiMs: 2500,
  }) as unknown as ClaudeRunResult;

describe('PlanUsageTracker', () => {
  it('starts empty', () => {
    const t = new PlanUsageTracker();
    expect(t.taskCount).toBe(0);
    expect(t.summary()).toEqual({
      taskCount: 0,
      totals: {
        runs: 0,
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheCreationTokens: 0,
        totalTokens: 0,
        totalCostUsd: 0,
        costComplete: true,
        runsWithoutCost: 0,
        numTurns: null,
        durationApiMs: null,
        cacheHitRate: null,
      },
      cacheHitRate: null,
      tasks: [],
      sections: [],
    });
    expect(t.runningTotalsLine()).toBe(
      'plan: 0 tasks · $0.00 · in 0 / out 0 / cache read 0 / cache write 0 · cache hit n/a',
    );
  });

  it('records tasks, sums a task recorded twice, subtotals sections', () => {
    const t = new PlanUsageTracker({ planName: 'my-plan' });
    t.record('1.1', usage(1000, 500, 9000, 200, 0.1, 3, 1000), { section: 'Setup' });
    t.record('1.2', usage(2000, 600, 18000, 300, 0.2, 5, 2000), { section: 'Setup' });
    t.record('2.1', usage(345, 689, 73000, 1500, 0.93, 2, 500), { section: 'Build' });
    t.record('1.1', usage(9000, 5000, 0, 0, 0.1, 1, 100));
    t.record('3.1', usage(0, 0, 0, 0, 0, null, null));
    expect(t.taskCount).toBe(4);
    const s = t.summary();
    expect(s.totals).toEqual({
      runs: 5,
      inputTokens: 12345,
      outputTokens: 6789,
      cacheReadTokens: 100000,
      cacheCreationTokens: 2000,
      totalTokens: 121134,
      totalCostUsd: 1.33,
      costComplete: true,
      runsWithoutCost: 0,
      numTurns: 11,
      durationApiMs: 3600,
      cacheHitRate: 100000 / 112345,
    });
    expect(s.cacheHitRate).toBe(100000 / 112345);
    expect(s.tasks).toEqual([
      {
        taskId: '1.1',
        section: 'Setup',
        runs: 2,
        inputTokens: 10000,
        outputTokens: 5500,
        cacheReadTokens: 9000,
        cacheCreationTokens: 200,
        totalTokens: 24700,
        costUsd: 0.2,
        numTurns: 4,
        durationApiMs: 1100,
        cacheHitRate: 9000 / 19000,
      },
      {
        taskId: '1.2',
        section: 'Setup',
        runs: 1,
        inputTokens: 2000,
        outputTokens: 600,
        cacheReadTokens: 18000,
        cacheCreationTokens: 300,
        totalTokens: 20900,
        costUsd: 0.2,
        numTurns: 5,
        durationApiMs: 2000,
        cacheHitRate: 0.9,
      },
      {
        taskId: '2.1',
        section: 'Build',
        runs: 1,
        inputTokens: 345,
        outputTokens: 689,
        cacheReadTokens: 73000,
        cacheCreationTokens: 1500,
        totalTokens: 75534,
        costUsd: 0.93,
        numTurns: 2,
        durationApiMs: 500,
        cacheHitRate: 73000 / 73345,
      },
      {
        taskId: '3.1',
        section: null,
        runs: 1,
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheCreationTokens: 0,
        totalTokens: 0,
        costUsd: 0,
        numTurns: null,
        durationApiMs: null,
        cacheHitRate: null,
      },
    ]);
    expect(s.sections).toEqual([
      {
        section: 'Setup',
        tasks: 2,
        runs: 3,
        inputTokens: 12000,
        outputTokens: 6100,
        cacheReadTokens: 27000,
        cacheCreationTokens: 500,
        totalTokens: 45600,
        totalCostUsd: 0.4,
        costComplete: true,
        runsWithoutCost: 0,
        numTurns: 9,
        durationApiMs: 3100,
        cacheHitRate: 27000 / 39000,
      },
      {
        section: 'Build',
        tasks: 1,
        runs: 1,
        inputTokens: 345,
        outputTokens: 689,
        cacheReadTokens: 73000,
        cacheCreationTokens: 1500,
        totalTokens: 75534,
        totalCostUsd: 0.93,
        costComplete: true,
        runsWithoutCost: 0,
        numTurns: 2,
        durationApiMs: 500,
        cacheHitRate: 73000 / 73345,
      },
    ]);
    expect(t.runningTotalsLine()).toBe(
      'plan my-plan: 4 tasks · $1.33 · in 12,345 / out 6,789 / cache read 100,000 / cache write 2,000 · cache hit 89.0%',
    );
  });

  it('sums costs without float noise', () => {
    const t = new PlanUsageTracker();
    t.record('a', usage(1, 0, 0, 0, 0.1));
    t.record('a', usage(1, 0, 0, 0, 0.2));
    expect(t.task('a')?.costUsd).toBe(0.3);
    expect(t.summary().totals.totalCostUsd).toBe(0.3);
  });

  it('takes a ClaudeRunResult: totals of every model and the CLI cost', () => {
    const t = new PlanUsageTracker();
    t.record('x', runResult(10, 20, 30, 40, 0.05), { section: 'S' });
    expect(t.task('x')).toEqual({
      taskId: 'x',
      section: 'S',
      runs: 1,
      inputTokens: 10,
      outputTokens: 20,
      cacheReadTokens: 40,
      cacheCreationTokens: 30,
      totalTokens: 100,
      costUsd: 0.05,
      numTurns: 4,
      durationApiMs: 2500,
      cacheHitRate: 0.8,
    });
    expect(t.task('missing')).toBeNull();
  });

  describe('runs without a cost', () => {
    it('make the task cost null and the totals incomplete, never $0', () => {
      const t = new PlanUsageTracker({ planName: 'p' });
      t.record('a', usage(100, 10, 0, 0, 0.5), { section: 'S' });
      t.record('b', usage(100, 10, 0, 0, 0.25), { section: 'S' });
      t.record('b', runResult(100, 10, 0, 0, null));
      t.record('c', usage(100, 10, 0, 0, 1), { section: 'T' });
      const s = t.summary();
      expect(s.tasks.map((x) => x.costUsd)).toEqual([0.5, null, 1]);
      expect(s.totals).toMatchObject({
        totalCostUsd: 1.75,
        costComplete: false,
        runsWithoutCost: 1,
        runs: 4,
      });
      expect(s.sections.map((x) => [x.section, x.totalCostUsd, x.costComplete, x.runsWithoutCost])).toEqual([
        ['S', 0.75, false, 1],
        ['T', 1, true, 0],
      ]);
      expect(t.runningTotalsLine()).toBe(
        'plan p: 3 tasks · ≥$1.75 (1 run without cost) · in 400 / out 40 / cache read 0 / cache write 0 · cache hit 0.0%',
      );
    });

    it('read "cost unknown" when no run reported one', () => {
      const t = new PlanUsageTracker();
      t.record('a', usage(1, 1, 1, 1, null));
      t.record('b', usage(1, 1, 1, 1, null));
      expect(t.summary().totals).toMatchObject({ totalCostUsd: 0, costComplete: false, runsWithoutCost: 2 });
      expect(t.runningTotalsLine()).toBe(
        'plan: 2 tasks · cost unknown (2 runs without cost) · in 2 / out 2 / cache read 2 / cache write 2 · cache hit 50.0%',
      );
    });
  });

  it('prints costs below a cent with 4 decimals, and 1 task in the singular', () => {
    const t = new PlanUsageTracker({ planName: 'p' });
    t.record('a', usage(1, 0, 3, 0, 0.0042));
    expect(t.runningTotalsLine()).toBe(
      'plan p: 1 task · $0.0042 · in 1 / out 0 / cache read 3 / cache write 0 · cache hit 75.0%',
    );
  });

  it('keeps the first section of a task and rejects a different one', () => {
    const t = new PlanUsageTracker();
    t.record('a', usage(1, 0, 0, 0, 0.1));
    t.record('a', usage(1, 0, 0, 0, 0.1), { section: 'S' });
    t.record('a', usage(1, 0, 0, 0, 0.1));
    expect(t.task('a')?.section).toBe('S');
    expect(() => t.record('a', usage(1, 0, 0, 0, 0.1), { section: 'T' })).toThrow(
      'task "a" was recorded in section "S", not "T"',
    );
    expect(t.task('a')?.runs).toBe(3);
  });

  it.each([
    [() => ['', usage(1, 0, 0, 0, 0)], 'taskId must be a non-empty string, got ""'],
    [
      () => ['a', usage(-1, 0, 0, 0, 0)],
      'usage of task "a".inputTokens must be a non-negative integer, got -1',
    ],
    [
      () => ['a', usage(1, Number.NaN, 0, 0, 0)],
      'usage of task "a".outputTokens must be a non-negative integer',
    ],
    [
      () => ['a', usage(1, 0, 0, 0, Number.POSITIVE_INFINITY)],
      'usage of task "a".totalCostUsd must be a finite number ≥ 0 or null, got Infinity',
    ],
    [
      () => ['a', usage(1, 0, 0, 0, 0, -1)],
      'usage of task "a".numTurns must be a non-negative integer, got -1',
    ],
    [
      () => ['a', usage(1, 0, 0, 0, 0, 1, -5)],
      'usage of task "a".durationApiMs must be a finite number ≥ 0 or null, got -5',
    ],
  ] as [
    () => [string, TaskUsage],
    string,
  ][])('rejects bad input, recording nothing (%#)', (args, message) => {
    const t = new PlanUsageTracker();
    const [id, u] = args();
    expect(() => t.record(id, u)).toThrow(message);
    expect(t.taskCount).toBe(0);
  });

  it('rejects a blank section or plan name', () => {
    expect(() => new PlanUsageTracker().record('a', usage(0, 0, 0, 0, 0), { section: ' ' })).toThrow(
      'section of task "a" must be a non-empty string, got " "',
    );
    expect(() => new PlanUsageTracker({ planName: '' })).toThrow('planName must be a non-empty string');
  });

  it('summaryLines: the plan line, then sections, then tasks', () => {
    const t = new PlanUsageTracker({ planName: 'p' });
    t.record('1.1', usage(10, 1, 90, 0, 0.5, 3), { section: 'Build' });
    t.record('1.1', usage(0, 1, 0, 0, 0.25, 4), { section: 'Build' });
    t.record('2', usage(0, 0, 0, 0, null, null));
    expect(t.summaryLines()).toEqual([
      'plan p: 2 tasks · ≥$0.75 (1 run without cost) · in 10 / out 2 / cache read 90 / cache write 0 · cache hit 90.0%',
      '  section Build: 1 task · $0.75 · in 10 / out 2 / cache read 90 / cache write 0 · cache hit 90.0%',
      '  task 1.1 [Build]: 2 runs · $0.75 · in 10 / out 2 / cache read 90 / cache write 0 · cache hit 90.0% · 7 turns',
      '  task 2: 1 run · cost unknown (1 run without cost) · in 0 / out 0 / cache read 0 / cache write 0 · cache hit n/a',
    ]);
  });

  describe('report and writeReport', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenledger-plan-'));
    });
    afterEach(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const tracker = () => {
      const t = new PlanUsageTracker({ planName: 'default-name' });
      t.record('1.1', usage(100, 50, 300, 20, 0.12, 2, 1500), { section: 'Phase 1' });
      return t;
    };

    it('writes usage-report.json atomically as 2-space JSON with a trailing newline', () => {
      const file = path.join(dir, 'usage-report.json');
      const report = tracker().writeReport(file, {
        planName: 'my-plan',
        completedAt: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)),
      });
      const expected = {
        planName: 'my-plan',
        completedAt: '2025-01-02T03:04:05.000Z',
        totals: {
          runs: 1,
          inputTokens: 100,
          outputTokens: 50,
          cacheReadTokens: 300,
          cacheCreationTokens: 20,
          totalTokens: 470,
          totalCostUsd: 0.12,
          costComplete: true,
          runsWithoutCost: 0,
          numTurns: 2,
          durationApiMs: 1500,
          cacheHitRate: 0.75,
        },
        cacheHitRate: 0.75,
        tasks: [
          {
            taskId: '1.1',
            section: 'Phase 1',
            runs: 1,
            inputTokens: 100,
            outputTokens: 50,
            cacheReadTokens: 300,
            cacheCreationTokens: 20,
            totalTokens: 470,
            costUsd: 0.12,
            numTurns: 2,
            durationApiMs: 1500,
            cacheHitRate: 0.75,
          },
        ],
        sections: [
          {
            section: 'Phase 1',
            tasks: 1,
            runs: 1,
            inputTokens: 100,
            outputTokens: 50,
            cacheReadTokens: 300,
            cacheCreationTokens: 20,
            totalTokens: 470,
            totalCostUsd: 0.12,
            costComplete: true,
            runsWithoutCost: 0,
            numTurns: 2,
            durationApiMs: 1500,
            cacheHitRate: 0.75,
          },
        ],
      };
      expect(report).toEqual(expected);
      expect(fs.readFileSync(file, 'utf8')).toBe(`${JSON.stringify(expected, null, 2)}\n`);
      expect(fs.readdirSync(dir)).toEqual(['usage-report.json']);
    });

    it('defaults to the tracker plan name and to now, takes an ISO string, replaces an old report', () => {
      const file = path.join(dir, 'usage-report.json');
      fs.writeFileSync(file, 'old');
      const before = Date.now();
      const report = tracker().writeReport(file);
      expect(report.planName).toBe('default-name');
      const at = Date.parse(report.completedAt);
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(Date.now());
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(report);
      expect(tracker().report({ completedAt: '2025-06-01T00:00:00+02:00' }).completedAt).toBe(
        '2025-05-31T22:00:00.000Z',
      );
    });

    it('rejects a missing plan name and a bad date without writing', () => {
      const file = path.join(dir, 'usage-report.json');
      expect(() => new PlanUsageTracker().writeReport(file)).toThrow(
        'planName must be a non-empty string, got null',
      );
      expect(() => tracker().writeReport(file, { completedAt: 'soon' })).toThrow(
        'completedAt is not a valid date: "soon"',
      );
      expect(fs.existsSync(file)).toBe(false);
    });

    it('creates a missing dir, and names the file when it cannot write', () => {
      const nested = path.join(dir, 'plans', 'usage-report.json');
      tracker().writeReport(nested);
      expect(fs.existsSync(nested)).toBe(true);
      const blocker = path.join(dir, 'not-a-dir');
      fs.writeFileSync(blocker, 'x');
      const bad = path.join(blocker, 'usage-report.json');
      expect(() => tracker().writeReport(bad)).toThrow(`cannot write ${bad}: E`);
      expect(fs.readFileSync(blocker, 'utf8')).toBe('x');
    });
  });
});
