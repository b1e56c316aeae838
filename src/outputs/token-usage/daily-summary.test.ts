import { describe, expect, it } from 'vitest';
import { renderDailySummary } from './daily-summary.js';
import type { DayUsage, ErrorEntry, TaskUsageRecord, UsageEntry } from './model.js';

function entry(
  agent: string,
  model: string,
  inputTokens: number,
  outputTokens: number,
  estimatedCost: number | null,
): UsageEntry {
  return { agent, model, inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimatedCost };
}

const tasks: TaskUsageRecord[] = [
  {
    taskId: 'add-slots-api',
    timestamp: '2025-11-28T09:10:00Z',
    userRequestSummary: 'SECRET REQUEST TEXT one',
    entries: [entry('build-lead', 'opus', 20000, 5000, 0.75), entry('api-impl', 'sonnet', 15000, 5000, 0.3)],
  },
  {
    taskId: 'fix|pipe',
    timestamp: '2025-11-28T10:00:00Z',
    userRequestSummary: 'SECRET REQUEST TEXT two',
    entries: [entry('ui-impl', 'sonnet', 15000, 5000, 0.3), entry('ui-impl', 'haiku', 4000, 1000, null)],
  },
  {
    taskId: 'docs-typo',
    timestamp: '2025-11-28T11:00:00Z',
    userRequestSummary: 'SECRET REQUEST TEXT three',
    entries: [entry('build-lead', 'opus', 30000, 10000, 1.2)],
  },
];

const errors: ErrorEntry[] = [
  {
    at: '2025-11-28T09:30:00Z',
    taskId: 'add-slots-api',
    problem: 'Opus used for a one-line change.',
    kind: 'anomaly',
  },
  { at: '2025-11-28T10:01:00Z', taskId: 'fix|pipe', field: 'estimated_cost', problem: 'No price for haiku.' },
  {
    at: '2025-11-28T08:00:00Z',
    taskId: null,
    problem: 'Telemetry missing for a task.',
    resolution: 'Recovered from the transcript.',
  },
];

const day: DayUsage = {
  date: '2025-11-28',
  tasks,
  errors,
  optimizationCandidates: [
    'Consider using haiku for simple file reads in docs-typo.',
    'Batch ui-impl calls.',
  ],
};

