import { describe, expect, it } from 'vitest';
import { lastPeriodsSince, parseLast } from './last-periods.js';
import { ZonedClock } from './zoned-time.js';

// Monday 2026-12-07, 01:30 UTC: still Sunday 2026-12-06 in New York.
const NOW = Date.UTC(2026, 11, 7, 1, 30);
const utc = new ZonedClock('UTC');
const ny = new ZonedClock('America/New_York');

describe('--last N', () => {
  it('counts days back from today, today being 1', () => {
    expect(lastPeriodsSince('day', 1, utc, 0, NOW)).toBe('2026-12-07');
    expect(lastPeriodsSince('day', 3, utc, 0, NOW)).toBe('2026-12-05');
    expect(lastPeriodsSince('day', 1, ny, 0, NOW)).toBe('2026-12-06');
  });

  it('counts weeks from the start of this week', () => {
    expect(lastPeriodsSince('week', 1, utc, 0, NOW)).toBe('2026-12-06');
    expect(lastPeriodsSince('week', 2, utc, 0, NOW)).toBe('2026-11-29');
    expect(lastPeriodsSince('week', 2, utc, 1, NOW)).toBe('2026-11-30');
  });

  it('counts months from the first of this month, across years', () => {
    expect(lastPeriodsSince('month', 1, utc, 0, NOW)).toBe('2026-12-01');
    expect(lastPeriodsSince('month', 12, utc, 0, NOW)).toBe('2026-01-01');
    expect(lastPeriodsSince('month', 13, utc, 0, NOW)).toBe('2025-12-01');
  });

  it('takes only a whole number of periods, 1 or more', () => {
    expect(parseLast('2')).toBe(2);
    for (const bad of ['0', '-1', '1.5', 'abc', '']) expect(() => parseLast(bad)).toThrow(/--last "/);
  });
});
