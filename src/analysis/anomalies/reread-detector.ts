/**
 * Files read again and again: a file read at least {@link MIN_READS} times in the window (within a
 * task or session, or across tasks; `findFileRereads`) whose most reads in one task (usage in no task:
 * in one session) are far above how often files are read per task in the same history (the robust
 * baseline of every file's reads per task or session in the baseline span), with at least
 * {@link MIN_REPEATS} reads beyond the first in its tasks. Its evidence: every read in the window (the
 * call that issued it, when, task, session, and whether it repeats one in its task), and the API calls
 * the repeat reads drove (the next call of the thread, which carries a read's result back) with their
 * tokens: the ledger's exact numbers for those calls, which also carry the thread's other context,
 * so an upper bound of what the repeat reads cost (see `reread-waste.ts`).
 * @module
 */
import type { FileReadRow } from '../../ledger/call-activity-repository.js';
import { formatInt } from '../../util/format.js';
import { findFileRereads } from '../file-rereads.js';
import { callTokens, drivenCalls, repeatReads } from '../reread-waste.js';
import { robustBaseline, scoreAgainst } from '../statistics.js';
import type { Anomaly, Detector, RecordEvidence } from './anomaly.js';
import { baselineEvidence, ratioOf } from './baselines.js';
import { baselineText, offText } from './wording.js';

/** Reads of one file in the window before it is looked at (read again and again). */
export const MIN_READS = 3;
/** Reads beyond the first in each task before a file is flagged (read again, and again). */
export const MIN_REPEATS = 2;
export const READS_METRIC = 'readsPerTask';

/** The rows with only their reads in [fromMs, toMs) (rows left without a read dropped). */
export function readsIn(
  rows: readonly FileReadRow[],
  window: { fromMs: number; toMs: number },
): FileReadRow[] {
  const out: FileReadRow[] = [];
  for (const r of rows) {
    const calls = r.calls.filter((c) => c.ts >= window.fromMs && c.ts < window.toMs);
    if (calls.length > 0) out.push({ ...r, reads: calls.length, calls });
  }
  return out;
}

/** The files worth a closer look in the window: read at least {@link MIN_READS} times. */
export function rereadCandidates(rows: readonly FileReadRow[], window: { fromMs: number; toMs: number }) {
  return findFileRereads(readsIn(rows, window), { minReads: MIN_READS });
}

function unitKey(taskId: string | null, sessionId: string): string {
  return taskId === null ? `session\u0000${sessionId}` : `task\u0000${taskId}`;
}

/** Reads per file and task (no task: per session), keyed by file then unit. */
function readsPerUnit(rows: readonly FileReadRow[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const units = out.get(r.file) ?? new Map<string, number>();
    const k = unitKey(r.taskId, r.sessionId);
    units.set(k, (units.get(k) ?? 0) + r.reads);
    out.set(r.file, units);
  }
  return out;
}

function readsText(n: number): string {
  return `${Number.isInteger(n) ? formatInt(n) : n.toFixed(1)} read${n === 1 ? '' : 's'}`;
}

export const fileReread: Detector = (input, t) => {
  const history = readsPerUnit(input.fileReads);
  const values = [...history.values()].flatMap((units) => [...units.values()]);
  const baseline = robustBaseline(values);
  if (baseline === null || baseline.n < t.minBaseline || baseline.median <= 0) return [];
  const out: Anomaly[] = [];
  const inWindow = readsPerUnit(readsIn(input.fileReads, input.window));
  for (const f of rereadCandidates(input.fileReads, input.window)) {
    const windowUnits = inWindow.get(f.file) ?? new Map<string, number>();
    const value = Math.max(...windowUnits.values());
    const repeats = repeatReads(f.evidence);
    const score = scoreAgainst(value, baseline);
    const ratio = ratioOf(value, baseline.median);
    if (repeats.length < MIN_REPEATS || score < t.minScore || ratio === null || ratio < t.minRatio) continue;
    const driven = drivenCalls(repeats, input.readSeries);
    const repeatKeys = new Set(repeats);
    const tokens = callTokens(driven.calls);
    const records: RecordEvidence[] = driven.calls.map((p) => ({
      dedupKey: p.dedupKey,
      sessionId: p.sessionId,
      agentId: p.agentId,
      ts: p.ts,
      input: p.input,
      cacheRead: p.cacheRead,
      cacheWrite: p.cacheWrite,
      output: p.output,
    }));
    const expected = baseline.median * windowUnits.size;
    const evidence = f.evidence;
    const b = baselineEvidence(baseline, READS_METRIC, {});
    const unlinked =
      driven.unlinked === 0 ? '' : ` (${formatInt(driven.unlinked)} with no later call in the ledger)`;
    out.push({
      kind: 'file-reread',
      subject: { file: f.file },
      value,
      baseline: b,
      score,
      ratio,
      overrun: { unit: 'reads', expected, excess: f.reads - expected },
      evidence: {
        firstTs: evidence[0]?.ts ?? 0,
        lastTs: evidence[evidence.length - 1]?.ts ?? 0,
        tokens,
        responses: driven.calls.length,
        sessions: [...new Set(evidence.map((e) => e.sessionId))].sort(),
        tasks: [...new Set(evidence.flatMap((e) => (e.taskId === null ? [] : [e.taskId])))].sort(),
        records,
        reads: evidence.map((e) => ({ ...e, repeat: repeatKeys.has(e) })),
        facts: {
          reads: f.reads,
          tasks: f.tasks,
          sessions: f.sessions,
          maxReadsInOneTask: value,
          repeatReads: repeats.length,
          drivenCalls: driven.calls.length,
          unlinkedReads: driven.unlinked,
        },
      },
      summary:
        `${f.summary}, up to ${readsText(value)} in one task: ${offText(ratio, score)} ` +
        `(${baselineText(b, 'files per task or session')}); its ${formatInt(repeats.length)} reads beyond the ` +
        `first in each task${unlinked} drove ${formatInt(driven.calls.length)} API calls of ${formatInt(tokens.total)} tokens ` +
        '(whole calls, context included: an upper bound of what the repeats cost).',
    });
  }
  return out;
};
