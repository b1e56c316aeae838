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

/**
 * Block-by-block comparison. `differences` lists every block that differs (at most `limit`);
 * `costDiffs` counts blocks whose cost differs by more than a cent (prices are compared elsewhere:
 * tokens and block boundaries are what must be equal).
 */
export function compareBlocks(oursJson, peerJson, limit = 10) {
  const ours = byStart((typeof oursJson === 'string' ? JSON.parse(oursJson) : oursJson).blocks.map(view));
  const peer = byStart((typeof peerJson === 'string' ? JSON.parse(peerJson) : peerJson).blocks.map(view));
  const differences = [];
  let sameTokens = 0;
  let sameStarts = 0;
  let costDiffs = 0;
  const n = Math.max(ours.length, peer.length);
  for (let i = 0; i < n; i++) {
    const o = ours[i];
    const p = peer[i];
    const starts = o !== undefined && p !== undefined && o.startTime === p.startTime && o.isGap === p.isGap;
    const tokens =
      starts &&
      o.entries === p.entries &&
      o.totalTokens === p.totalTokens &&
      TOKEN_FIELDS.every((f) => o[f] === p[f]);
    if (starts) sameStarts++;
    if (tokens) sameTokens++;
    if (starts && Math.abs(o.costUSD - p.costUSD) > 0.01) costDiffs++;
    if ((!starts || !tokens || o.endTime !== p.endTime) && differences.length < limit)
      differences.push({ index: i, ours: o ?? null, ccusage: p ?? null });
  }
  const sum = (bs) => bs.reduce((a, b) => a + b.totalTokens, 0);
  return {
    blocks: { ours: ours.length, ccusage: peer.length },
    gaps: { ours: ours.filter((b) => b.isGap).length, ccusage: peer.filter((b) => b.isGap).length },
    sameStarts,
    sameTokens,
    costDiffs,
    totalTokens: { ours: sum(ours), ccusage: sum(peer) },
    equal: ours.length === peer.length && sameStarts === n && sameTokens === n,
    differences,
  };
}
