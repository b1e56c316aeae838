/**
 * `tokenledger session`: usage per session, with the project, first and last activity, and Claude
 * Code's own cost total (cost-state) beside ours.
 * @module
 */
import { sessionReport } from '../../analysis/reports.js';
import { rowJson, totalsJson } from '../../app/usage-json.js';
import { ExitCode, UserError } from '../../errors.js';
import { importNow, openSession, pricerOf } from '../context.js';
import type { LabelColumn } from '../usage-output.js';
import { printUsage } from './print-usage.js';
import { formatOf, type ReportOptions, scopeOf } from './scope.js';

/** The label columns of the session table (keys of the rows' `label`). */
export const SESSION_LABELS: readonly LabelColumn[] = [
  { key: 'session', header: 'Session', shorten: 'id' },
  { key: 'project', header: 'Project', truncate: 'start', shorten: 'path' },
  { key: 'first', header: 'First Activity', priority: 2 },
  { key: 'last', header: 'Last Activity', priority: 3 },
];

/** `--session ID`, or ccusage's `--id ID` (the same filter under its name there). */
function sessionFilter(opts: ReportOptions & { id?: string }): string | undefined {
  if (opts.id !== undefined && opts.session !== undefined && opts.id !== opts.session) {
    throw new UserError(
      `--id ${opts.id} and --session ${opts.session} name different sessions; give one (--session).`,
      ExitCode.usage,
    );
  }
  return opts.session ?? opts.id;
}

export async function runSession(opts: ReportOptions & { id?: string }): Promise<number> {
  const format = formatOf(opts);
  const session = await openSession(opts);
  try {
    if (opts.import !== false) await importNow(session, opts);
    const pricer = pricerOf(session);
    const only = sessionFilter(opts);
    const scope = scopeOf(session, { ...opts, session: only });
    const { rows, totals } = await sessionReport({ store: session.store, pricer, mode: opts.mode }, scope);
    const iso = (ms: number) => new Date(ms).toISOString();
    const table = {
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
    await printUsage({
      format,
      table,
      color: opts.color,
      compact: opts.compact,
      breakdown: opts.breakdown === true,
      labels: SESSION_LABELS,
      title: `Usage by session (${scope.clock.tz}, cost: ${opts.mode})`,
      empty: only
        ? `No usage for session ${only}.`
        : 'No sessions in the ledger yet. Run `tokenledger status` to see where tokenledger looks.',
      json: () => ({
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
        meta: { timezone: scope.clock.tz, costMode: opts.mode, priceTable: pricer.version },
      }),
    });
    return 0;
  } finally {
    await session.store.close();
  }
}
