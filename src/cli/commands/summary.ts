/**
 * Bare `tokenledger`: import what is new, then today's and this month's spend. On a machine with no
 * agent history yet it says where it looked and how to start, and exits 0.
 * @module
 */

import type { ImportSummary } from '../../app/import/import-claude.js';
import { noHistoryJson, noHistoryYet, usageSummary } from '../../app/usage-summary.js';
import { describeLedgerLocation } from '../../config/ledger-location.js';
import { formatInt } from '../../util/format.js';
import { budgetNotes } from '../budget-notes.js';
import { type CommonOptions, clockOf, importNow, openSession } from '../context.js';
import { describeImported } from '../import-counts.js';
import { writeJson, writeOut } from '../io.js';
import { detectTerminal } from '../render/terminal.js';
import { footLines, windowLines } from './summary-lines.js';

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
    if (summary !== null && (await noHistoryYet(session, summary))) {
      if (opts.json) await writeJson(noHistoryJson(session, summary));
      else await writeOut(noHistory(summary));
      return 0;
    }
    const clock = clockOf(session, opts);
    const { windows, json } = await usageSummary(session, clock, summary);
    if (opts.json) {
      await writeJson(json());
      return 0;
    }
    const term = detectTerminal(process.env, process.stdout, opts.color);
    const layout = { ...term, compact: opts.compact === true, timezone: clock.tz };
    const lines: string[] = [];
    for (const w of windows) lines.push(...windowLines(w, layout), '');
    const notes = await budgetNotes(session);
    if (notes.length > 0) lines.push(...notes, '');
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
