/**
 * `tokenledger anomalies`, the MCP tool `anomalies` and the daily file's anomalies: usage far above
 * its robust baseline (tasks, stages, sessions, days, turn counts) and leak patterns (context that
 * keeps growing with few cache reads, a cache that keeps expiring), each with its evidence. The
 * result is exactly what `anomalies --json` prints.
 * @module
 */
import { type Anomaly, type AnomalyThresholds, DEFAULT_THRESHOLDS } from '../analysis/anomalies/anomaly.js';
import { findAnomalies } from '../analysis/anomalies/find-anomalies.js';
import { addDays, parseDateFlag } from '../analysis/zoned-time.js';
import { ExitCode, UserError } from '../util/errors.js';
import { type LedgerSession, sessionClock, stageMapOf } from './ledger-session.js';

/** Days flagged when no range is given: the last week, today included. */
export const DEFAULT_ANOMALY_DAYS = 7;
/** Days before the range that the baselines also draw on. */
export const DEFAULT_BASELINE_DAYS = 28;

export interface AnomaliesOptions {
  /** First local day to flag, YYYY-MM-DD (or YYYYMMDD). */
  since?: string | undefined;
  /** Last local day to flag (inclusive); today by default. */
  until?: string | undefined;
  /** The last N days, today included (when since is not given); {@link DEFAULT_ANOMALY_DAYS} by default. */
  days?: number | undefined;
  /** Days before the range the baselines also draw on; {@link DEFAULT_BASELINE_DAYS} by default. */
  baselineDays?: number | undefined;
  timezone?: string | undefined;
  /** Only usage whose project is this directory or inside it. */
  projectDir?: string | undefined;
  /** Only flags about this task: its own, its stages', and those of sessions it had usage in. */
  task?: string | undefined;
  thresholds?: Partial<AnomalyThresholds> | undefined;
  /** Now, epoch ms (tests). */
  now?: number | undefined;
}

export interface AnomaliesReport {
  /** The local days flags are raised for, inclusive, and their time zone. */
  range: { since: string; until: string; timeZone: string };
  /** The local days the baselines draw on (the range included). */
  baseline: { since: string; until: string };
  project: string | null;
  task: string | null;
  thresholds: AnomalyThresholds;
  /** How much was looked at: tasks, sessions and days in the baseline, sessions whose requests were read. */
  checked: { tasks: number; sessions: number; days: number; seriesSessions: number; requests: number };
  anomalies: Anomaly[];
}

function positiveInt(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min)
    throw new UserError(`${name} must be a whole number ≥ ${min}, got ${String(value)}.`, ExitCode.usage);
  return value;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new UserError(`${name} must be a number above 0, got ${String(value)}.`, ExitCode.usage);
  return value;
}

/** The thresholds in force: the defaults with the given ones, checked. */
export function anomalyThresholds(given: Partial<AnomalyThresholds> = {}): AnomalyThresholds {
  const d = DEFAULT_THRESHOLDS;
  const share = positive('the leak read share', given.leakMaxReadShare, d.leakMaxReadShare);
  if (share > 1) throw new UserError(`the leak read share must be at most 1, got ${share}.`, ExitCode.usage);
  return {
    minScore: positive('the minimum score', given.minScore, d.minScore),
    minRatio: positive('the minimum ratio', given.minRatio, d.minRatio),
    minBaseline: positiveInt('the minimum baseline size', given.minBaseline, d.minBaseline, 2),
    minRequests: positiveInt('the minimum API calls of a leak', given.minRequests, d.minRequests, 2),
    leakGrowth: positive('the context growth of a leak', given.leakGrowth, d.leakGrowth),
    leakMaxReadShare: share,
    minRewrites: positiveInt('the minimum cache rewrites', given.minRewrites, d.minRewrites, 2),
  };
}

export async function anomaliesReport(
  session: LedgerSession,
  o: AnomaliesOptions = {},
): Promise<AnomaliesReport> {
  const clock = sessionClock(session, o.timezone);
  const thresholds = anomalyThresholds(o.thresholds);
  const today = clock.dateOf(o.now ?? Date.now());
  const until = o.until === undefined ? today : parseDateFlag(o.until, 'until');
  const days = positiveInt('days', o.days, DEFAULT_ANOMALY_DAYS);
  const since = o.since === undefined ? addDays(until, 1 - days) : parseDateFlag(o.since, 'since');
  if (since > until)
    throw new UserError(`since ${since} is after until ${until}; swap them.`, ExitCode.usage);
  const baselineSince = addDays(
    since,
    -positiveInt('baseline days', o.baselineDays, DEFAULT_BASELINE_DAYS, 0),
  );
  const found = await findAnomalies(session.store, {
    fromMs: clock.startOf(since),
    toMs: clock.startOf(addDays(until, 1)),
    baselineFromMs: clock.startOf(baselineSince),
    clock,
    thresholds,
    stageMap: stageMapOf(session),
    ...(o.projectDir === undefined ? {} : { projectDir: o.projectDir }),
    ...(o.task === undefined ? {} : { task: o.task }),
  });
  return {
    range: { since, until, timeZone: clock.tz },
    baseline: { since: baselineSince, until },
    project: o.projectDir ?? null,
    task: o.task ?? null,
    thresholds,
    checked: found.checked,
    anomalies: found.anomalies,
  };
}
