/**
 * The de-duplication merge (FORMATS.md §1.5). Lines of one response share a key; every usage field of
 * the merged record is the maximum over the lines, the output is final if any line was final, the
 * timestamp is the earliest, and attributes come from the first line that has them.
 *
 * The merge is commutative, associative and idempotent, so the order in which lines, files and
 * import runs arrive never changes a total. The ledger's upsert implements exactly the same rule.
 * @module
 */
import { maxTokenCounts } from '../util/token-counts.js';
import type { UsageRecord } from './types.js';

/** Merges `from` into `into` (same dedupKey) in place. */
export function mergeUsageRecord(into: UsageRecord, from: UsageRecord): void {
  maxTokenCounts(into, from);
  into.outputFinal = into.outputFinal || from.outputFinal;
  into.ts = Math.min(into.ts, from.ts);
  if (into.reportedCost === null || (from.reportedCost !== null && from.reportedCost > into.reportedCost)) {
    into.reportedCost = from.reportedCost;
  }
  into.agentId ??= from.agentId;
  into.sidechain = into.sidechain || from.sidechain;
  into.speed ??= from.speed;
  into.geo ??= from.geo;
  into.project ??= from.project;
  into.gitBranch ??= from.gitBranch;
  into.agentVersion ??= from.agentVersion;
}

/** Adds a record to a per-key map, merging with an earlier one of the same key. */
export function addUsageRecord(map: Map<string, UsageRecord>, record: UsageRecord): void {
  const prev = map.get(record.dedupKey);
  if (prev === undefined) map.set(record.dedupKey, record);
  else mergeUsageRecord(prev, record);
}
