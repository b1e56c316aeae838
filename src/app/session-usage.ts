/**
 * Usage per session (`tokenledger session`): the project, first and last activity, and Claude Code's
 * own cost total (cost-state) beside ours; the table a front end renders and the JSON `--json` prints.
 * @module
 */

import { type ReportScope, sessionReport } from '../analysis/reports.js';
import type { CostMode, UsageTable } from '../analysis/usage-table.js';
import { CLAUDE_SOURCE } from '../capture/claude/parse.js';
import { type LedgerSession, pricerOf } from './ledger-session.js';
import { rowJson, totalsJson, type UsageFieldsJson } from './usage-json.js';
import type { UsageMetaJson, UsageReport } from './usage-reports.js';

export interface SessionUsageJson {
  sessions: Record<string, unknown>[];
  totals: UsageFieldsJson;
  meta: UsageMetaJson;
}

/** The table's rows are labelled `session`, `project`, `first` and `last` (local dates). */
export async function sessionUsage(
  session: LedgerSession,
  scope: ReportScope,
  mode: CostMode,
): Promise<UsageReport<SessionUsageJson>> {
  const pricer = pricerOf(session);
  const { rows, totals } = await sessionReport({ store: session.store, pricer, mode }, scope, CLAUDE_SOURCE);
  const iso = (ms: number) => new Date(ms).toISOString();
  const table: UsageTable = {
    rows: rows.map((r) => ({
      ...r,
      label: {
        session: r.sessionId,
        project: r.project,
        first: scope.clock.dateOf(r.firstTs),
        last: scope.clock.dateOf(r.lastTs),
      },
    })),
    totals,
  };
  const json = (): SessionUsageJson => ({
    sessions: rows.map((r) =>
      rowJson(
        {
          sessionId: r.sessionId,
          projectPath: r.project,
          firstActivity: iso(r.firstTs),
          lastActivity: iso(r.lastTs),
          claudeCodeCost: r.claudeCodeCost,
        },
        r,
      ),
    ),
    totals: totalsJson(totals),
    meta: { timezone: scope.clock.tz, costMode: mode, priceTable: pricer.version },
  });
  return { table, json };
}
