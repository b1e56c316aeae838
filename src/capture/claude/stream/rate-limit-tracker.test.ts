import { describe, expect, it } from 'vitest';
import { RateLimitTracker, toEpochMs } from './rate-limit-tracker.js';

describe('toEpochMs', () => {
  it.each([
    [1795500000, 1795500000_000],
    [1795500000_000, 1795500000_000],
  ])('%i → %i', (value, ms) => {
    expect(toEpochMs(value)).toBe(ms);
  });
});

describe('RateLimitTracker', () => {
  it('counts api_retry events per status and keeps the last', () => {
    const t = new RateLimitTracker();
    t.addApiRetry({
      attempt: 1,
      max_retries: 10,
      retry_delay_ms: 500,
      error_status: 429,
      error: 'rate_limit',
    });
    t.addApiRetry({ attempt: 2, error_status: 429 });
    t.addApiRetry({ attempt: 1, error_status: 529 });
    t.addApiRetry({});
    const s = t.snapshot();
    expect(s.apiRetries).toBe(4);
    expect(s.retriesByStatus).toEqual({ '429': 2, '529': 1, none: 1 });
    expect(s.lastApiRetry).toEqual({
      attempt: null,
      maxRetries: null,
      retryDelayMs: null,
      errorStatus: null,
      error: null,
    });
  });

  it('keeps the latest rate_limit_event per type, and the latest reset of a rejected one', () => {
    const t = new RateLimitTracker();
    t.addRateLimitEvent({
      rate_limit_info: { status: 'rejected', resetsAt: 1795600000, rateLimitType: 'five_hour' },
    });
    t.addRateLimitEvent({
      rate_limit_info: { status: 'allowed', rateLimitType: 'five_hour', utilization: 0.1 },
    });
    t.addRateLimitEvent({ rate_limit_info: { status: 'rejected', resetsAt: 1795500000 } });
    expect(t.snapshot()).toEqual(
      expect.objectContaining({
        limits: {
          five_hour: { status: 'allowed', rateLimitType: 'five_hour', resetsAt: null, utilization: 0.1 },
          unknown: { status: 'rejected', rateLimitType: null, resetsAt: 1795500000_000, utilization: null },
        },
        limitedUntil: 1795600000_000,
      }),
    );
  });

  it('snapshot() is a copy', () => {
    const t = new RateLimitTracker();
    const before = t.snapshot();
    t.addApiRetry({ error_status: 429 });
    t.limitUntil(5);
    expect(before).toEqual({
      apiRetries: 0,
      lastApiRetry: null,
      retriesByStatus: {},
      limits: {},
      limitedUntil: null,
    });
  });
});
