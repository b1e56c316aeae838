import { describe, expect, it } from 'vitest';
import { renderErrorLog } from './error-log.js';
import type { ErrorEntry } from './model.js';

const entries: ErrorEntry[] = [
  {
    at: '2025-11-28T14:30:00Z',
    taskId: 'add-slots-api',
    field: 'estimated_cost',
    problem: 'No price for model claude-x.',
    resolution: 'Reconciled from the pricing table.',
  },
  { at: '2025-11-28T09:00:00Z', taskId: null, problem: 'Telemetry missing for a task.' },
  {
    at: '2025-11-28T12:00:00+01:00',
    taskId: 'ui|grid',
    problem: '3× the usual tokens for ui-impl.',
    kind: 'anomaly',
  },
  { at: '2025-11-28T10:15:00Z', taskId: 'ui|grid', field: 'total_tokens', problem: 'Not a number: "12k".' },
];

const expected = `# Token Usage Errors: 2025-11-28

## Tracking Failures

| Time | Task | Field | Problem | Status |
|------|------|-------|---------|--------|
| 2025-11-28T09:00:00Z | - | - | Telemetry missing for a task. | pending |
| 2025-11-28T10:15:00Z | ui\\|grid | total_tokens | Not a number: "12k". | pending |
| 2025-11-28T14:30:00Z | add-slots-api | estimated_cost | No price for model claude-x. | resolved |

## Anomalies

| Time | Task | Field | Problem | Status |
|------|------|-------|---------|--------|
| 2025-11-28T12:00:00+01:00 | ui\\|grid | - | 3× the usual tokens for ui-impl. | pending |

## Recovery Actions

- 2025-11-28T14:30:00Z **add-slots-api** (estimated_cost): Reconciled from the pricing table.
`;

describe('renderErrorLog', () => {
  it('lists failures, anomalies and recovery actions (seed 6.4, 8.3)', () => {
    expect(renderErrorLog('2025-11-28', entries)).toBe(expected);
  });

  it('gives the same bytes for any order of the entries', () => {
    expect(renderErrorLog('2025-11-28', [...entries].reverse())).toBe(expected);
    expect(renderErrorLog('2025-11-28', [entries[2]!, entries[0]!, entries[3]!, entries[1]!])).toBe(expected);
  });

  it('renders an empty log', () => {
    expect(renderErrorLog('2025-11-28', [])).toBe(`# Token Usage Errors: 2025-11-28

## Tracking Failures

None recorded.

## Anomalies

None recorded.

## Recovery Actions

- None.
`);
  });

  it('keeps multi-line text on one line and escapes backslashes in cells', () => {
    const text = renderErrorLog('2025-11-28', [
      {
        at: '2025-11-28T01:00:00Z',
        taskId: 'c:\\tmp',
        problem: 'first\r\nsecond',
        resolution: 'fixed\nlater',
        kind: 'anomaly',
      },
    ]);
    expect(text).toContain('| 2025-11-28T01:00:00Z | c:\\\\tmp | - | first second | resolved |');
    expect(text).toContain('- 2025-11-28T01:00:00Z **c:\\\\tmp**: fixed later');
  });

  it('rejects a bad date', () => {
    expect(() => renderErrorLog('28-11-2025', [])).toThrow(/YYYY-MM-DD/);
  });
});
