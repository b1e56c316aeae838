/**
 * The dashboard's data: each endpoint answers with exactly the JSON an application-layer use case
 * returns, the same document the CLI's `--json` prints for the same filters (`daily`, `report --by`,
 * `blocks --active`, `task list`, `task show`). Nothing is re-queried here.
 * @module
 */
import { DEFAULT_SESSION_HOURS, HOUR_MS } from '../analysis/blocks.js';
import type { ReportDimension, ReportScope } from '../analysis/reports.js';
import { parseDateFlag, type ZonedClock } from '../analysis/zoned-time.js';
import { anomaliesReport } from '../app/anomalies.js';
import { blocksUsage } from '../app/blocks-usage.js';
import { sessionBudgetReport } from '../app/budget-notices.js';
import { compareTasks } from '../app/compare-cohorts.js';
import { type LedgerSession, sessionClock } from '../app/ledger-session.js';
import { reviewProposals } from '../app/review-proposals.js';
import { type TaskFilters, taskList, taskShow, taskUsageScope } from '../app/task-reports.js';
import { taskRequests } from '../app/task-requests.js';
import { dimensionUsage, periodUsage } from '../app/usage-reports.js';
import { ExitCode, UserError } from '../util/errors.js';

/**
 * The Breakdowns view's dimensions, in the order of its tabs: the client builds its tabs from this
 * list (served by /api/meta), so a new dimension of `report --by` is one line here.
 */
export const BREAKDOWN_DIMENSIONS: readonly ReportDimension[] = [
  'stage',
  'agent',
  'model',
  'project',
  'branch',
  'machine',
  'tool',
  'skill',
  'mcp-server',
  'file',
];

/** The filters every view shares, from the URL: `since`, `until` (local dates), `project`. */
export interface DashboardFilters {
  since?: string | undefined;
  until?: string | undefined;
  project?: string | undefined;
}

/** The report scope of the filters, checked as the CLI checks `--since`, `--until` and `--project`. */
export function scopeOfFilters(clock: ZonedClock, f: DashboardFilters, order: 'asc' | 'desc'): ReportScope {
  const since = f.since === undefined || f.since === '' ? undefined : parseDateFlag(f.since, 'since');
  const until = f.until === undefined || f.until === '' ? undefined : parseDateFlag(f.until, 'until');
  if (since !== undefined && until !== undefined && since > until) {
    throw new UserError(`since ${since} is after until ${until}; swap them.`, ExitCode.usage);
  }
  const scope: ReportScope = { clock, weekStart: 0, order };
  if (since !== undefined) scope.since = since;
  if (until !== undefined) scope.until = until;
  if (f.project !== undefined && f.project !== '') scope.project = f.project;
  return scope;
}

/** Reads the ledger for the dashboard's views. */
export class DashboardData {
  readonly #session: LedgerSession;
  readonly clock: ZonedClock;

  readonly #timezone: string | undefined;
  /** The repository review's diffs are against (the CLI's default: the current directory). */
  readonly #repoDir: string;

  constructor(session: LedgerSession, timezone?: string, repoDir: string = process.cwd()) {
    this.#session = session;
    this.#timezone = timezone;
    this.#repoDir = repoDir;
    this.clock = sessionClock(session, timezone);
  }

  meta() {
    return {
      timezone: this.clock.tz,
      dimensions: BREAKDOWN_DIMENSIONS,
      today: this.clock.dateOf(Date.now()),
    };
  }

  /**
   * `daily --json` (`daily --breakdown --json` is the same document): a row per day with its cache hit
   * rate and its usage per model (`modelBreakdowns`), from the ledger's day rollup.
   */
  async daily(f: DashboardFilters) {
    return (
      await periodUsage(this.#session, 'day', scopeOfFilters(this.clock, f, 'asc'), { mode: 'auto' })
    ).json();
  }

  /** `blocks --active --json`: the current 5-hour block, its burn rate and projection. */
  async activeBlock() {
    const r = await blocksUsage(
      this.#session,
      { sessionMs: DEFAULT_SESSION_HOURS * HOUR_MS, nowMs: Date.now(), selection: { activeOnly: true } },
      { mode: 'auto', tokenLimit: null, clock: this.clock },
    );
    return r.json();
  }

  /** `report --by DIM --json`, and `report --by day,DIM --json` for its chart. */
  async breakdown(dim: string, f: DashboardFilters) {
    const known = BREAKDOWN_DIMENSIONS.find((d) => d === dim);
    if (known === undefined) {
      throw new UserError(
        `unknown dimension "${dim}"; use one of ${BREAKDOWN_DIMENSIONS.join(', ')}.`,
        ExitCode.usage,
      );
    }
    const [totals, perDay] = await Promise.all([
      dimensionUsage(this.#session, [known], scopeOfFilters(this.clock, f, 'desc'), 'auto'),
      dimensionUsage(this.#session, ['day', known], scopeOfFilters(this.clock, f, 'asc'), 'auto'),
    ]);
    return { rows: totals.json(), perDay: perDay.json() };
  }

  /** The filters as `task list` and `task show` take them. */
  #taskFilters(f: DashboardFilters): TaskFilters {
    const { clock, since, until, project } = scopeOfFilters(this.clock, f, 'asc');
    return {
      clock,
      ...(since === undefined ? {} : { since }),
      ...(until === undefined ? {} : { until }),
      ...(project === undefined ? {} : { project }),
    };
  }

  /** `task list --since --until --project --json`. */
  async tasks(f: DashboardFilters) {
    return (await taskList(this.#session, { activeOnly: false, filters: this.#taskFilters(f) })).json();
  }

  /**
   * `task show ID --since --until --project --json`, its subtree's usage per day and model in them
   * (`report --by day,model` of its tasks), and its requests in them.
   */
  async task(id: string, f: DashboardFilters) {
    const filters = this.#taskFilters(f);
    const task = await this.#session.store.task(id);
    if (task === null) return null;
    const shown = await taskShow(this.#session, task, filters);
    const scope: ReportScope = {
      ...scopeOfFilters(this.clock, f, 'asc'),
      tasks: shown.summary.tree,
    };
    const [timeline, requests] = await Promise.all([
      dimensionUsage(this.#session, ['day', 'model'], scope, 'auto'),
      taskRequests(this.#session, shown.summary.tree, undefined, taskUsageScope(filters)),
    ]);
    return { show: shown.json(), timeline: timeline.json(), requests };
  }

  /** `budget status --json`: every budget this period, its forecast and the forecast's basis. */
  async budgets() {
    return sessionBudgetReport(this.#session, this.#timezone);
  }

  /** `anomalies --json` for the filters' days (the last 7 without `since`), project as `--project`. */
  async anomalies(f: DashboardFilters) {
    const given = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);
    return anomaliesReport(this.#session, {
      since: given(f.since),
      until: given(f.until),
      timezone: this.#timezone,
      projectDir: given(f.project),
    });
  }

  /**
   * `review --json` (the last 7 days, diffs against the dashboard's directory), read-only: unlike
   * the CLI, the proposals are not remembered in the ledger, so `review check ID` knows only those
   * the CLI or the MCP tool showed.
   */
  async review() {
    return reviewProposals(this.#session, {
      repoDir: this.#repoDir,
      timeZone: this.#timezone,
      remember: false,
    });
  }

  /** `compare --a A --b B --json`. */
  async compare(a: string, b: string) {
    return compareTasks(this.#session, { a, b, timezone: this.#timezone });
  }
}
