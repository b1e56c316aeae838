/**
 * What re-reading a file cost: the reads beyond the first in each task (usage in no task: in each
 * session), and the API calls they drove. A read is issued by one call's response; its result goes
 * back in the next call of the same thread (session and agent id, by time, then dedup key), which is
 * the call the read drove (the link `call-activity-sql.ts` makes for reports). The tokens of those
 * driven calls are exact ledger numbers, each call counted once however many repeat reads it carried
 * back; they also carry the rest of the thread's context, so they bound the file's own share from
 * above (the ledger stores usage numbers, never the file's content or size).
 * @module
 */
import type { FileReadRow } from '../ledger/call-activity-repository.js';
import type { RequestPoint } from '../ledger/usage-repository.js';
import type { FileReadEvidence } from './file-rereads.js';

/** What the review's `file_reread` rule reads: the period's file reads and the request series of the sessions that read a file again and again. */
export interface RereadData {
  fileReads: readonly FileReadRow[];
  series: readonly RequestPoint[];
  /** The repository the policy file is in: only its files are proposed, their paths relative to it. */
  repoDir?: string;
}

/** The reads beyond the first in each task (no task: in each session), oldest first. */
export function repeatReads(evidence: readonly FileReadEvidence[]): FileReadEvidence[] {
  const seen = new Set<string>();
  const out: FileReadEvidence[] = [];
  for (const e of evidence) {
    const unit = e.taskId === null ? `session\u0000${e.sessionId}` : `task\u0000${e.taskId}`;
    if (seen.has(unit)) out.push(e);
    else seen.add(unit);
  }
  return out;
}

/** The calls that `reads` drove: each once, in time order; `unlinked` counts reads with no next call. */
export interface DrivenCalls {
  calls: RequestPoint[];
  unlinked: number;
}

function threadKey(p: RequestPoint): string {
  return `${p.sessionId}\u0000${p.agentId}`;
}

/** The next call after each read's issuing call in its thread, among `series` (any order). */
export function drivenCalls(
  reads: readonly FileReadEvidence[],
  series: readonly RequestPoint[],
): DrivenCalls {
  const threads = new Map<string, RequestPoint[]>();
  for (const p of series) {
    const list = threads.get(threadKey(p));
    if (list === undefined) threads.set(threadKey(p), [p]);
    else list.push(p);
  }
  const next = new Map<string, RequestPoint>();
  for (const list of threads.values()) {
    list.sort((a, b) => a.ts - b.ts || (a.dedupKey < b.dedupKey ? -1 : a.dedupKey > b.dedupKey ? 1 : 0));
    for (let i = 0; i + 1 < list.length; i++) {
      const at = list[i];
      const after = list[i + 1];
      if (at !== undefined && after !== undefined) next.set(at.dedupKey, after);
    }
  }
  const calls = new Map<string, RequestPoint>();
  let unlinked = 0;
  for (const r of reads) {
    const driven = next.get(r.dedupKey);
    if (driven === undefined) unlinked++;
    else calls.set(driven.dedupKey, driven);
  }
  return {
    calls: [...calls.values()].sort(
      (a, b) => a.ts - b.ts || (a.dedupKey < b.dedupKey ? -1 : a.dedupKey > b.dedupKey ? 1 : 0),
    ),
    unlinked,
  };
}

/** The four token counts of calls, summed, with their total. */
export function callTokens(calls: readonly RequestPoint[]): {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  total: number;
} {
  const t = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0, total: 0 };
  for (const c of calls) {
    t.input += c.input;
    t.output += c.output;
    t.cacheWrite += c.cacheWrite;
    t.cacheRead += c.cacheRead;
  }
  t.total = t.input + t.output + t.cacheWrite + t.cacheRead;
  return t;
}
