/**
 * How an import's counts are told, everywhere they appear (the bare command, `import`, `demo`): the
 * API calls new to the ledger, and in the same line why the records read were more (the same call in
 * more than one file or line is counted once; forgotten calls are skipped), so the count agrees with
 * what `status` says the ledger holds.
 * @module
 */
import type { ImportRunStats } from '../ledger/ingest-state-repository.js';
import { formatInt } from '../util/format.js';

type Counts = Pick<ImportRunStats, 'records' | 'added' | 'forgotten'>;

/** Records read that merged into an API call the ledger already held (or added in the same import). */
export function mergedRecords(c: Counts): number {
  return c.records - c.added - c.forgotten;
}

/**
 * E.g. `959 new API calls (1,025 read; 66 merged into the same call from another file or an earlier
 * import: forks, relayed subagent progress)`.
 */
export function describeImported(c: Counts): string {
  const calls = `${formatInt(c.added)} new API call${c.added === 1 ? '' : 's'}`;
  const merged = mergedRecords(c);
  const why: string[] = [];
  if (merged > 0)
    why.push(
      `${formatInt(merged)} merged into the same call from another file or an earlier import: forks, relayed subagent progress`,
    );
  if (c.forgotten > 0)
    why.push(
      `${formatInt(c.forgotten)} skipped: you forgot ${c.forgotten === 1 ? 'that call' : 'those calls'}`,
    );
  return why.length === 0 ? calls : `${calls} (${formatInt(c.records)} read; ${why.join('; ')})`;
}

/** The counts for `--json`: records read, added, merged, forgotten. */
export function importCountsJson(c: Counts): {
  records: number;
  added: number;
  merged: number;
  forgotten: number;
} {
  return { records: c.records, added: c.added, merged: mergedRecords(c), forgotten: c.forgotten };
}