const expected = `# Token Usage: 2025-11-28

## Totals

| Agent | Model | Input | Output | Total | Cost |
|-------|-------|-------|--------|-------|------|
| api-impl | sonnet | 15,000 | 5,000 | 20,000 | $0.30 |
| build-lead | opus | 50,000 | 15,000 | 65,000 | $1.95 |
| ui-impl | haiku | 4,000 | 1,000 | 5,000 | unavailable |
| ui-impl | sonnet | 15,000 | 5,000 | 20,000 | $0.30 |

## Top Expensive Tasks

1. **docs-typo**: Largest share: build-lead on opus (100% of tokens). 40,000 tokens, $1.20.
2. **add-slots-api**: Largest share: build-lead on opus (56% of tokens). 45,000 tokens, $1.05.
3. **fix|pipe**: Largest share: ui-impl on sonnet (80% of tokens). 25,000 tokens, $0.30 (partial: 5,000 tokens unpriced for model haiku).

## Anomalies

- **add-slots-api**: Opus used for a one-line change.
- 2 tracking failures logged in errors-2025-11-28.md, 1 pending.

## Optimization Candidates

- Batch ui-impl calls.
- Consider using haiku for simple file reads in docs-typo.
`;

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('renderDailySummary', () => {
  it('follows the seed 7.1 template', () => {
    expect(renderDailySummary(day)).toBe(expected);
  });

  it('never writes the request text', () => {
    expect(renderDailySummary(day)).not.toContain('SECRET');
  });

  it('gives the same bytes for shuffled tasks, entries, errors and candidates', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const mixed: DayUsage = {
        date: day.date,
        tasks: shuffled(tasks, seed).map((t) => ({ ...t, entries: shuffled(t.entries, seed + 7) })),
        errors: shuffled(errors, seed + 3),
        optimizationCandidates: shuffled(day.optimizationCandidates ?? [], seed),
      };
      expect(renderDailySummary(mixed)).toBe(expected);
    }
  });

  it('renders an empty day', () => {
    expect(renderDailySummary({ date: '2025-11-29', tasks: [], errors: [] })).toBe(`# Token Usage: 2025-11-29

## Totals

No usage recorded.

## Top Expensive Tasks

No tasks recorded.

## Anomalies

- None detected.

## Optimization Candidates

- None.
`);
  });

  it('counts the usage of no task in the Totals and says how much of it there is, apart from the tasks', () => {
    const text = renderDailySummary({
      date: '2025-11-28',
      tasks: [tasks[2] as TaskUsageRecord],
      unattributed: [entry('build-lead', 'opus', 2000, 500, 0.1), entry('main', 'haiku', 1000, 0, 0.002)],
      errors: [],
    });
    expect(text).toContain(`## Totals

| Agent | Model | Input | Output | Total | Cost |
|-------|-------|-------|--------|-------|------|
| build-lead | opus | 32,000 | 10,500 | 42,500 | $1.30 |
| main | haiku | 1,000 | 0 | 1,000 | $0.0020 |

Unattributed (no task): 3,500 tokens, $0.10.

## Top Expensive Tasks

1. **docs-typo**: Largest share: build-lead on opus (100% of tokens). 40,000 tokens, $1.20.
`);
    // Only unattributed usage, partly unpriced: the table and the line, no task.
    const alone = renderDailySummary({
      date: '2025-11-28',
      tasks: [],
      unattributed: [entry('main', 'x-model', 700, 0, null), entry('main', 'haiku', 300, 0, 0.0003)],
      errors: [],
    });
    expect(alone).toContain(
      'Unattributed (no task): 1,000 tokens, $0.0003 (partial: 700 tokens unpriced for model x-model).\n\n## Top Expensive Tasks\n\nNo tasks recorded.\n',
    );
    const unpriced = renderDailySummary({
      date: '2025-11-28',
      tasks: [],
      unattributed: [entry('main', 'x-model', 700, 0, null)],
      errors: [],
    });
    expect(unpriced).toContain('Unattributed (no task): 700 tokens, cost unavailable.');
    // An empty list adds no line.
    expect(renderDailySummary({ ...day, unattributed: [] })).toBe(renderDailySummary(day));
  });

  it('rejects a bad count in the unattributed usage, naming it', () => {
    expect(() =>
      renderDailySummary({
        date: '2025-11-28',
        tasks: [],
        unattributed: [{ ...entry('main', 'haiku', 1, 1, null), inputTokens: -1 }],
        errors: [],
      }),
    ).toThrow(/unattributed usage entries\[0\]\.inputTokens/);
  });

  it('escapes table cells, keeps unicode names, shows unavailable costs and lists at most 5 tasks', () => {
    const many: TaskUsageRecord[] = Array.from({ length: 7 }, (_, i) => ({
      taskId: `t${i}`,
      timestamp: `2025-11-28T0${i}:00:00Z`,
      userRequestSummary: 'x',
      entries: [entry('エージェント', 'a|b\\c', 1000 * (i + 1), 0, null)],
    }));
    const text = renderDailySummary({
      date: '2025-11-28',
      tasks: many,
      errors: [
        { at: '2025-11-28T01:00:00Z', taskId: null, field: 'model', problem: 'Line\nbreak', kind: 'anomaly' },
      ],
    });
    expect(text).toBe(`# Token Usage: 2025-11-28

## Totals

| Agent | Model | Input | Output | Total | Cost |
|-------|-------|-------|--------|-------|------|
| エージェント | a\\|b\\\\c | 28,000 | 0 | 28,000 | unavailable |

## Top Expensive Tasks

1. **t6**: Largest share: エージェント on a|b\\c (100% of tokens). 7,000 tokens, cost unavailable.
2. **t5**: Largest share: エージェント on a|b\\c (100% of tokens). 6,000 tokens, cost unavailable.
3. **t4**: Largest share: エージェント on a|b\\c (100% of tokens). 5,000 tokens, cost unavailable.
4. **t3**: Largest share: エージェント on a|b\\c (100% of tokens). 4,000 tokens, cost unavailable.
5. **t2**: Largest share: エージェント on a|b\\c (100% of tokens). 3,000 tokens, cost unavailable.

## Anomalies

- (model): Line break

## Optimization Candidates

- None.
`);
  });

  it('escapes bold task ids and shows under-a-cent costs with 4 decimals', () => {
    const text = renderDailySummary({
      date: '2025-11-28',
      tasks: [
        {
          taskId: 'a**b',
          timestamp: '2025-11-28T01:00:00Z',
          userRequestSummary: 'x',
          entries: [entry('scout', 'haiku', 900, 100, 0.0042)],
        },
      ],
      errors: [],
    });
    expect(text).toContain('| scout | haiku | 900 | 100 | 1,000 | $0.0042 |');
    expect(text).toContain(
      '1. **a\\*\\*b**: Largest share: scout on haiku (100% of tokens). 1,000 tokens, $0.0042.',
    );
  });

  it('marks a cost that leaves unpriced usage out, in the totals table and the top tasks', () => {
    // T-A: sonnet 10,000 + 2,000 = 12,000 tokens at $0.06; mystery-model 3,000 + 1,000 = 4,000 tokens,
    //      no cost: 16,000 tokens, $0.06 known, 4,000 unpriced; sonnet has 12,000 ÷ 16,000 = 75%.
    // T-B: mystery-model 2,000 + 500 = 2,500 tokens with a reported $0.01.
    // Totals row build-lead × mystery-model: 3,000 + 2,000 = 5,000 in, 1,000 + 500 = 1,500 out,
    //      6,500 tokens, $0.01 known, T-A's 4,000 tokens unpriced.
    const text = renderDailySummary({
      date: '2025-11-28',
      tasks: [
        {
          taskId: 'T-A',
          timestamp: '2025-11-28T09:00:00Z',
          userRequestSummary: 'x',
          entries: [
            entry('build-lead', 'claude-sonnet-4-5', 10_000, 2_000, 0.06),
            entry('build-lead', 'mystery-model', 3_000, 1_000, null),
          ],
        },
        {
          taskId: 'T-B',
          timestamp: '2025-11-28T10:00:00Z',
          userRequestSummary: 'y',
          entries: [entry('build-lead', 'mystery-model', 2_000, 500, 0.01)],
        },
      ],
      errors: [],
    });
    expect(text).toBe(`# Token Usage: 2025-11-28

## Totals

| Agent | Model | Input | Output | Total | Cost |
|-------|-------|-------|--------|-------|------|
| build-lead | claude-sonnet-4-5 | 10,000 | 2,000 | 12,000 | $0.06 |
| build-lead | mystery-model | 5,000 | 1,500 | 6,500 | $0.01 (partial: 4,000 tokens unpriced for model mystery-model) |

## Top Expensive Tasks

1. **T-A**: Largest share: build-lead on claude-sonnet-4-5 (75% of tokens). 16,000 tokens, $0.06 (partial: 4,000 tokens unpriced for model mystery-model).
2. **T-B**: Largest share: build-lead on mystery-model (100% of tokens). 2,500 tokens, $0.01.

## Anomalies

- None detected.

## Optimization Candidates

- None.
`);
  });

  it('rejects a bad date', () => {
    expect(() => renderDailySummary({ date: '2025-02-30', tasks: [], errors: [] })).toThrow(/YYYY-MM-DD/);
  });
});
