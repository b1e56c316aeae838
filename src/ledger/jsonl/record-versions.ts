/**
 * How the versions of one record in a JSONL export resolve, whatever order the lines come in and
 * however often they repeat (commutative and idempotent), and what export and import do with a
 * ledger's own version. docs/JSONL.md states the same rules for people.
 *
 * - usage: the measured fields merge as the ledger's upsert does (token counts, output_final,
 *   sidechain and reported_cost by max, ts by min, the rest filled in when missing); the attribution
 *   (task_id, stage, labels) is the winning line's: the highest `rev`, ties broken by the greater line
 *   text (byte order).
 * - task, declared_task, telemetry_error, budget: the winning line, by the same rule.
 * - review_proposal: the winning line's content, with the earliest `proposed_at` and the earliest
 *   `applied_at` any line knows (once applied, a proposal stays applied).
 * - agent: the lowest priority (ties: the smaller agent type); spawn: each field filled in when missing;
 *   span: the earliest known end and creation; run: identical lines are one run; activity: one tool
 *   use is one row; budget_warning: the earliest claim.
 *
 * Export appends the ledger's version of a versioned record when it differs from the winner, with
 * `rev` one above the highest (usage that only grew keeps the winner's `rev`). Import compares the
 * ledger's version with the key's lines by content: equal to the winner, nothing to do; equal to an
 * older line, the ledger is behind and takes the winner; equal to none, it is a change the folder
 * has not seen yet, and the ledger keeps it (the next export appends it).
 * @module
 */
import { maxTokenCounts } from '../../util/token-counts.js';
import type { LedgerRecord, ReviewProposalLedgerRecord, UsageLedgerRecord } from '../ledger-records.js';
import { canonicalJson, compareText, recordKey } from '../record-identity.js';
import { formatLine } from './jsonl-format.js';
import type { ParsedLine } from './jsonl-parse.js';

/** What the lines of one record say. */
export interface RecordHistory {
  /** The resolved record. */
  state: LedgerRecord;
  /** The winning line: the highest rev, then the greater text. */
  winner: ParsedLine;
  maxRev: number;
  /** True when one of the lines has this content (see {@link contentOf}). */
  hasContent(content: string): boolean;
}

/**
 * The part of a record that versions replace: a usage row's attribution, a proposal without its
 * times, any other record whole.
 */
export function contentOf(r: LedgerRecord): string {
  if (r.type === 'usage') return canonicalJson([r.taskId, r.stage, r.labels]);
  if (r.type === 'review_proposal') return formatLine({ ...r, proposedAt: 0, appliedAt: null }, 0);
  return formatLine(r, 0);
}

/** `a` with the earliest showing and application of both; `a`'s content stays. */
export function mergeProposal(
  a: ReviewProposalLedgerRecord,
  b: ReviewProposalLedgerRecord,
): ReviewProposalLedgerRecord {
  return {
    ...a,
    proposedAt: Math.min(a.proposedAt, b.proposedAt),
    appliedAt: minNullable(a.appliedAt, b.appliedAt),
  };
}

