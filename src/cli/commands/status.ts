/**
 * `tokenledger status`: where tokenledger reads and keeps data, and what the ledger holds.
 * @module
 */
import { ledgerStatus } from '../../app/ledger-status.js';
import type { LedgerStats } from '../../ledger/store.js';
import { formatInt } from '../../util/format.js';
import { type CommonOptions, openSession } from '../context.js';
import { writeErr, writeJson, writeOut } from '../io.js';
import { detectTerminal } from '../render/terminal.js';
import { wrapWords } from '../render/wrap-words.js';

/** What the ledger holds, in one line: e.g. `960 API calls in 50 sessions, … (959 read from transcripts, 1 declared)`. */
function holds(stats: LedgerStats): string {
  const calls = `${formatInt(stats.records)} API calls in ${formatInt(stats.sessions)} sessions`;
  const range =
    stats.firstTs === null
      ? ''
      : `, ${new Date(stats.firstTs).toISOString().slice(0, 10)} to ${new Date(stats.lastTs ?? stats.firstTs).toISOString().slice(0, 10)}`;
  const notes: string[] = [];
  if (stats.declaredRecords > 0)
    notes.push(
      `${formatInt(stats.records - stats.declaredRecords)} read from transcripts, ${formatInt(stats.declaredRecords)} declared with \`record\``,
    );
  if (stats.forgottenCalls > 0)
    notes.push(`${formatInt(stats.forgottenCalls)} forgotten, which imports skip`);
  return `${calls}${range}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}

export async function runStatus(opts: CommonOptions): Promise<number> {
  const session = await openSession(opts);
  try {
    const { json: info, stats, roots, pricer } = await ledgerStatus(session);
    for (const w of roots.warnings) writeErr(`tokenledger: warning: ${w}\n`);
    if (opts.json) {
      await writeJson(info);
      return 0;
    }
    const lines = [
      `Ledger:       ${info.ledger}${info.ledgerBytes === null ? '' : ` (${(info.ledgerBytes / 1048576).toFixed(1)} MB)`}`,
      `Data dir:     ${info.dataDir}`,
      `Config file:  ${info.configFile ?? '(none)'}`,
      `Claude dirs:  ${roots.roots.length > 0 ? roots.roots.join(', ') : '(none found)'}${roots.origin === 'default' ? '' : ` (from ${roots.origin === 'env' ? 'CLAUDE_CONFIG_DIR' : 'config'})`}`,
      `  searched:   ${roots.searched.join(', ')}`,
      `Recorded as:  ${info.user}@${info.machine}`,
      `Prices:       ${pricer.version} — ${pricer.source}`,
      `Holds:        ${holds(stats)}`,
      `Files:        ${formatInt(stats.files)} tracked${stats.metaFiles > 0 ? ` (${formatInt(stats.files - stats.metaFiles)} transcripts, ${formatInt(stats.metaFiles)} subagent .meta.json)` : ''}, last import ${info.lastImport ?? 'never'}`,
      `Problems:     ${formatInt(stats.problems)}${stats.problems > 0 ? ' (see `tokenledger problems`)' : ''}`,
    ];
    // Values wrap between words under their column, so a number is never split across lines.
    const { width } = detectTerminal(process.env, process.stdout, opts.color);
    await writeOut(`${lines.flatMap((l) => wrapWords(l, width, ' '.repeat(14))).join('\n')}\n`);
    return 0;
  } finally {
    await session.store.close();
  }
}
