import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUDGET_PERIODS } from '../ledger/budget-repository.js';
import {
  BUDGET_THRESHOLDS,
  budgetStanding,
  budgetWindow,
  forecastBasis,
  thresholdsReached,
  warningsDue,
} from './budgets.js';
import { ZonedClock } from './zoned-time.js';

const DAY = 86_400_000;
// Monday 2026-12-07, 01:30 UTC: still Sunday 2026-12-06 in New York.
const NOW = Date.UTC(2026, 11, 7, 1, 30);
const utc = new ZonedClock('UTC');
const ny = new ZonedClock('America/New_York');

describe('budget periods', () => {
  it('are the local day, the week from Sunday, and the month', () => {
    expect(budgetWindow('day', NOW, utc)).toEqual({
      period: 'day',
      key: '2026-12-07',
      fromMs: Date.UTC(2026, 11, 7),
      toMs: Date.UTC(2026, 11, 8),
    });
    expect(budgetWindow('day', NOW, ny).key).toBe('2026-12-06');
    expect(budgetWindow('week', NOW, utc)).toMatchObject({
      key: '2026-12-06',
      fromMs: Date.UTC(2026, 11, 6),
      toMs: Date.UTC(2026, 11, 13),
    });
    expect(budgetWindow('week', NOW, ny)).toMatchObject({
      key: '2026-12-06',
      fromMs: Date.UTC(2026, 11, 6, 5),
    });
    expect(budgetWindow('month', NOW, utc)).toMatchObject({
      key: '2026-12',
      fromMs: Date.UTC(2026, 11, 1),
      toMs: Date.UTC(2027, 0, 1),
    });
  });

  it('follow daylight saving time: a New York month from EDT to EST is an hour longer', () => {
    const w = budgetWindow('month', Date.UTC(2026, 10, 15), ny);
    expect(w.key).toBe('2026-11');
    expect(w.fromMs).toBe(Date.UTC(2026, 10, 1, 4));
    expect(w.toMs).toBe(Date.UTC(2026, 11, 1, 5));
  });

  it('forecast from the period so far, or a month’s last 7 days', () => {
    const month = budgetWindow('month', Date.UTC(2026, 11, 20, 10, 7), utc);
    expect(forecastBasis(month, Date.UTC(2026, 11, 20, 10, 7))).toEqual({
      fromMs: Date.UTC(2026, 11, 13, 10, 0),
      toMs: Date.UTC(2026, 11, 20, 10, 7),
    });
    const early = budgetWindow('month', Date.UTC(2026, 11, 3), utc);
    expect(forecastBasis(early, Date.UTC(2026, 11, 3)).fromMs).toBe(Date.UTC(2026, 11, 1));
    const week = budgetWindow('week', NOW, utc);
    expect(forecastBasis(week, NOW).fromMs).toBe(week.fromMs);
  });
});

describe('budget standing', () => {
  it('reaches thresholds exactly at their percent', () => {
    expect(thresholdsReached(149.99, 300)).toEqual([]);
    expect(thresholdsReached(150, 300)).toEqual([50]);
    expect(thresholdsReached(0.3, 0.4)).toEqual([50, 75]);
    expect(thresholdsReached(300, 300)).toEqual([...BUDGET_THRESHOLDS]);
  });

  it("forecasts the month's end at the last 7 days' rate", () => {
    const now = Date.UTC(2026, 11, 15);
    const w = budgetWindow('month', now, utc);
    // $100 in the first 7 days, $70 in the last 7: $10 a day for the 17 days left.
    const s = budgetStanding(300, w, now, { spent: 170, basisSpent: 70 });
    expect(s.forecast.basis).toEqual({ fromMs: Date.UTC(2026, 11, 8), toMs: now, perDay: 10 });
    expect(s.forecast.amount).toBeCloseTo(340, 9);
    expect(s.ratio).toBeCloseTo(170 / 300, 12);
    expect(s.reached).toEqual([50]);
  });

  it('forecasts what was spent when the period has not started its rate yet', () => {
    const w = budgetWindow('day', NOW, utc);
    const s = budgetStanding(100, w, w.fromMs, { spent: 0, basisSpent: 0 });
    expect(s.forecast.amount).toBe(0);
  });

  it('property: the forecast is exact for a constant rate', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...BUDGET_PERIODS),
        fc.integer({ min: 0, max: 60 * DAY }),
        fc.double({ min: 0, max: 1e3, noNaN: true }),
        (period, offset, perMs) => {
          const w = budgetWindow(period, Date.UTC(2026, 0, 1) + offset, utc);
          const now = w.fromMs + ((offset * 7919) % (w.toMs - w.fromMs));
          const basis = forecastBasis(w, now);
          const s = budgetStanding(1, w, now, {
            spent: perMs * (now - w.fromMs),
            basisSpent: perMs * (basis.toMs - basis.fromMs),
          });
          const exact = perMs * (w.toMs - w.fromMs);
          if (basis.toMs === basis.fromMs) {
            // At the period's first instant there is no rate yet: the forecast is what was spent.
            expect(s.forecast.amount).toBe(s.spent);
          } else {
            expect(Math.abs(s.forecast.amount - exact)).toBeLessThanOrEqual(exact * 1e-12 + 1e-12);
          }
          expect(s.forecast.amount).toBeGreaterThanOrEqual(s.spent - 1e-9);
        },
      ),
    );
  });

  it('property: in one period each threshold warns at most once, in rising order, and all reached are claimed', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1e6, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { maxLength: 30 }),
        (limit, ratios) => {
          const warned = new Set<number>();
          const shown: number[] = [];
          let spent = 0;
          for (const r of ratios) {
            // Spend only grows within a period (usage is never taken back by an import).
            spent = Math.max(spent, r * limit);
            const due = warningsDue(thresholdsReached(spent, limit), warned);
            for (const t of due.claim) {
              expect(warned.has(t)).toBe(false);
              warned.add(t);
            }
            if (due.show !== null) shown.push(due.show);
          }
          expect(new Set(shown).size).toBe(shown.length);
          expect(shown).toEqual([...shown].sort((a, b) => a - b));
          expect([...warned].sort((a, b) => a - b)).toEqual(thresholdsReached(spent, limit));
        },
      ),
    );
  });
});
