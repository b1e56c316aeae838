/**
 * The usage records of an `importRecords` batch, written in bulk: each record merges into its API
 * call with the ledger's max-merge rule (the rule of `writeFiles`, usage-writes.ts), keeping its own
 * origin when the call is new, and then its task, stage and labels are set to the record's.
 *
 * The result is what writing the records one by one gives (as the SQLite store does): the records go
 * in rounds, the n-th record of each API call in round n, so no statement touches a row twice and a
 * later version of a call merges into the earlier one. A record "changed something" when its merge
 * raised a field or its attribution differed. The buckets written are marked for the rollup refresh
 * (a mark already there is locked until commit, as `markDirty` in rollup.ts does).
 * @module
 */
import type { UsageLedgerRecord } from '../ledger-records.js';
import { canonicalJson } from '../record-identity.js';
import type { PgQueryable } from './connection.js';
import { USAGE_MAX_MERGE } from './sql.js';

const UPSERT = `
WITH src AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::int[], $7::text[],
    $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::int[],
    $15::text[], $16::text[], $17::float8[], $18::text[], $19::text[], $20::text[], $21::bigint[])
    AS s (dedup_key, source, ts, session_id, agent_id, sidechain, model, input_tokens, output_tokens,
      cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests, output_final,
      speed, geo, reported_cost, project, git_branch, agent_version, origin_id)
), up AS (
  INSERT INTO usage AS u (dedup_key, source, ts, session_id, agent_id, sidechain, model, input_tokens, output_tokens,
    cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests, output_final, speed, geo,
    reported_cost, project, git_branch, agent_version, origin_id, attributed)
  SELECT dedup_key, source, ts, session_id, agent_id, sidechain, model, input_tokens, output_tokens,
    cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests, output_final, speed, geo,
    reported_cost, project, git_branch, agent_version, origin_id, 1
  FROM src ORDER BY dedup_key COLLATE "C"
${USAGE_MAX_MERGE}
  RETURNING u.dedup_key, u.ts
), marked AS (
  INSERT INTO rollup_dirty (bucket) SELECT DISTINCT ts / 900000 FROM up ORDER BY 1
  ON CONFLICT (bucket) DO UPDATE SET bucket = EXCLUDED.bucket WHERE false
)
SELECT dedup_key FROM up`;

const ATTRIBUTE = `
UPDATE usage u SET task_id = s.task_id, stage = s.stage, labels = s.labels
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS s (dedup_key, task_id, stage, labels)
WHERE u.dedup_key = s.dedup_key
  AND (u.task_id IS DISTINCT FROM s.task_id OR u.stage IS DISTINCT FROM s.stage OR u.labels IS DISTINCT FROM s.labels)
RETURNING u.dedup_key`;

function labelsText(labels: Record<string, string> | null): string | null {
  return labels === null || Object.keys(labels).length === 0 ? null : canonicalJson(labels);
}

/** Splits records into rounds: the n-th record of each API call goes into round n. */
function rounds(records: readonly UsageLedgerRecord[]): UsageLedgerRecord[][] {
  const seen = new Map<string, number>();
  const out: UsageLedgerRecord[][] = [];
  for (const r of records) {
    const n = seen.get(r.dedupKey) ?? 0;
    seen.set(r.dedupKey, n + 1);
    let round = out[n];
    if (round === undefined) {
      round = [];
      out[n] = round;
    }
    round.push(r);
  }
  return out;
}

/**
 * Writes usage records (inside the caller's transaction); `originId` gives the origin id of a
 * machine and user. Returns how many records changed something.
 */
export async function importUsageRecords(
  q: PgQueryable,
  records: readonly UsageLedgerRecord[],
  originId: (machine: string, user: string) => Promise<number>,
): Promise<number> {
  let changed = 0;
  for (const round of rounds(records)) {
    const origins: number[] = [];
    for (const r of round) origins.push(await originId(r.machine, r.user));
    const col = <T>(f: (r: UsageLedgerRecord) => T) => round.map(f);
    const merged = await q.query<{ dedup_key: string }>(UPSERT, [
      col((r) => r.dedupKey),
      col((r) => r.source),
      col((r) => r.ts),
      col((r) => r.sessionId),
      col((r) => r.agentId),
      col((r) => (r.sidechain ? 1 : 0)),
      col((r) => r.model),
      col((r) => r.input),
      col((r) => r.output),
      col((r) => r.cacheWrite),
      col((r) => r.cacheWrite1h),
      col((r) => r.cacheRead),
      col((r) => r.webSearch),
      col((r) => (r.outputFinal ? 1 : 0)),
      col((r) => r.speed),
      col((r) => r.geo),
      col((r) => r.reportedCost),
      col((r) => r.project),
      col((r) => r.gitBranch),
      col((r) => r.agentVersion),
      origins,
    ]);
    const attributed = await q.query<{ dedup_key: string }>(ATTRIBUTE, [
      col((r) => r.dedupKey),
      col((r) => r.taskId),
      col((r) => r.stage),
      col((r) => labelsText(r.labels)),
    ]);
    changed += new Set([...merged, ...attributed].map((r) => r.dedup_key)).size;
  }
  return changed;
}
