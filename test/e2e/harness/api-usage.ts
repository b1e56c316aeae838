/** The Messages API's usage object, as the fake server returns it, and sums of it. */
import type { TurnUsage } from './scenario-types.js';

/** `usage` of a Messages API response (the fields Claude Code reads). */
export interface ApiUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  service_tier: 'standard';
}

/** Sums of the four token kinds (cache writes also split by TTL). */
export interface UsageTotals {
  input: number;
  output: number;
  cacheWrite: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

/** The API usage object a scripted turn's numbers stand for. */
export function toApiUsage(u: TurnUsage): ApiUsage {
  const w5 = u.cacheWrite5m ?? 0;
  const w1 = u.cacheWrite1h ?? 0;
  return {
    input_tokens: u.input,
    output_tokens: u.output,
    cache_creation_input_tokens: w5 + w1,
    cache_read_input_tokens: u.cacheRead ?? 0,
    cache_creation: { ephemeral_5m_input_tokens: w5, ephemeral_1h_input_tokens: w1 },
    service_tier: 'standard',
  };
}

/** Adds up usage objects (e.g. a fake server's `usageServed`). */
export function sumUsage(list: readonly ApiUsage[]): UsageTotals {
  const t: UsageTotals = {
    input: 0,
    output: 0,
    cacheWrite: 0,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    cacheRead: 0,
  };
  for (const u of list) {
    t.input += u.input_tokens;
    t.output += u.output_tokens;
    t.cacheWrite += u.cache_creation_input_tokens;
    t.cacheWrite5m += u.cache_creation.ephemeral_5m_input_tokens;
    t.cacheWrite1h += u.cache_creation.ephemeral_1h_input_tokens;
    t.cacheRead += u.cache_read_input_tokens;
  }
  return t;
}
