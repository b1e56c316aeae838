/**
 * The review rule `file_reread` (a `context_reuse` recommendation): a file read at least
 * {@link REREAD_RULE.minReads} times in the period, with at least {@link REREAD_RULE.minRepeats} reads
 * beyond the first in each task (usage in no task: in each session), gets a rule in the policy file
 * ("Read `docs/foundation.md` once per task and reuse what you learned; …").
 *
 * Saving, an upper bound stated as such: the cost of the API calls the repeat reads drove (each the
 * next call of the read's thread, which carries the read's result back; each call once), every call
 * priced at its own model, size class, speed and geo for its exact token counts at its time (a cost
 * the source reported when the model has no price). Those calls also carry the thread's other context,
 * which reusing what was read would still send in some later call. Calls with neither a price nor a
 * reported cost are left out of the saving and named in the evidence; when no call is priced, the
 * saving is unknown (null).
 * @module
 */
import type { CallActivityRepository, FileReadRow } from '../ledger/call-activity-repository.js';
import type { RequestPoint, RequestSeriesRepository, UsageFilter } from '../ledger/usage-repository.js';
import type { Pricer } from '../pricing/pricer.js';
import { formatInt, formatUsdPlain } from '../util/format.js';
import { type FileReread, findFileRereads } from './file-rereads.js';
import { callTokens, drivenCalls, type RereadData, repeatReads } from './reread-waste.js';
import type { Finding, FindingScope } from './review-rules.js';
import { type PricedGroup, roundUsd } from './review-usage.js';

export const REREAD_RULE = {
  /** Reads of one file in the period before it counts as read again and again. */
  minReads: 3,
  /** Reads beyond the first in each task it needs (read again, and again). */
  minRepeats: 2,
  /** A computed saving below this (USD) is not worth a recommendation. */
  minSavingUsd: 0.01,
} as const;

/** The files {@link fileRereadRule} looks at: read again and again, with enough repeats. */
export function rereadFiles(rows: readonly FileReadRow[]): FileReread[] {
  return findFileRereads(rows, { minReads: REREAD_RULE.minReads }).filter(
    (f) => repeatReads(f.evidence).length >= REREAD_RULE.minRepeats,
  );
}

/**
 * The rule's data for a period: its file reads, and the request series of the sessions with a file
 * the rule looks at (a few; the series of no other session is read).
 */
export async function rereadData(
  store: CallActivityRepository & RequestSeriesRepository,
  filter: UsageFilter,
  repoDir: string | undefined,
): Promise<RereadData> {
  const fileReads = await store.fileReads(filter);
  const sessions = [...new Set(rereadFiles(fileReads).flatMap((f) => f.evidence.map((e) => e.sessionId)))];
  // The call a read drives may come after the period ends: the series runs on past it.
  const span = filter.fromMs === undefined ? {} : { fromMs: filter.fromMs };
  const series = sessions.length === 0 ? [] : await store.requestSeries(sessions, span);
  return { fileReads, series, ...(repoDir === undefined ? {} : { repoDir }) };
}

/** The size class a call is priced at: its prompt over 200,000 tokens → 2, over 100,000 → 1 (as the ledger groups it). */
export function sizeClassOf(p: RequestPoint): 0 | 1 | 2 {
  const prompt = p.input + p.cacheWrite + p.cacheRead;
  return prompt > 200_000 ? 2 : prompt > 100_000 ? 1 : 0;
}

/** The call's cost: at its prices, else the cost its source reported, else null. */
export function callCost(pricer: Pricer, p: RequestPoint): number | null {
  const cost = pricer.cost(
    { model: p.model, sizeClass: sizeClassOf(p), speed: p.speed, geo: p.geo },
    {
      input: p.input,
      output: p.output,
      cacheWrite: p.cacheWrite,
      cacheWrite1h: p.cacheWrite1h,
      cacheRead: p.cacheRead,
      webSearch: p.webSearch,
    },
    p.ts,
  );
  return cost ?? p.reportedCost;
}

/** `docs/a.md` for `/repo/docs/a.md` in `/repo`; null when the file is outside it. */
function inRepo(file: string, repoDir: string | undefined): string | null {
  if (repoDir === undefined) return file;
  const root = repoDir.replace(/[\\/]+$/, '');
  for (const sep of ['/', '\\']) {
    if (file.startsWith(`${root}${sep}`)) return file.slice(root.length + 1).replaceAll('\\', '/');
  }
  return /^([\\/]|[A-Za-z]:)/.test(file) ? null : file;
}

function plural(n: number, word: string): string {
  return `${formatInt(n)} ${word}${n === 1 ? '' : 's'}`;
}

export function fileRereadRule(
  pricer: Pricer,
  _groups: readonly PricedGroup[],
  scope: FindingScope,
): Finding[] {
  const data = scope.rereads;
  if (data === undefined) return [];
  const out: Finding[] = [];
  for (const f of rereadFiles(data.fileReads)) {
    const file = inRepo(f.file, data.repoDir);
    if (file === null) continue;
    const repeats = repeatReads(f.evidence);
    const driven = drivenCalls(repeats, data.series);
    let usd = 0;
    let priced = 0;
    const unpriced = new Set<string>();
    for (const c of driven.calls) {
      const cost = callCost(pricer, c);
      if (cost === null) unpriced.add(c.model);
      else {
        usd = roundUsd(usd + cost);
        priced++;
      }
    }
    const savingUsd = priced === 0 ? null : usd;
    if (savingUsd !== null && savingUsd < REREAD_RULE.minSavingUsd) continue;
    const tokens = callTokens(driven.calls);
    const where = `${plural(f.reads, 'time')} across ${plural(f.tasks, 'task')}`;
    const notes = [
      driven.unlinked === 0
        ? ''
        : ` ${plural(driven.unlinked, 'repeat read')} had no later call in the ledger.`,
      unpriced.size === 0
        ? ''
        : ` Calls on ${[...unpriced].sort().join(', ')} have no price and no reported cost and are left out.`,
    ].join('');
    const keys = repeats.map((r) => r.dedupKey).join(', ');
    out.push({
      recommendation: {
        type: 'context_reuse',
        description: `Read ${file} once per task and reuse it: it was read ${where}`,
        evidence:
          `${f.summary} ${scope.span}, up to ${plural(f.maxReadsInOneTask, 'time')} in one task; ` +
          `${plural(repeats.length, 'read')} beyond the first in each task (issued by ${keys}) drove ` +
          `${plural(driven.calls.length, 'API call')} of ${formatInt(tokens.total)} tokens costing ` +
          `${formatUsdPlain(savingUsd)} at their own prices (rule: at least ${REREAD_RULE.minReads} reads and ` +
          `${REREAD_RULE.minRepeats} repeats). Assumption: those calls carry the file back again; they also carry the ` +
          `rest of the context, so the saving is an upper bound.${notes}`,
        savingUsd,
        proposed_change:
          'In the token usage rules, add:\n' +
          `- Read \`${file}\` once per task and reuse what you learned; it was read ${where} ${scope.span}.`,
      },
      candidate: `Read ${file} once per task: read ${where}; est. saving up to ${formatUsdPlain(savingUsd)}.`,
      proposal: {
        kind: 'file_reread',
        target: file,
        edit: {
          type: 'policy-rule',
          rule: `- Read \`${file}\` once per task and reuse what you learned; it was read ${where} ${scope.span}.`,
        },
        cohort: {},
      },
    });
  }
  return out;
}
