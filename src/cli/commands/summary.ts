/**
 * Bare `tokenledger`: import what is new, then today's and this month's spend. On a machine with no
 * agent history yet it says where it looked and how to start, and exits 0.
 * @module
 */

import { dimensionReport, periodReport, type ReportContext } from '../../analysis/reports.js';
import type { UsageRow } from '../../analysis/usage-table.js';
import type { ZonedClock } from '../../analysis/zoned-time.js';
import type { ImportSummary } from '../../app/import/import-claude.js';
import { describeLedgerLocation } from '../../config/ledger-location.js';
import { formatInt } from '../../util/format.js';
import { type CommonOptions, clockOf, importNow, openSession, pricerOf } from '../context.js';
import { describeImported, importCountsJson } from '../import-counts.js';
import { writeJson, writeOut } from '../io.js';
import { detectTerminal } from '../render/terminal.js';
import { totalsJson } from '../usage-json.js';
import { footLines, type SummaryWindow, windowLines } from './summary-lines.js';

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

function noHistory(summary: ImportSummary): string {
  const looked = summary.roots.searched.map((d) => `  ${d}/projects`).join('\n');
  return [
    'No Claude Code history found yet. tokenledger looked in:',
    looked,
    '',
    'To start:',
    '  - use Claude Code once; its transcripts land in the folders above, and the next `tokenledger` imports them;',
    '  - or, if your Claude config lives elsewhere, set CLAUDE_CONFIG_DIR (comma-separated for several);',
    '  - or run `tokenledger demo` to see every report on generated history.',
    '',
  ].join('\n');
}

export async function runSummary(opts: CommonOptions): Promise<number> {
  const session = await openSession(opts);
  try {
    const summary = opts.import === false ? null : await importNow(session, opts);
    const stats = await session.store.stats();
    if (stats.records === 0 && summary !== null && summary.filesSeen === 0) {
      if (opts.json)
        await writeJson({
          ledger: session.store.location,
          today: null,
          month: null,
          searched: summary.roots.searched,
        });
      else await writeOut(noHistory(summary));
      return 0;
    }
    const pricer = pricerOf(session);
    const clock = clockOf(session, opts);
    const ctx: ReportContext = { store: session.store, pricer, mode: 'auto' };
    const today = clock.dateOf(Date.now());
    const windows = [
      await windowOf(ctx, clock, today, today, `Today, ${today}`),
      await windowOf(ctx, clock, `${today.slice(0, 7)}-01`, today, `This month, ${today.slice(0, 7)}`),
    ];
    if (opts.json) {
      await writeJson({
        today: {
          date: today,
          ...totalsJson(windows[0]?.row as UsageRow),
          sessions: windows[0]?.sessions ?? 0,
        },
        month: { month: today.slice(0, 7), ...totalsJson(windows[1]?.row as UsageRow) },
        import: summary && {
          filesRead: summary.filesRead,
          ...importCountsJson(summary),
          problems: summary.problems,
          durationMs: summary.durationMs,
        },
        ledger: session.store.location,
        meta: { timezone: clock.tz, priceTable: pricer.version },
      });
      return 0;
    }
    const term = detectTerminal(process.env, process.stdout, opts.color);
    const layout = { ...term, compact: opts.compact === true, timezone: clock.tz };
    const lines: string[] = [];
    for (const w of windows) lines.push(...windowLines(w, layout), '');
    if (summary !== null && summary.filesRead > 0) {
      lines.push(
        ...footLines(
          `Imported ${describeImported(summary)} from ${formatInt(summary.filesRead)} changed file(s) in ${(summary.durationMs / 1000).toFixed(1)} s.`,
          layout,
        ),
      );
    }
    lines.push(
      ...footLines(
        `Ledger: ${describeLedgerLocation(session.location)}. More: tokenledger daily | monthly | session | report --by project,branch | problems`,
        layout,
      ),
    );
    await writeOut(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await session.store.close();
  }
}
