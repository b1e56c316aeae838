/**
 * `tokenledger compare --a FILTER --b FILTER` (and the MCP tool `compare`): two cohorts of finished
 * tasks, their per-task distributions of cost, tokens, API calls and duration, and the verdict on
 * each (see analysis/compare.ts for the rule, analysis/cohort-filter.ts for the filters).
 * @module
 */
import { type CohortFilter, inCohort, needsBranches, parseCohortFilter } from '../analysis/cohort-filter.js';
import {
  compareCohorts,
  type Distribution,
  type Metric,
  MIN_TASKS,
  type NoVerdictReason,
} from '../analysis/compare.js';
import { ExitCode, UserError } from '../util/errors.js';
import { finishedTasks } from './finished-tasks.js';
import { type LedgerSession, sessionClock } from './ledger-session.js';

export interface CompareRequest {
  a: string;
  b: string;
  /** The bootstrap's seed (default 1): the same seed and ledger give the same intervals. */
  seed?: number | undefined;
  /** Bootstrap resamples (default 2,000). */
  resamples?: number | undefined;
  /** IANA zone of since:/until: days (default: the config's, else the system's). */
  timezone?: string | undefined;
  /** What errors call the two filters (default `a` and `b`; the CLI's are `--a` and `--b`). */
  names?: readonly [string, string];
}

export interface CohortJson {
  filter: string;
  tasks: number;
  taskIds: string[];
  /** Tasks with usage the price table lacks: their cost counts only the priced part. */
  unpricedTasks: number;
}

export interface MetricJson {
  metric: Metric;
  /** Units: dollars, tokens, API calls, milliseconds. */
  a: Distribution;
  b: Distribution;
  /** B's median against A's (−0.38 = 38% lower), with its interval; null when it cannot be computed. */
  change: { estimate: number; low: number; high: number } | null;
  verdict: 'lower' | 'higher' | null;
  reason: NoVerdictReason | null;
  tasksNeededPerCohort: number | null;
  /** How many more tasks each cohort would need to reach that; null when no count is given. */
  moreTasksNeeded: { a: number; b: number } | null;
  text: string;
}

/** What `compare --json` prints. */
export interface CompareResult {
  a: CohortJson;
  b: CohortJson;
  /** Tasks in both cohorts (their filters overlap). */
  inBoth: number;
  bootstrap: { seed: number; resamples: number; level: number; minTasksPerCohort: number };
  /** The plain verdict on cost. */
  verdict: string;
  /** cost, tokens, turns (API calls), duration. */
  metrics: MetricJson[];
}

const MAX_RESAMPLES = 100_000;

function checkInteger(value: number | undefined, what: string, min: number, max: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max))
    throw new UserError(`${what} ${value}: give a whole number from ${min} to ${max}.`, ExitCode.usage);
}

/** Compares the finished tasks of the two cohorts. */
export async function compareTasks(session: LedgerSession, request: CompareRequest): Promise<CompareResult> {
  const filters: [CohortFilter, CohortFilter] = [
    parseCohortFilter(request.a, request.names?.[0] ?? 'a'),
    parseCohortFilter(request.b, request.names?.[1] ?? 'b'),
  ];
  checkInteger(request.seed, 'seed', 0, 2 ** 32 - 1);
  checkInteger(request.resamples, 'resamples', 100, MAX_RESAMPLES);
  const clock = sessionClock(session, request.timezone);
  const { tasks, branches } = await finishedTasks(session, { branches: needsBranches(filters) });
  const select = (f: CohortFilter) =>
    tasks.filter((t) =>
      inCohort(
        {
          task: t.task,
          mainModel: t.measure.mainModel,
          mainBranch: branches.get(t.task.id) ?? null,
          firstTs: t.measure.firstTs,
        },
        f,
        clock,
      ),
    );
  const a = select(filters[0]);
  const b = select(filters[1]);
  const seed = request.seed ?? 1;
  const resamples = request.resamples ?? 2000;
  const metrics = compareCohorts(
    a.map((t) => t.measure),
    b.map((t) => t.measure),
    { seed, resamples },
  );
  const inA = new Set(a.map((t) => t.task.id));
  const cohort = (f: CohortFilter, list: typeof tasks): CohortJson => ({
    filter: f.text,
    tasks: list.length,
    taskIds: list.map((t) => t.task.id),
    unpricedTasks: list.filter((t) => t.measure.row.unpriced.length > 0).length,
  });
  return {
    a: cohort(filters[0], a),
    b: cohort(filters[1], b),
    inBoth: b.filter((t) => inA.has(t.task.id)).length,
    bootstrap: { seed, resamples, level: 0.95, minTasksPerCohort: MIN_TASKS },
    verdict: metrics[0]?.text ?? '',
    metrics: metrics.map((m) => ({
      metric: m.metric,
      a: m.a,
      b: m.b,
      change:
        m.change === null ? null : { estimate: m.change.estimate, low: m.change.low, high: m.change.high },
      verdict: m.verdict,
      reason: m.reason,
      tasksNeededPerCohort: m.tasksNeededPerCohort,
      moreTasksNeeded:
        m.tasksNeededPerCohort === null
          ? null
          : {
              a: Math.max(0, m.tasksNeededPerCohort - m.a.tasks),
              b: Math.max(0, m.tasksNeededPerCohort - m.b.tasks),
            },
      text: m.text,
    })),
  };
}
