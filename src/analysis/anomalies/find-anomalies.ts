/**
 * Reads what the detectors need from the ledger, in a few grouped queries (no pass over every row):
 * usage by task, session, stage and model (`usageTotals`); local-day totals (the rollup, or the
 * project's usage per 15 minutes); task estimates and labels; and the per-request series of only the
 * candidate sessions (active in the window, long enough, and with a cache-read or cache-write share
 * that a leak pattern needs); the reads of files, and the series of the sessions that read a file
 * again and again. Then runs every detector.
 * @module
 */
import type { LedgerStore } from '../../ledger/store.js';
import type { StageMap } from '../../ledger/task-repository.js';
import type { UsageFilter } from '../../ledger/usage-repository.js';
import { BUCKET_MS } from '../../ledger/usage-sums.js';
import { ZonedClock } from '../zoned-time.js';
import { activeIn, aggregateOnce, unitTokens } from './aggregate.js';
import type { Anomaly, AnomalyInput, AnomalyThresholds, DayUsage, TaskFacts, UsageUnit } from './anomaly.js';
import { detectAnomalies } from './detectors.js';
import { rereadCandidates } from './reread-detector.js';

/** At most this many sessions' request series are read (the largest candidates first). */
export const MAX_SERIES_SESSIONS = 200;
/** A session writing at least this share of its cached tokens is a candidate. */
const CANDIDATE_WRITE_SHARE = 0.5;

export interface FindAnomaliesOptions {
  /** Flags are raised for what was active in [fromMs, toMs)… */
  fromMs: number;
  toMs: number;
  /** … against baselines drawn from [baselineFromMs, toMs). */
  baselineFromMs: number;
  clock: ZonedClock;
  thresholds: AnomalyThresholds;
  /** Only usage whose project is this directory or inside it. */
  projectDir?: string;
  /** Only flags about this task: its own, its stages', and those of sessions it had usage in. */
  task?: string;
  stageMap?: StageMap;
}

export interface FoundAnomalies {
  anomalies: Anomaly[];
  /** How much was looked at. */
  checked: { tasks: number; sessions: number; days: number; seriesSessions: number; requests: number };
}

async function unitsOf(
  store: LedgerStore,
  filter: UsageFilter,
  stageMap: StageMap | undefined,
): Promise<UsageUnit[]> {
  return store.usageTotals(filter, stageMap);
}

function addDay(
  days: Map<string, DayUsage>,
  clock: ZonedClock,
  date: string,
  s: { input: number; output: number; cacheWrite: number; cacheRead: number; responses: number },
): void {
  let d = days.get(date);
  if (d === undefined) {
    const startMs = clock.startOf(date);
    const next = new Date(`${date}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    d = {
      date,
      startMs,
      endMs: clock.startOf(next.toISOString().slice(0, 10)),
      input: 0,
      output: 0,
      cacheWrite: 0,
      cacheRead: 0,
      tokens: 0,
      responses: 0,
    };
    days.set(date, d);
  }
  d.input += s.input;
  d.output += s.output;
  d.cacheWrite += s.cacheWrite;
  d.cacheRead += s.cacheRead;
  d.tokens += unitTokens(s);
  d.responses += s.responses;
}

/** Local-day totals: from the day rollup, or (for one project) from its usage per 15 minutes. */
async function daysOf(store: LedgerStore, o: FindAnomaliesOptions): Promise<DayUsage[]> {
  const days = new Map<string, DayUsage>();
  if (o.projectDir === undefined) {
    for (const r of await store.days(o.clock.segments(o.baselineFromMs, o.toMs)))
      addDay(days, o.clock, ZonedClock.dayString(r.day), r);
  } else {
    const rows = await store.groups({
      dimensions: [],
      filter: { fromMs: o.baselineFromMs, toMs: o.toMs, projectDir: o.projectDir },
    });
    for (const r of rows) addDay(days, o.clock, o.clock.dateOf(r.bucket * BUCKET_MS), r);
  }
  return [...days.values()].sort((a, b) => a.startMs - b.startMs);
}

/** Sessions whose request series a leak rule needs, largest first, at most {@link MAX_SERIES_SESSIONS}. */
export function candidateSessions(
  input: Omit<AnomalyInput, 'series' | 'fileReads' | 'readSeries'>,
  t: AnomalyThresholds,
): string[] {
  const sessions = aggregateOnce(input.units, 'ranSession');
  const suspicious = new Set<string>();
  for (const [session, a] of sessions) {
    const context = a.input + a.cacheRead + a.cacheWrite;
    const cached = a.cacheRead + a.cacheWrite;
    if (context > 0 && a.cacheRead <= t.leakMaxReadShare * context) suspicious.add(session);
    if (cached > 0 && a.cacheWrite >= CANDIDATE_WRITE_SHARE * cached) suspicious.add(session);
  }
  return [...sessions]
    .filter(([id, a]) => suspicious.has(id) && a.responses >= t.minRequests && activeIn(a, input))
    .sort(([x, a], [y, b]) => unitTokens(b) - unitTokens(a) || (x < y ? -1 : 1))
    .slice(0, MAX_SERIES_SESSIONS)
    .map(([id]) => id);
}

/** Whether a flag concerns `task`: about it, or about a session or day it had usage in. */
function concerns(a: Anomaly, task: string): boolean {
  return a.subject.task === task || a.evidence.tasks.includes(task);
}

export async function findAnomalies(store: LedgerStore, o: FindAnomaliesOptions): Promise<FoundAnomalies> {
  const filter: UsageFilter = { fromMs: o.baselineFromMs, toMs: o.toMs };
  if (o.projectDir !== undefined) filter.projectDir = o.projectDir;
  const [units, days, taskRows, fileReads] = await Promise.all([
    unitsOf(store, filter, o.stageMap),
    daysOf(store, o),
    store.tasks(),
    store.fileReads(filter),
  ]);
  const tasks = new Map<string, TaskFacts>(
    taskRows.map((t) => [t.id, { estimateTokens: t.estimateTokens, labels: t.labels }]),
  );
  const base = { window: { fromMs: o.fromMs, toMs: o.toMs }, units, days, tasks };
  const candidates = candidateSessions(base, o.thresholds);
  const series = await store.requestSeries(candidates, { fromMs: o.baselineFromMs, toMs: o.toMs });
  const readSessions = [
    ...new Set(rereadCandidates(fileReads, base.window).flatMap((f) => f.evidence.map((e) => e.sessionId))),
  ];
  const readSeries = await store.requestSeries(readSessions, { fromMs: o.baselineFromMs, toMs: o.toMs });
  const input: AnomalyInput = { ...base, series, fileReads, readSeries };
  const sessionTasks = new Map<string, string[]>();
  for (const [session, a] of aggregateOnce(units, 'session')) sessionTasks.set(session, [...a.tasks].sort());
  let anomalies = detectAnomalies(input, o.thresholds).map((a) =>
    a.subject.session !== undefined && a.evidence.tasks.length === 0
      ? { ...a, evidence: { ...a.evidence, tasks: sessionTasks.get(a.subject.session) ?? [] } }
      : a,
  );
  const task = o.task;
  if (task !== undefined) anomalies = anomalies.filter((a) => concerns(a, task));
  return {
    anomalies,
    checked: {
      tasks: new Set(units.filter((u) => u.task !== '').map((u) => u.task)).size,
      sessions: sessionTasks.size,
      days: days.length,
      seriesSessions: candidates.length,
      requests: series.length,
    },
  };
}
