/**
 * How a declared entry (usage-tracker telemetry, `tokenledger record`) counts, for every backend:
 * the tokens it counts with, and the pseudo-session and dedup key of the usage row derived from it
 * while no captured usage is attributed to its task (captured usage wins; see each backend).
 * @module
 */
import type { DeclaredEntry } from './telemetry-repository.js';

/** The session id of a declared task's derived rows: one pseudo-session per task. */
export function telemetrySession(taskId: string): string {
  return `telemetry:${taskId}`;
}

/** The dedup key of the row derived from a task's (agent, model) entry. */
export function declaredDedupKey(taskId: string, agent: string, model: string): string {
  return `telemetry:${JSON.stringify([taskId, agent, model])}`;
}

/** The token counts a declared entry counts with: missing ones derived where the others allow it. */
export function countedTokens(e: DeclaredEntry): { input: number; output: number } {
  const { inputTokens: i, outputTokens: o, totalTokens: t } = e;
  if (i !== null && o !== null) return { input: i, output: o };
  if (i !== null) return { input: i, output: t === null ? 0 : Math.max(0, t - i) };
  if (o !== null) return { input: t === null ? 0 : Math.max(0, t - o), output: o };
  // Only a total: it is counted as input (the cheaper side; the error log says the split is unknown).
  return { input: t ?? 0, output: 0 };
}
