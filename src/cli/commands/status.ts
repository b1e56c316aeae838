/**
 * `tokenledger status`: where tokenledger reads and keeps data, and what the ledger holds.
 * @module
 */
import fs from 'node:fs';
import { resolveClaudeRoots } from '../../capture/claude/paths.js';
import { describeLedgerLocation, type LedgerLocation } from '../../config/ledger-location.js';
import { dataHome } from '../../config/paths.js';
import type { LedgerStats } from '../../ledger/store.js';
import { formatInt } from '../../util/format.js';
import { type CommonOptions, openSession, pricerOf } from '../context.js';
import { writeErr, writeJson, writeOut } from '../io.js';
import { detectTerminal } from '../render/terminal.js';
import { wrapWords } from '../render/wrap-words.js';

/** The bytes a ledger takes: a SQLite file and its WAL; null for a database server's. */
function size(location: LedgerLocation): number | null {
  if (location.kind !== 'file') return null;
  let total = 0;
  for (const f of [location.path, `${location.path}-wal`]) {
    try {
      total += fs.statSync(f).size;
    } catch {}
  }
  return total;
}

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
    const stats = await session.store.stats();
    const roots = resolveClaudeRoots(session.loaded.config.claudeDirs);
    for (const w of roots.warnings) writeErr(`tokenledger: warning: ${w}\n`);
    const pricer = pricerOf(session);
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const info = {
      dataDir: dataHome(),
      ledger: describeLedgerLocation(session.location),
      ledgerBytes: size(session.location),
      configFile: session.loaded.file,
      claudeDirs: { found: roots.roots, searched: roots.searched, from: roots.origin },
      machine: session.origin.machine,
      user: session.origin.user,
      priceTable: { version: pricer.version, source: pricer.source },
      records: stats.records,
      declaredRecords: stats.declaredRecords,
      sessions: stats.sessions,
      firstUsage: iso(stats.firstTs),
      lastUsage: iso(stats.lastTs),
      filesTracked: stats.files,
      subagentMetaFiles: stats.metaFiles,
      forgottenApiCalls: stats.forgottenCalls,
      problems: stats.problems,
      lastImport: iso(stats.lastImport),
    };
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
