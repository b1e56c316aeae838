/**
 * The leak detectors, over the per-request series of candidate sessions, one thread (the main
 * conversation or a subagent) at a time, since each has its own context:
 *
 * - context leak: the context sent (uncached input + cache writes + cache reads) grows request over
 *   request to a multiple of where it started, while cache reads stay a small share of it;
 * - cache that keeps expiring: large cache writes (most of a request's context written again) of
 *   similar size, again and again, with the thread writing at least as much cache as it reads.
 *
 * Every rule is a ratio, so scaling all usage leaves the flags as they are. The baseline shown is the
 * share of cache reads (or writes) of every session in the baseline span.
 * @module
 */
import type { RequestPoint } from '../../ledger/usage-repository.js';
import { formatInt } from '../../util/format.js';
import { median, robustBaseline, scoreAgainst, sortedQuantile } from '../statistics.js';
import { aggregateOnce } from './aggregate.js';
import type { Anomaly, AnomalyInput, Detector, RecordEvidence } from './anomaly.js';
import { baselineEvidence, ratioOf } from './baselines.js';
import { baselineText, offText } from './wording.js';

/** Share of a thread's consecutive requests whose context grew, for a leak. */
const MIN_GROWING_SHARE = 0.7;
/** A cache write is large when it is at least this share of its request's context. */
const LARGE_WRITE_SHARE = 0.5;
/** Writes within this fraction of their median size are "of similar size". */
const SIMILAR_WRITE = 0.25;
/** At most this many API calls in one flag's evidence. */
const MAX_RECORDS = 12;

function contextOf(p: RequestPoint): number {
  return p.input + p.cacheRead + p.cacheWrite;
}

/** The series cut into threads: one per (session, agent id), in time order. */
export function threadsOf(series: readonly RequestPoint[]): RequestPoint[][] {
  const out = new Map<string, RequestPoint[]>();
  for (const p of series) {
    const k = `${p.sessionId}\u0000${p.agentId}`;
    const list = out.get(k);
    if (list === undefined) out.set(k, [p]);
    else list.push(p);
  }
  return [...out.values()].map((list) =>
    [...list].sort((a, b) => a.ts - b.ts || (a.dedupKey < b.dedupKey ? -1 : 1)),
  );
}

function recordOf(p: RequestPoint): RecordEvidence {
  return {
    dedupKey: p.dedupKey,
    sessionId: p.sessionId,
    agentId: p.agentId,
    ts: p.ts,
    input: p.input,
    cacheRead: p.cacheRead,
    cacheWrite: p.cacheWrite,
    output: p.output,
  };
}

/** Up to {@link MAX_RECORDS} calls spread evenly from the first to the last. */
function sample(points: readonly RequestPoint[]): RecordEvidence[] {
  if (points.length <= MAX_RECORDS) return points.map(recordOf);
  const out: RecordEvidence[] = [];
  for (let i = 0; i < MAX_RECORDS; i++) {
    const p = points[Math.round((i * (points.length - 1)) / (MAX_RECORDS - 1))];
    if (p !== undefined) out.push(recordOf(p));
  }
  return out;
}

function threadEvidence(
  points: readonly RequestPoint[],
  shown: RecordEvidence[],
  facts: Record<string, number>,
) {
  const tokens = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0, total: 0 };
  for (const p of points) {
    tokens.input += p.input;
    tokens.output += p.output;
    tokens.cacheWrite += p.cacheWrite;
    tokens.cacheRead += p.cacheRead;
  }
  tokens.total = tokens.input + tokens.output + tokens.cacheWrite + tokens.cacheRead;
  return {
    firstTs: points[0]?.ts ?? 0,
    lastTs: points[points.length - 1]?.ts ?? 0,
    tokens,
    responses: points.length,
    sessions: [points[0]?.sessionId ?? ''],
    tasks: [],
    records: shown,
    facts,
  };
}

/** Per session: a share of its context (cache reads or cache writes), the baseline of the leak rules. */
function sessionShares(
  input: AnomalyInput,
  share: (a: { input: number; cacheRead: number; cacheWrite: number }) => number | null,
): number[] {
  const out: number[] = [];
  for (const a of aggregateOnce(input.units, 'ranSession').values()) {
    const s = share(a);
    if (s !== null) out.push(s);
  }
  return out;
}

function readShare(a: { input: number; cacheRead: number; cacheWrite: number }): number | null {
  const context = a.input + a.cacheRead + a.cacheWrite;
  return context > 0 ? a.cacheRead / context : null;
}

function writeShare(a: { cacheRead: number; cacheWrite: number }): number | null {
  const cached = a.cacheRead + a.cacheWrite;
  return cached > 0 ? a.cacheWrite / cached : null;
}

function threadName(p: RequestPoint): string {
  return `session ${p.sessionId}${p.agentId === '' ? '' : ` (subagent ${p.agentId})`}`;
}

function subjectOf(p: RequestPoint): Anomaly['subject'] {
  return p.agentId === '' ? { session: p.sessionId } : { session: p.sessionId, agentId: p.agentId };
}

