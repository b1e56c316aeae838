/**
 * Collects rate-limit and retry information: `system/api_retry` events (2.1.3xx) and
 * `rate_limit_event` events (`rate_limit_info: { status, resetsAt, rateLimitType, utilization }`).
 * @module
 */
import { type JsonObject, readCount, readNumber, readObject, readString } from './json-fields.js';
import type { ClaudeRateLimitStatus, ClaudeRateLimits } from './types.js';

/** Epoch seconds or milliseconds → milliseconds. */
export function toEpochMs(value: number): number {
  return value < 1e12 ? value * 1000 : value;
}

/** Accumulates {@link ClaudeRateLimits}. */
export class RateLimitTracker {
  private readonly state: Omit<ClaudeRateLimits, 'limits'> = {
    apiRetries: 0,
    lastApiRetry: null,
    retriesByStatus: {},
    limitedUntil: null,
  };
  /** A Map, not an object: the keys come from the input (`__proto__` must stay a plain key). */
  private readonly limits = new Map<string, ClaudeRateLimitStatus>();

  /** Reads a `system/api_retry` event. */
  addApiRetry(event: JsonObject): void {
    const errorStatus = readNumber(event, 'error_status');
    this.state.apiRetries++;
    this.state.lastApiRetry = {
      attempt: readCount(event, 'attempt'),
      maxRetries: readCount(event, 'max_retries'),
      retryDelayMs: readCount(event, 'retry_delay_ms'),
      errorStatus,
      error: readString(event, 'error'),
    };
    const key = errorStatus === null ? 'none' : String(errorStatus);
    this.state.retriesByStatus[key] = (this.state.retriesByStatus[key] ?? 0) + 1;
  }

  /** Reads a `rate_limit_event`. */
  addRateLimitEvent(event: JsonObject): void {
    const info = readObject(event, 'rate_limit_info') ?? event;
    const resets = readCount(info, 'resetsAt');
    const status = readString(info, 'status');
    const rateLimitType = readString(info, 'rateLimitType');
    const resetsAt = resets === null ? null : toEpochMs(resets);
    this.limits.set(rateLimitType ?? 'unknown', {
      status,
      rateLimitType,
      resetsAt,
      utilization: readNumber(info, 'utilization'),
    });
    if (status === 'rejected' && resetsAt !== null) this.limitUntil(resetsAt);
  }

  /** Notes that the account is limited until `epochMs`. */
  limitUntil(epochMs: number): void {
    this.state.limitedUntil = Math.max(this.state.limitedUntil ?? 0, epochMs);
  }

  /** A copy of the state. */
  snapshot(): ClaudeRateLimits {
    return {
      ...this.state,
      lastApiRetry: this.state.lastApiRetry === null ? null : { ...this.state.lastApiRetry },
      retriesByStatus: { ...this.state.retriesByStatus },
      limits: Object.fromEntries([...this.limits].map(([k, v]) => [k, { ...v }])),
    };
  }
}
