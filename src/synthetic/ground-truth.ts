/**
 * The ground truth of a synthetic history: the totals exact de-duplication must give.
 * @module
 */
import type { TokenCounts } from '../util/token-counts.js';

export interface TruthTotals {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  responses: number;
}

export interface GroundTruth {
  totals: TruthTotals;
  byDay: Record<string, TruthTotals>;
  byModel: Record<string, TruthTotals>;
  bySession: Record<string, TruthTotals>;
  byAgentType: Record<string, TruthTotals>;
  files: number;
  bytes: number;
  lines: number;
}

export function emptyTotals(): TruthTotals {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
    totalTokens: 0,
    responses: 0,
  };
}

export function addTotals(
  map: Record<string, TruthTotals>,
  key: string,
  u: TokenCounts,
  output: number,
): void {
  let t = map[key];
  if (t === undefined) {
    t = emptyTotals();
    map[key] = t;
  }
  t.inputTokens += u.input;
  t.outputTokens += output;
  t.cacheCreationTokens += u.cacheWrite;
  t.cacheReadTokens += u.cacheRead;
  t.totalTokens += u.input + output + u.cacheWrite + u.cacheRead;
  t.responses += 1;
}

/** Adds one response to every total of the ground truth. */
export function recordTruth(
  t: GroundTruth,
  session: string,
  agentType: string,
  model: string,
  timestampMs: number,
  u: TokenCounts,
  output: number,
): void {
  addTotals({ all: t.totals }, 'all', u, output);
  addTotals(t.byDay, new Date(timestampMs).toISOString().slice(0, 10), u, output);
  addTotals(t.byModel, model, u, output);
  addTotals(t.bySession, session, u, output);
  addTotals(t.byAgentType, agentType, u, output);
}
