/**
 * What `tokenledger status` and `tokenledger problems` show: where tokenledger reads and keeps data
 * and what the ledger holds; what could not be used from the transcripts. Each returns the JSON
 * `--json` prints, with what a front end needs for its text beside it.
 * @module
 */
import fs from 'node:fs';
import { type ClaudeRoots, resolveClaudeRoots } from '../capture/claude/paths.js';
import { describeLedgerLocation, type LedgerLocation } from '../config/ledger-location.js';
import { dataHome } from '../config/paths.js';
import type { LedgerStats } from '../ledger/store.js';
import type { Pricer } from '../pricing/pricer.js';
import { type LedgerSession, pricerOf } from './ledger-session.js';

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

export interface LedgerStatus {
  /** What `status --json` prints. */
  json: {
    dataDir: string;
    ledger: string;
    ledgerBytes: number | null;
    configFile: string | null;
    claudeDirs: { found: string[]; searched: string[]; from: ClaudeRoots['origin'] };
    machine: string;
    user: string;
    priceTable: { version: string; source: string };
    records: number;
    declaredRecords: number;
    sessions: number;
    firstUsage: string | null;
    lastUsage: string | null;
    filesTracked: number;
    subagentMetaFiles: number;
    forgottenApiCalls: number;
    problems: number;
    lastImport: string | null;
  };
  stats: LedgerStats;
  roots: ClaudeRoots;
  pricer: Pricer;
}

export async function ledgerStatus(session: LedgerSession): Promise<LedgerStatus> {
  const stats = await session.store.stats();
  const roots = resolveClaudeRoots(session.loaded.config.claudeDirs);
  const pricer = pricerOf(session);
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const json: LedgerStatus['json'] = {
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
  return { json, stats, roots, pricer };
}

/** What `problems --json` prints. */
export interface ProblemsJson {
  total: number;
  problems: {
    file: string;
    line: number | null;
    severity: string;
    reason: string;
    firstSeen: string;
    lastSeen: string;
  }[];
}

/** The first `limit` problems, and how many there are. */
export async function ledgerProblems(session: LedgerSession, limit: number): Promise<ProblemsJson> {
  const { rows, total } = await session.store.problems(limit);
  return {
    total,
    problems: rows.map((p) => ({
      file: p.file,
      line: p.line,
      severity: p.severity,
      reason: p.reason,
      firstSeen: new Date(p.firstSeen).toISOString(),
      lastSeen: new Date(p.lastSeen).toISOString(),
    })),
  };
}
