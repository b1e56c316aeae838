/**
 * Bare `tokenledger`: import what is new, then today's and this month's spend. On a machine with no
 * agent history yet it says where it looked and how to start, and exits 0.
 * @module
 */

import pc from 'picocolors';
import { dimensionReport, periodReport, type ReportContext } from '../../analysis/reports.js';
import { cacheHitRate, totalTokens, type UsageRow } from '../../analysis/usage-table.js';
import type { ZonedClock } from '../../analysis/zoned-time.js';
import { ledgerPath } from '../../config/paths.js';
import type { ImportSummary } from '../../ledger/import-claude.js';
import { type CommonOptions, clockOf, importNow, openSession, pricerOf } from '../context.js';
import { describeImported, importCountsJson } from '../import-counts.js';
import { writeJson, writeOut } from '../io.js';
import { formatCost, formatInt, formatPercent } from '../render/format.js';
import { detectTerminal } from '../render/terminal.js';
import { totalsJson } from '../usage-json.js';

interface Window {
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
): Promise<Window> {
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
    const c = pc.createColors(term.color);
    const lines: string[] = [];
    for (const w of windows) {
      const r = w.row;
      lines.push(`${c.bold(w.label)} ${c.dim(`(${clock.tz})`)}`);
      if (r.sums.responses === 0) {
        lines.push('  no usage', '');
        continue;
      }
      const parts = [
        `${formatInt(totalTokens(r.sums))} tokens`,
        c.yellow(r.unpriced.length > 0 ? `${formatCost(r.cost)}+` : formatCost(r.cost)),
        `cache hit ${formatPercent(cacheHitRate(r.sums))}`,
        `${formatInt(r.sums.responses)} API calls`,
      ];
      if (w.sessions > 0) parts.push(`${w.sessions} session${w.sessions === 1 ? '' : 's'}`);
      lines.push(`  ${parts.join(' · ')}`);
      const width = Math.max(...r.models.map((m) => m.model.length));
      for (const m of r.models.slice(0, 5)) {
        lines.push(
          `    ${m.model.padEnd(width)}  ${formatInt(totalTokens(m.sums)).padStart(15)} tokens  ${`${formatCost(m.cost)}${m.cost !== null && m.unpricedTokens > 0 ? '+' : ''}`.padStart(10)}`,
        );
      }
      lines.push('');
    }
    if (summary !== null && summary.filesRead > 0) {
      lines.push(
        c.dim(
          `Imported ${describeImported(summary)} from ${formatInt(summary.filesRead)} changed file(s) in ${(summary.durationMs / 1000).toFixed(1)} s.`,
        ),
      );
    }
    lines.push(
      c.dim(
        `Ledger: ${ledgerPath(opts.db)}. More: tokenledger daily | monthly | session | report --by project,branch | problems`,
      ),
    );
    await writeOut(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await session.store.close();
  }
}
