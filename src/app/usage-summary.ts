/**
 * What bare `tokenledger` shows: today's and this month's spend (with today's sessions), the import
 * that ran first, and the JSON `--json` prints; on a machine without history, where it looked.
 * @module
 */
import { dimensionReport, periodReport, type ReportContext } from '../analysis/reports.js';
import type { UsageRow } from '../analysis/usage-table.js';
import type { ZonedClock } from '../analysis/zoned-time.js';
import type { ImportSummary } from '../app/import/import-claude.js';
import { importCountsJson } from './import-history.js';
import { type LedgerSession, pricerOf } from './ledger-session.js';
import { totalsJson } from './usage-json.js';

/** One window of the summary: its label, its totals, and its sessions (a one-day window only). */
export interface SummaryWindow {
  label: string;
  row: UsageRow;
  sessions: number;
}

async function windowOf(
  ctx: ReportContext,
  clock: ZonedClock,
  since: string,
  until: string,
  label: string,
): Promise<SummaryWindow> {
  const scope = { clock, weekStart: 0 as const, since, until, order: 'asc' as const };
  const table = await periodReport(ctx, 'day', scope);
  const sessions = since === until ? (await dimensionReport(ctx, ['session'], scope)).rows.length : 0;
  return { label, row: table.totals, sessions };
}

/**
 * True when there is nothing to summarize and nowhere to import from: the ledger is empty and the
 * import (null: none was run) found no transcript files. The front end then says where it looked.
 */
export async function noHistoryYet(session: LedgerSession, summary: ImportSummary | null): Promise<boolean> {
  return summary !== null && (await session.store.stats()).records === 0 && summary.filesSeen === 0;
}

/** The JSON of a ledger without any history, after an import that found no files. */
export function noHistoryJson(session: LedgerSession, summary: ImportSummary) {
  return {
    ledger: session.store.location,
    today: null,
    month: null,
    searched: summary.roots.searched,
  };
}

export interface UsageSummary {
  /** Today, then this month. */
  windows: SummaryWindow[];
  json: () => Record<string, unknown>;
}

/** Today's and this month's usage in `clock`'s zone; `imported` is the import that ran first, if any. */
export async function usageSummary(
  session: LedgerSession,
  clock: ZonedClock,
  imported: ImportSummary | null,
  nowMs: number = Date.now(),
): Promise<UsageSummary> {
  const pricer = pricerOf(session);
  const ctx: ReportContext = { store: session.store, pricer, mode: 'auto' };
  const today = clock.dateOf(nowMs);
  const windows = [
    await windowOf(ctx, clock, today, today, `Today, ${today}`),
    await windowOf(ctx, clock, `${today.slice(0, 7)}-01`, today, `This month, ${today.slice(0, 7)}`),
  ];
  const json = () => ({
    today: {
      date: today,
      ...totalsJson(windows[0]?.row as UsageRow),
      sessions: windows[0]?.sessions ?? 0,
    },
    month: { month: today.slice(0, 7), ...totalsJson(windows[1]?.row as UsageRow) },
    import: imported && {
      filesRead: imported.filesRead,
      ...importCountsJson(imported),
      problems: imported.problems,
      durationMs: imported.durationMs,
    },
    ledger: session.store.location,
    meta: { timezone: clock.tz, priceTable: pricer.version },
  });
  return { windows, json };
}
