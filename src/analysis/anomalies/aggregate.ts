/**
 * Usage units summed per task, session or (task, stage): the totals the usage detectors judge, and
 * the evidence they show.
 * @module
 */
import type { AnomalyEvidence, AnomalyInput, UsageUnit } from './anomaly.js';

/** Sessions of declared telemetry (one pseudo-session per task) are not sessions anyone ran. */
export const DECLARED_SESSION_PREFIX = 'telemetry:';

export interface Aggregate {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  responses: number;
  firstTs: number;
  lastTs: number;
  sessions: Set<string>;
  tasks: Set<string>;
  /** Tokens per model. */
  models: Map<string, number>;
}

export function unitTokens(u: {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}): number {
  return u.input + u.output + u.cacheWrite + u.cacheRead;
}

function emptyAggregate(): Aggregate {
  return {
    input: 0,
    output: 0,
    cacheWrite: 0,
    cacheRead: 0,
    responses: 0,
    firstTs: Number.POSITIVE_INFINITY,
    lastTs: Number.NEGATIVE_INFINITY,
    sessions: new Set(),
    tasks: new Set(),
    models: new Map(),
  };
}

/** Units summed per `key` (units whose key is null are left out). */
export function aggregateBy(
  units: readonly UsageUnit[],
  key: (u: UsageUnit) => string | null,
): Map<string, Aggregate> {
  const out = new Map<string, Aggregate>();
  for (const u of units) {
    const k = key(u);
    if (k === null) continue;
    let a = out.get(k);
    if (a === undefined) {
      a = emptyAggregate();
      out.set(k, a);
    }
    a.input += u.input;
    a.output += u.output;
    a.cacheWrite += u.cacheWrite;
    a.cacheRead += u.cacheRead;
    a.responses += u.responses;
    a.firstTs = Math.min(a.firstTs, u.firstTs);
    a.lastTs = Math.max(a.lastTs, u.lastTs);
    a.sessions.add(u.session);
    if (u.task !== '') a.tasks.add(u.task);
    a.models.set(u.model, (a.models.get(u.model) ?? 0) + unitTokens(u));
  }
  return out;
}

const memo = new WeakMap<readonly UsageUnit[], Map<string, Map<string, Aggregate>>>();

/**
 * {@link aggregateBy} computed once per units array and `name` (several detectors sum the same units
 * the same way). The aggregates are shared: callers must not change them.
 */
export function aggregateOnce(
  units: readonly UsageUnit[],
  name: 'task' | 'session' | 'ranSession',
): Map<string, Aggregate> {
  let byName = memo.get(units);
  if (byName === undefined) {
    byName = new Map();
    memo.set(units, byName);
  }
  let out = byName.get(name);
  if (out === undefined) {
    out = aggregateBy(units, (u) => {
      if (name === 'task') return u.task === '' ? null : u.task;
      if (name === 'session') return u.session;
      return u.session.startsWith(DECLARED_SESSION_PREFIX) ? null : u.session;
    });
    byName.set(name, out);
  }
  return out;
}

/** The model with the most tokens (ties: the first by name). */
export function dominantModel(a: Aggregate): string {
  let best = '';
  let most = -1;
  for (const [model, tokens] of [...a.models].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    if (tokens > most) {
      best = model;
      most = tokens;
    }
  }
  return best;
}

/** Whether it had usage in the window. */
export function activeIn(
  a: { firstTs: number; lastTs: number },
  input: Pick<AnomalyInput, 'window'>,
): boolean {
  return a.lastTs >= input.window.fromMs && a.firstTs < input.window.toMs;
}

/** At most this many session or task ids in one flag's evidence. */
const MAX_IDS = 20;

function sortedIds(ids: ReadonlySet<string>): string[] {
  return [...ids].sort().slice(0, MAX_IDS);
}

/** The evidence of a total: its span, tokens, calls, sessions and tasks. */
export function aggregateEvidence(a: Aggregate, facts: Record<string, number> = {}): AnomalyEvidence {
  return {
    firstTs: a.firstTs,
    lastTs: a.lastTs,
    tokens: {
      input: a.input,
      output: a.output,
      cacheWrite: a.cacheWrite,
      cacheRead: a.cacheRead,
      total: unitTokens(a),
    },
    responses: a.responses,
    sessions: sortedIds(a.sessions),
    tasks: sortedIds(a.tasks),
    records: [],
    facts,
  };
}
