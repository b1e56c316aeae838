/**
 * `tokenledger session`: usage per session, with the project, first and last activity, and Claude
 * Code's own cost total (cost-state) beside ours.
 * @module
 */
import { sessionUsage } from '../../app/session-usage.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { importNow, openSession } from '../context.js';
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
    const only = sessionFilter(opts);
    const scope = scopeOf(session, { ...opts, session: only });
    const { table, json } = await sessionUsage(session, scope, opts.mode);
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
      json,
    });
    return 0;
  } finally {
    await session.store.close();
  }
}
