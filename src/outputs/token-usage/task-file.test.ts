import { describe, expect, it } from 'vitest';
import type { TaskUsageRecord } from './model.js';
import { renderTaskFile, taskTotals } from './task-file.js';

const record: TaskUsageRecord = {
  taskId: 'create-usage-tracker',
  timestamp: '2025-11-28T14:30:00Z',
  userRequestSummary: 'Create usage-tracker agent for token tracking and optimization.',
  entries: [
    {
      agent: 'ui-impl',
      model: 'sonnet',
      inputTokens: 30000,
      outputTokens: 10000,
      totalTokens: 40000,
      estimatedCost: 0.6,
    },
    {
      agent: 'build-lead',
      model: 'opus',
      inputTokens: 25000,
      outputTokens: 8000,
      totalTokens: 33000,
      estimatedCost: 1.05,
    },
    {
      agent: 'build-lead',
      model: 'haiku',
      inputTokens: 1200,
      outputTokens: 300,
      totalTokens: 1500,
      estimatedCost: 0.0027,
    },
  ],
};

const expected = `{
  "task_id": "create-usage-tracker",
  "timestamp": "2025-11-28T14:30:00Z",
  "user_request_summary": "Create usage-tracker agent for token tracking and optimization.",
  "entries": [
    {
      "agent": "build-lead",
      "model": "haiku",
      "input_tokens": 1200,
      "output_tokens": 300,
      "total_tokens": 1500,
      "estimated_cost": 0.0027
    },
    {
      "agent": "build-lead",
      "model": "opus",
      "input_tokens": 25000,
      "output_tokens": 8000,
      "total_tokens": 33000,
      "estimated_cost": 1.05
    },
    {
      "agent": "ui-impl",
      "model": "sonnet",
      "input_tokens": 30000,
      "output_tokens": 10000,
      "total_tokens": 40000,
      "estimated_cost": 0.6
    }
  ],
  "totals": {
    "total_tokens": 74500,
    "by_model": {
      "haiku": 1500,
      "opus": 33000,
      "sonnet": 40000
    },
    "by_agent": {
      "build-lead": 34500,
      "ui-impl": 40000
    },
    "estimated_cost": 1.6527
  }
}
`;

describe('renderTaskFile', () => {
  it('writes the seed 6.1 layout with totals by model and by agent', () => {
    expect(renderTaskFile(record)).toBe(expected);
  });

  it('is valid JSON matching the seed example when given the seed example', () => {
    const seed: TaskUsageRecord = {
      taskId: 'create-usage-tracker',
      timestamp: '2025-11-28T14:30:00Z',
      userRequestSummary: 'Create usage-tracker agent for token tracking and optimization.',
      entries: [
        {
          agent: 'build-lead',
          model: 'opus',
          inputTokens: 25000,
          outputTokens: 8000,
          totalTokens: 33000,
          estimatedCost: 1.05,
        },
      ],
    };
    expect(JSON.parse(renderTaskFile(seed))).toEqual({
      task_id: 'create-usage-tracker',
      timestamp: '2025-11-28T14:30:00Z',
      user_request_summary: 'Create usage-tracker agent for token tracking and optimization.',
      entries: [
        {
          agent: 'build-lead',
          model: 'opus',
          input_tokens: 25000,
          output_tokens: 8000,
          total_tokens: 33000,
          estimated_cost: 1.05,
        },
      ],
      totals: {
        total_tokens: 33000,
        by_model: { opus: 33000 },
        by_agent: { 'build-lead': 33000 },
        estimated_cost: 1.05,
      },
    });
  });

  it('gives the same bytes whatever the order of the entries', () => {
    const reversed = { ...record, entries: [...record.entries].reverse() };
    const rotated = { ...record, entries: [...record.entries.slice(1), ...record.entries.slice(0, 1)] };
    expect(renderTaskFile(reversed)).toBe(expected);
    expect(renderTaskFile(rotated)).toBe(expected);
  });

  it('keeps null costs as null and makes the total cost null, appends source last', () => {
    const text = renderTaskFile({
      taskId: 'T-9/ünïcode task',
      timestamp: '2025-11-28T09:05:00+01:00',
      userRequestSummary: 'Line one.\nLine two.',
      source: 'captured',
      entries: [
        {
          agent: '研究员',
          model: 'opus',
          inputTokens: 10,
          outputTokens: 5,
          totalTokens: 15,
          estimatedCost: null,
        },
        { agent: '7', model: 'sonnet', inputTokens: 1, outputTokens: 1, totalTokens: 2, estimatedCost: 0.1 },
      ],
    });
    expect(text).toBe(`{
  "task_id": "T-9/ünïcode task",
  "timestamp": "2025-11-28T09:05:00+01:00",
  "user_request_summary": "Line one.\\nLine two.",
  "entries": [
    {
      "agent": "7",
      "model": "sonnet",
      "input_tokens": 1,
      "output_tokens": 1,
      "total_tokens": 2,
      "estimated_cost": 0.1
    },
    {
      "agent": "研究员",
      "model": "opus",
      "input_tokens": 10,
      "output_tokens": 5,
      "total_tokens": 15,
      "estimated_cost": null
    }
  ],
  "totals": {
    "total_tokens": 17,
    "by_model": {
      "opus": 15,
      "sonnet": 2
    },
    "by_agent": {
      "7": 2,
      "研究员": 15
    },
    "estimated_cost": null
  },
  "source": "captured"
}
`);
  });

  it('keeps integer-like agent names in sorted order (JSON.stringify would not)', () => {
    const text = renderTaskFile({
      ...record,
      entries: [
        { agent: 'b', model: 'm', inputTokens: 0, outputTokens: 0, totalTokens: 1, estimatedCost: 0 },
        { agent: '10', model: 'm', inputTokens: 0, outputTokens: 0, totalTokens: 1, estimatedCost: 0 },
        { agent: 'a', model: 'm', inputTokens: 0, outputTokens: 0, totalTokens: 1, estimatedCost: 0 },
      ],
    });
    expect(text).toContain('"by_agent": {\n      "10": 1,\n      "a": 1,\n      "b": 1\n    }');
  });

  it('writes an empty task with empty objects and a zero cost', () => {
    const text = renderTaskFile({ ...record, entries: [] });
    expect(text).toContain('"entries": [],');
    expect(text).toContain(
      '"totals": {\n    "total_tokens": 0,\n    "by_model": {},\n    "by_agent": {},\n    "estimated_cost": 0\n  }',
    );
  });

  it('sums costs without float noise', () => {
    const totals = taskTotals({
      ...record,
      entries: [
        { agent: 'a', model: 'm', inputTokens: 0, outputTokens: 0, totalTokens: 1, estimatedCost: 0.1 },
        { agent: 'b', model: 'm', inputTokens: 0, outputTokens: 0, totalTokens: 1, estimatedCost: 0.2 },
      ],
    });
    expect(totals.estimatedCost).toBe(0.3);
  });

  it('rejects bad numbers instead of writing them', () => {
    const bad = (patch: Partial<TaskUsageRecord['entries'][number]>) => ({
      ...record,
      entries: [{ ...record.entries[0]!, ...patch }],
    });
    expect(() => renderTaskFile(bad({ inputTokens: -1 }))).toThrow(/entries\[0\]\.inputTokens/);
    expect(() => renderTaskFile(bad({ totalTokens: 1.5 }))).toThrow(/totalTokens/);
    expect(() => renderTaskFile(bad({ estimatedCost: Number.NaN }))).toThrow(/estimatedCost/);
  });
});