function minNullable(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function maxNullable(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

/** `a` with `b`'s measurements merged in (the ledger's upsert rule); `a`'s identity and attribution stay. */
export function mergeUsage(a: UsageLedgerRecord, b: UsageLedgerRecord): UsageLedgerRecord {
  return {
    ...maxTokenCounts({ ...a }, b),
    ts: Math.min(a.ts, b.ts),
    outputFinal: a.outputFinal || b.outputFinal,
    sidechain: a.sidechain || b.sidechain,
    reportedCost: maxNullable(a.reportedCost, b.reportedCost),
    agentId: a.agentId ?? b.agentId,
    speed: a.speed ?? b.speed,
    geo: a.geo ?? b.geo,
    project: a.project ?? b.project,
    gitBranch: a.gitBranch ?? b.gitBranch,
    agentVersion: a.agentVersion ?? b.agentVersion,
  };
}

/**
 * Two versions of a record without `rev` merged (same type and key); `a`'s value wins where only
 * one can (a spawn field both have), as in the ledger, whose value is `a` on import.
 */
export function mergeUnversioned(a: LedgerRecord, b: LedgerRecord): LedgerRecord {
  if (a.type === 'agent' && b.type === 'agent') {
    const bWins =
      b.priority < a.priority || (b.priority === a.priority && compareText(b.agentType, a.agentType) < 0);
    return bWins ? b : a;
  }
  if (a.type === 'spawn' && b.type === 'spawn') {
    return {
      ...a,
      agentId: a.agentId ?? b.agentId,
      agentType: a.agentType ?? b.agentType,
      taskId: a.taskId ?? b.taskId,
    };
  }
  if (a.type === 'span' && b.type === 'span') {
    return { ...a, toTs: minNullable(a.toTs, b.toTs), createdAt: Math.min(a.createdAt, b.createdAt) };
  }
  if (a.type === 'budget_warning' && b.type === 'budget_warning') {
    return { ...a, warnedAt: Math.min(a.warnedAt, b.warnedAt) };
  }
  if (a.type === 'review_proposal' && b.type === 'review_proposal') return mergeProposal(a, b);
  return a;
}

const byVersion = (x: ParsedLine, y: ParsedLine) => y.rev - x.rev || compareText(y.text, x.text);

/** Resolves one record's lines (all of one key); `lines` is not empty. */
export function resolveHistory(lines: readonly ParsedLine[]): RecordHistory {
  const sorted = lines.length === 1 ? lines : [...lines].sort(byVersion);
  const winner = sorted[0] as ParsedLine;
  let state = winner.record;
  let maxRev = winner.rev;
  for (let i = 1; i < sorted.length; i++) {
    const line = sorted[i] as ParsedLine;
    const r = line.record;
    state = state.type === 'usage' && r.type === 'usage' ? mergeUsage(state, r) : mergeUnversioned(state, r);
    maxRev = Math.max(maxRev, line.rev);
  }
  let contents: Set<string> | undefined;
  return {
    state,
    winner,
    maxRev,
    hasContent(content) {
      contents ??= new Set(lines.map((l) => contentOf(l.record)));
      return contents.has(content);
    },
  };
}

/** Lines grouped by record, resolved on demand. */
export class RecordHistories {
  readonly #lines = new Map<string, ParsedLine[]>();
  readonly #resolved = new Map<string, RecordHistory>();

  add(line: ParsedLine): void {
    const key = recordKey(line.record);
    const list = this.#lines.get(key);
    if (list === undefined) this.#lines.set(key, [line]);
    else list.push(line);
    this.#resolved.delete(key);
  }

  get(key: string): RecordHistory | undefined {
    let h = this.#resolved.get(key);
    if (h === undefined) {
      const lines = this.#lines.get(key);
      if (lines === undefined) return undefined;
      h = resolveHistory(lines);
      this.#resolved.set(key, h);
    }
    return h;
  }

  keys(): IterableIterator<string> {
    return this.#lines.keys();
  }

  get size(): number {
    return this.#lines.size;
  }
}

function sameLabels(a: Record<string, string> | null, b: Record<string, string> | null): boolean {
  if (a === b) return true;
  return a !== null && b !== null && canonicalJson(a) === canonicalJson(b);
}

function sameAttribution(a: UsageLedgerRecord, b: UsageLedgerRecord): boolean {
  return a.taskId === b.taskId && a.stage === b.stage && sameLabels(a.labels, b.labels);
}

const USAGE_FIELDS = [
  'dedupKey',
  'source',
  'ts',
  'sessionId',
  'agentId',
  'sidechain',
  'model',
  'input',
  'output',
  'cacheWrite',
  'cacheWrite1h',
  'cacheRead',
  'webSearch',
  'outputFinal',
  'speed',
  'geo',
  'reportedCost',
  'project',
  'gitBranch',
  'agentVersion',
  'machine',
  'user',
] as const satisfies readonly (keyof UsageLedgerRecord)[];

/** Equal records (what their lines would say, `rev` aside). Usage, the bulk, is compared field by field. */
function same(a: LedgerRecord, b: LedgerRecord): boolean {
  if (a.type === 'usage' && b.type === 'usage') {
    return USAGE_FIELDS.every((f) => a[f] === b[f]) && sameAttribution(a, b);
  }
  return formatLine(a, 0) === formatLine(b, 0);
}

/**
 * The `rev` to export the ledger's `record` with, or null when the directory already says as much.
 * Records without `rev` get 0 (it is not written).
 */
export function exportRev(record: LedgerRecord, h: RecordHistory | undefined): number | null {
  if (h === undefined) return 0;
  const winner = h.winner.record;
  if (record.type === 'usage' && h.state.type === 'usage') {
    const grown = !same(mergeUsage(h.state, record), h.state);
    const reattributed = winner.type === 'usage' && !sameAttribution(record, winner);
    if (!grown && !reattributed) return null;
    return reattributed ? h.maxRev + 1 : h.winner.rev;
  }
  if (record.type === 'review_proposal' && h.state.type === 'review_proposal') {
    const grown = !same(mergeProposal(h.state, record), h.state);
    const changed = contentOf(record) !== contentOf(winner);
    if (!grown && !changed) return null;
    return changed ? h.maxRev + 1 : h.winner.rev;
  }
  switch (record.type) {
    case 'task':
    case 'declared_task':
    case 'telemetry_error':
    case 'budget':
      return same(record, winner) ? null : h.maxRev + 1;
    case 'run':
      return null;
    default:
      return same(mergeUnversioned(h.state, record), h.state) ? null : 0;
  }
}

/** Which version of a versioned record the ledger should hold, given its own (`db`). */
function chosen(db: LedgerRecord, h: RecordHistory): LedgerRecord {
  const winner = h.winner.record;
  if (db.type === 'usage' && winner.type === 'usage') {
    if (sameAttribution(db, winner)) return db;
  } else if (contentOf(db) === contentOf(winner)) return db;
  // Equal to an older line: the ledger is behind. Equal to none: a change made here, kept.
  return h.hasContent(contentOf(db)) ? winner : db;
}

/** What the ledger's record (`db`, undefined when it has none) should become, or null to leave it. */
export function importTarget(db: LedgerRecord | undefined, h: RecordHistory): LedgerRecord | null {
  if (db === undefined) return h.state;
  let target: LedgerRecord;
  if (db.type === 'usage' && h.state.type === 'usage') {
    const attribution = chosen(db, h) as UsageLedgerRecord;
    target = {
      ...mergeUsage(db, h.state),
      taskId: attribution.taskId,
      stage: attribution.stage,
      labels: attribution.labels,
    };
  } else if (db.type === 'review_proposal' && h.state.type === 'review_proposal') {
    const content = chosen(db, h) as ReviewProposalLedgerRecord;
    const times = mergeProposal(db, h.state);
    target = { ...content, proposedAt: times.proposedAt, appliedAt: times.appliedAt };
  } else if (
    db.type === 'task' ||
    db.type === 'declared_task' ||
    db.type === 'telemetry_error' ||
    db.type === 'budget'
  ) {
    target = chosen(db, h);
  } else if (db.type === 'run') {
    return null;
  } else {
    target = mergeUnversioned(db, h.state);
  }
  return same(target, db) ? null : target;
}
