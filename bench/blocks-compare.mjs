// Compares `tokenledger blocks --json` with `ccusage blocks --offline --json`, block by block: the
// same blocks (start, gap or not) with the same token counts and entries. Used by `npm run bench` and
// by the test that runs the peer on a small corpus.

const TOKEN_FIELDS = ['inputTokens', 'outputTokens', 'cacheCreationInputTokens', 'cacheReadInputTokens'];

/** The fields compared, per block. */
function view(b) {
  return {
    id: b.id,
    startTime: b.startTime,
    endTime: b.endTime,
    isGap: b.isGap,
    entries: b.entries,
    ...Object.fromEntries(TOKEN_FIELDS.map((f) => [f, b.tokenCounts[f]])),
    totalTokens: b.totalTokens,
    costUSD: b.costUSD,
  };
}

/**
 * Blocks by start time, gaps after blocks that start at the same instant. ccusage lists blocks so;
 * tokenledger lists each gap between the two blocks it separates, which puts a gap that starts after
 * the next block's start (its first response floored to the hour) one place earlier.
 */
function byStart(blocks) {
  return blocks
    .map((b, i) => [b, i])
    .sort(([a, i], [b, j]) =>
      a.startTime < b.startTime
        ? -1
        : a.startTime > b.startTime
          ? 1
          : Number(a.isGap) - Number(b.isGap) || i - j,
    )
    .map(([b]) => b);
}

/** How far apart two ISO times are, in ms. */
const apart = (a, b) => Math.abs(Date.parse(a) - Date.parse(b));

/**
 * Block-by-block comparison. Blocks must match exactly: start, end, entries, token counts. A gap
 * starts a session length after the last response before it and ends at the next one, and the two
 * tools time a response differently when its lines were written a few milliseconds apart (the ledger
 * keeps its first line's time, ccusage the time of the copy it keeps), so gaps match when they start
 * and end within a second of each other; `gapsOffByMs` counts those that are not exact.
 * `differences` lists blocks that differ (at most `limit`), the millisecond gaps included;
 * `costDiffs` counts blocks whose cost differs by more than a cent (prices, compared elsewhere).
 */
export function compareBlocks(oursJson, peerJson, limit = 10) {
  const ours = byStart((typeof oursJson === 'string' ? JSON.parse(oursJson) : oursJson).blocks.map(view));
  const peer = byStart((typeof peerJson === 'string' ? JSON.parse(peerJson) : peerJson).blocks.map(view));
  const differences = [];
  let sameBlocks = 0;
  let sameGaps = 0;
  let gapsOffByMs = 0;
  let costDiffs = 0;
  const n = Math.max(ours.length, peer.length);
  for (let i = 0; i < n; i++) {
    const o = ours[i];
    const p = peer[i];
    let same = false;
    if (o !== undefined && p !== undefined && o.isGap === p.isGap) {
      if (o.isGap) {
        same = apart(o.startTime, p.startTime) <= 1000 && apart(o.endTime, p.endTime) <= 1000;
        if (same) sameGaps++;
        if (same && (o.startTime !== p.startTime || o.endTime !== p.endTime)) gapsOffByMs++;
      } else {
        same =
          o.startTime === p.startTime &&
          o.endTime === p.endTime &&
          o.entries === p.entries &&
          o.totalTokens === p.totalTokens &&
          TOKEN_FIELDS.every((f) => o[f] === p[f]);
        if (same) sameBlocks++;
        if (same && Math.abs(o.costUSD - p.costUSD) > 0.01) costDiffs++;
      }
    }
    const exact = same && o.startTime === p.startTime && o.endTime === p.endTime;
    if (!exact && differences.length < limit)
      differences.push({ index: i, ours: o ?? null, ccusage: p ?? null });
  }
  const sum = (bs) => bs.reduce((a, b) => a + b.totalTokens, 0);
  const gaps = (bs) => bs.filter((b) => b.isGap).length;
  return {
    blocks: { ours: ours.length - gaps(ours), ccusage: peer.length - gaps(peer) },
    gaps: { ours: gaps(ours), ccusage: gaps(peer) },
    sameBlocks,
    sameGaps,
    gapsOffByMs,
    costDiffs,
    totalTokens: { ours: sum(ours), ccusage: sum(peer) },
    equal: ours.length === peer.length && sameBlocks + sameGaps === n,
    differences,
  };
}
