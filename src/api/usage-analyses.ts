/**
 * The library's analyses of the ledger: anomalies, the review's recommendations, A/B comparisons of
 * task cohorts and calibrated estimates. Each opens the ledger as the CLI does (importing new
 * transcripts first unless `import: false`), calls the same use case of src/app as its command, and
 * returns exactly what the command's `--json` prints. None writes a file outside the ledger.
 * @module
 */
import path from 'node:path';
import type { AnomalyThresholds } from '../analysis/anomalies/anomaly.js';
import type { AnomaliesReport } from '../app/anomalies.js';
import type { CompareResult } from '../app/compare-cohorts.js';
import type { ReviewResult } from '../app/review-proposals.js';
import type { EstimateResult } from '../app/usage-estimates.js';
import { checkName } from '../capture/context/attribution-context.js';
import { ExitCode, UserError } from '../util/errors.js';
import {
  checkedOptions,
  type LedgerOptions,
  labelsOption,
  numberOption,
  stringOption,
  wholeDaysOption,
  withLedger,
} from './ledger-options.js';

/** Options of {@link findAnomalies}: the flags of `tokenledger anomalies`. */
export interface FindAnomaliesOptions extends LedgerOptions {
  /** First local day to flag, `YYYY-MM-DD` (or `YYYYMMDD`). */
  since?: string;
  /** Last local day to flag (inclusive); today by default. */
  until?: string;
  /** The last N days, today included, when `since` is not given (default 7). */
  days?: number;
  /** Days before the range that the baselines also draw on (default 28). */
  baselineDays?: number;
  /** IANA time zone of the days (default: the config's `timezone`, else the system's). */
  timezone?: string;
  /** Only usage whose project is this directory or inside it (relative to the current directory). */
  project?: string;
  /** Only flags about this task: its own, its stages' and those of the sessions it had usage in. */
  task?: string;
  /** Thresholds over the defaults (`--min-score`, `--min-ratio`, …). */
  thresholds?: Partial<AnomalyThresholds>;
}

/** What `tokenledger anomalies --json` prints, for the same options. */
export async function findAnomalies(options?: FindAnomaliesOptions): Promise<AnomaliesReport> {
  const o = checkedOptions(options, 'findAnomalies');
  const project = stringOption(o.project, 'project');
  const request = {
    since: stringOption(o.since, 'since'),
    until: stringOption(o.until, 'until'),
    days: numberOption(o.days, 'days'),
    baselineDays: numberOption(o.baselineDays, 'baselineDays'),
    timezone: stringOption(o.timezone, 'timezone'),
    projectDir: project === undefined ? undefined : path.resolve(project),
    task: stringOption(o.task, 'task'),
    thresholds: checkedOptions(o.thresholds, 'findAnomalies thresholds'),
  };
  const { anomaliesReport } = await import('../app/anomalies.js');
  return withLedger(o, (session) => anomaliesReport(session, request));
}

/** Options of {@link reviewUsage}: the flags of `tokenledger review` (the report file is never written). */
export interface ReviewUsageOptions extends LedgerOptions {
  /** Review the last N days, today included (default 7). */
  days?: number;
  /** The repository the diffs are against (default: the current directory). */
  repo?: string;
  /** The policy file new rules go into, relative to the repository (default `CLAUDE.md`). */
  policyFile?: string;
  /** IANA time zone of the days (default: the config's `timezone`, else the system's). */
  timezone?: string;
}

/**
 * What `tokenledger review --json` prints, for the same options: the recommendations, each with its
 * diff (never applied). Each proposal is remembered in the ledger under its id, as the CLI does, for
 * `tokenledger review check ID`. `reportPath` is always null: no file is written.
 */
export async function reviewUsage(options?: ReviewUsageOptions): Promise<ReviewResult> {
  const o = checkedOptions(options, 'reviewUsage');
  const days = wholeDaysOption(o.days, 'days', 7);
  const request = {
    repoDir: path.resolve(stringOption(o.repo, 'repo') ?? process.cwd()),
    days,
    policyFile: stringOption(o.policyFile, 'policyFile'),
    timeZone: stringOption(o.timezone, 'timezone'),
    write: false,
  };
  const { reviewProposals } = await import('../app/review-proposals.js');
  return withLedger(o, (session) => reviewProposals(session, request));
}

/** Options of {@link compareCohorts}: the flags of `tokenledger compare`. */
export interface CompareCohortsOptions extends LedgerOptions {
  /** Cohort A's filter, e.g. `label:workflow=v1` (the syntax of `--a`). */
  a: string;
  /** Cohort B's filter, e.g. `label:workflow=v2`. */
  b: string;
  /** The bootstrap's seed (default 1): the same seed and ledger give the same intervals. */
  seed?: number;
  /** Bootstrap resamples, 100 to 100,000 (default 2,000). */
  resamples?: number;
  /** IANA time zone of `since:`/`until:` days in the filters. */
  timezone?: string;
}

/** What `tokenledger compare --a A --b B --json` prints, for the same options. */
export async function compareCohorts(options: CompareCohortsOptions): Promise<CompareResult> {
  const o = checkedOptions(options, 'compareCohorts');
  const a = stringOption(o.a, 'a');
  const b = stringOption(o.b, 'b');
  if (a === undefined || b === undefined)
    throw new UserError(
      'compareCohorts: give both cohorts, e.g. { a: "label:workflow=v1", b: "label:workflow=v2" }.',
      ExitCode.usage,
    );
  const request = {
    a,
    b,
    seed: numberOption(o.seed, 'seed'),
    resamples: numberOption(o.resamples, 'resamples'),
    timezone: stringOption(o.timezone, 'timezone'),
  };
  const { compareTasks } = await import('../app/compare-cohorts.js');
  return withLedger(o, (session) => compareTasks(session, request));
}

/** Options of {@link estimateUsage}: the flags of `tokenledger estimate`. */
export interface EstimateUsageOptions extends LedgerOptions {
  /** Similar tasks have every one of these labels (`--label key=value`). */
  labels?: Readonly<Record<string, string>>;
  /** Similar tasks have this stage. */
  stage?: string;
  /** One category per value of `label:KEY`, or per `stage`; without it, one category of all. */
  by?: string;
}

/** What `tokenledger estimate --json` prints, for the same options. */
export async function estimateUsage(options?: EstimateUsageOptions): Promise<EstimateResult> {
  const o = checkedOptions(options, 'estimateUsage');
  const stage = stringOption(o.stage, 'stage');
  const request = {
    labels: labelsOption(o.labels, 'labels'),
    stage: stage === undefined ? undefined : checkName(stage, 'stage'),
    by: stringOption(o.by, 'by'),
  };
  const { estimateUsage: estimate } = await import('../app/usage-estimates.js');
  return withLedger(o, (session) => estimate(session, request));
}