function flaggable(points: readonly RequestPoint[], input: AnomalyInput): boolean {
  const last = points[points.length - 1];
  const first = points[0];
  return (
    first !== undefined &&
    last !== undefined &&
    last.ts >= input.window.fromMs &&
    first.ts < input.window.toMs
  );
}

/** Context that grows request over request with few cache reads. */
export const contextLeak: Detector = (input, t) => {
  const baseline = robustBaseline(sessionShares(input, readShare));
  if (baseline === null) return [];
  const out: Anomaly[] = [];
  for (const points of threadsOf(input.series)) {
    const first = points[0];
    if (first === undefined || points.length < t.minRequests || !flaggable(points, input)) continue;
    const contexts = points.map(contextOf);
    const quarter = Math.max(1, Math.floor(points.length / 4));
    const start = median(contexts.slice(0, quarter)) ?? 0;
    const end = median(contexts.slice(-quarter)) ?? 0;
    if (start <= 0) continue;
    const growth = end / start;
    let growing = 0;
    for (let i = 1; i < contexts.length; i++) if ((contexts[i] ?? 0) > (contexts[i - 1] ?? 0)) growing++;
    const growingShare = growing / (contexts.length - 1);
    const sent = contexts.reduce((n, c) => n + c, 0);
    const reads = points.reduce((n, p) => n + p.cacheRead, 0);
    const share = reads / sent;
    if (growth < t.leakGrowth || share > t.leakMaxReadShare || growingShare < MIN_GROWING_SHARE) continue;
    const score = -scoreAgainst(share, baseline);
    const ratio = ratioOf(share, baseline.median);
    const evidenceBaseline = baselineEvidence(baseline, 'cacheReadShare', {});
    out.push({
      kind: 'context-leak',
      subject: subjectOf(first),
      value: share,
      baseline: evidenceBaseline,
      score,
      ratio,
      overrun: null,
      evidence: threadEvidence(points, sample(points), {
        contextGrowth: growth,
        growingShare,
        cacheReadShare: share,
        firstContext: contexts[0] ?? 0,
        lastContext: contexts[contexts.length - 1] ?? 0,
      }),
      summary:
        `${threadName(first)}: the context grew ${growth.toFixed(1)}× over ${points.length} API calls ` +
        `(${formatInt(contexts[0] ?? 0)} → ${formatInt(contexts[contexts.length - 1] ?? 0)} tokens, growing in ` +
        `${Math.round(growingShare * 100)}% of calls) with cache reads only ${(share * 100).toFixed(1)}% of it, ` +
        `robust score ${score.toFixed(1)} below the usual share (${baselineText(evidenceBaseline, 'sessions')}).`,
    });
  }
  return out;
};

/** The same large cache write again and again: a cache that keeps expiring. */
export const cacheExpiring: Detector = (input, t) => {
  const baseline = robustBaseline(sessionShares(input, writeShare));
  if (baseline === null) return [];
  const out: Anomaly[] = [];
  for (const points of threadsOf(input.series)) {
    const first = points[0];
    if (first === undefined || points.length < t.minRequests || !flaggable(points, input)) continue;
    const writes = points.reduce((n, p) => n + p.cacheWrite, 0);
    const reads = points.reduce((n, p) => n + p.cacheRead, 0);
    if (writes === 0 || writes < reads) continue;
    const large = points.filter((p) => p.cacheWrite > 0 && p.cacheWrite >= LARGE_WRITE_SHARE * contextOf(p));
    if (large.length < t.minRewrites) continue;
    const sizes = large.map((p) => p.cacheWrite).sort((a, b) => a - b);
    const typical = sortedQuantile(sizes, 0.5);
    const similar = large.filter((p) => Math.abs(p.cacheWrite - typical) <= SIMILAR_WRITE * typical);
    if (similar.length < t.minRewrites) continue;
    const gaps = similar.slice(1).map((p, i) => p.ts - (similar[i]?.ts ?? p.ts));
    const gapMinutes = (median(gaps) ?? 0) / 60_000;
    const share = writes / (writes + reads);
    const score = scoreAgainst(share, baseline);
    const ratio = ratioOf(share, baseline.median);
    const evidenceBaseline = baselineEvidence(baseline, 'cacheWriteShare', {});
    out.push({
      kind: 'cache-expiring',
      subject: subjectOf(first),
      value: share,
      baseline: evidenceBaseline,
      score,
      ratio,
      overrun: null,
      evidence: threadEvidence(points, similar.slice(0, MAX_RECORDS).map(recordOf), {
        rewrites: similar.length,
        medianWrite: typical,
        medianGapMinutes: gapMinutes,
        cacheWriteShare: share,
      }),
      summary:
        `${threadName(first)}: the cache was written again ${similar.length} times at about ${formatInt(Math.round(typical))} ` +
        `tokens each (median gap ${gapMinutes.toFixed(1)} min) while cache writes were ${(share * 100).toFixed(1)}% ` +
        `of cached tokens: ${offText(ratio, score)} (${baselineText(evidenceBaseline, 'sessions')}).`,
    });
  }
  return out;
};
