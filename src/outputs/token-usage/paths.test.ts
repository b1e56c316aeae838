import { describe, expect, it } from 'vitest';
import {
  checkTaskFileStem,
  dailySummaryPath,
  errorLogPath,
  reviewPath,
  taskFileMinute,
  taskFilePath,
} from './paths.js';

describe('paths', () => {
  it('places each file as seed 6 says', () => {
    expect(taskFilePath('2025-11-28T14:30:00Z', 'create-usage-tracker')).toBe(
      'tasks/usage-2025-11-28-1430-create-usage-tracker.json',
    );
    expect(dailySummaryPath('2025-11-28')).toBe('usage-2025-11-28.md');
    expect(errorLogPath('2025-11-28')).toBe('errors-2025-11-28.md');
    expect(reviewPath('2025-11-28')).toBe('reports/usage-review-2025-11-28.md');
  });

  it('takes the minute in UTC from a timestamp with a zone', () => {
    expect(taskFileMinute('2025-11-28T16:30:59.999+02:00')).toBe('2025-11-28-1430');
    expect(taskFileMinute('2025-11-28T23:59-01:00')).toBe('2025-11-29-0059');
    expect(() => taskFileMinute('2025-11-28T14:30:00')).toThrow(/zone/);
    expect(() => taskFileMinute('yesterday')).toThrow(/ISO 8601/);
  });

  it.each(['../x', 'a..b', 'a/b', 'a b', '', 'é', 'a\\b', 'x\n'])('rejects the stem %j', (stem) => {
    expect(() => checkTaskFileStem(stem)).toThrow(/stem/);
    expect(() => taskFilePath('2025-11-28T14:30:00Z', stem)).toThrow(/stem/);
  });

  it.each(['abc', 'A.b_c-1', 'v1.2'])('accepts the stem %j', (stem) => {
    expect(checkTaskFileStem(stem)).toBe(stem);
  });

  it.each(['2025-13-01', '2025-02-29', '2025-1-01', '../2025-11-28'])('rejects the date %j', (date) => {
    expect(() => dailySummaryPath(date)).toThrow(/YYYY-MM-DD/);
    expect(() => reviewPath(date)).toThrow(/YYYY-MM-DD/);
  });
});
