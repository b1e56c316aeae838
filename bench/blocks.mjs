// `npm run bench`'s blocks section: `tokenledger blocks --json` (warm: the ledger is already
// imported) against `ccusage blocks --offline --json` on the same corpus, timed side by side, and
// compared block by block (starts, gaps, entries and token counts; see blocks-compare.mjs).

import { compareBlocks } from './blocks-compare.mjs';
import { BIN } from './common.mjs';

/**
 * Runs both `runs` times, alternating. `timed(cmd, args, env)` is run.mjs's timer. Returns the
 * figures, the comparison and a check for the criteria list.
 */
export function runBlocksBench({ timed, env, peer, runs, median, log }) {
  const ours = [];
  const theirs = [];
  let oursOut = null;
  let peerOut = null;
  for (let i = 0; i < runs; i++) {
    const o = timed(process.execPath, [BIN, 'blocks', '--json'], env);
    ours.push(o.wall);
    oursOut = o.stdout;
    if (peer.bin) {
      const p = timed(peer.bin, ['blocks', '--offline', '--json'], env);
      theirs.push(p.wall);
      peerOut = p.stdout;
    }
  }
  const comparison = peerOut === null ? null : compareBlocks(oursOut, peerOut);
  const result = {
    ours: median(ours),
    peer: theirs.length > 0 ? median(theirs) : null,
    blocks: JSON.parse(oursOut).blocks.length,
    comparison,
  };
  log(
    `blocks: ours ${result.ours.toFixed(2)} s${result.peer === null ? '' : `, ccusage ${result.peer.toFixed(2)} s`}${comparison === null ? '' : `; ${comparison.sameBlocks}/${comparison.blocks.ccusage} blocks and ${comparison.sameGaps}/${comparison.gaps.ccusage} gaps equal`}`,
  );
  for (const d of comparison?.differences ?? []) log(`  not exact: ${JSON.stringify(d)}`);
  return {
    result,
    checks:
      comparison === null
        ? []
        : [
            [
              'blocks equal ccusage (starts, ends, entries, token counts; gaps to the second)',
              comparison.equal,
            ],
          ],
  };
}

/** Markdown lines for BENCHMARKS.md. */
export function blocksMarkdown(b) {
  const s = (x) => (x === null || x === undefined ? 'n/a' : `${x.toFixed(2)} s`);
  const c = b.comparison;
  const lines = [
    `| \`blocks --json\` (warm) vs \`blocks --offline --json\` | ${s(b.ours)} | ${s(b.peer)} | ${b.peer ? `${(b.peer / b.ours).toFixed(1)}× faster` : 'n/a'} |`,
  ];
  if (c === null) return { rows: lines, notes: [] };
  const notes = [
    `Blocks against ccusage: ${c.blocks.ours} blocks and ${c.gaps.ours} gaps here, ${c.blocks.ccusage} and ${c.gaps.ccusage} in ccusage. Equal start, end, entries and token counts: ${c.sameBlocks}/${c.blocks.ccusage} blocks. Gaps starting and ending within a second: ${c.sameGaps}/${c.gaps.ccusage}, ${c.gapsOffByMs} of them a few milliseconds off (a response's time: its first line here, the copy ccusage keeps there). Tokens: ${c.totalTokens.ours.toLocaleString('en-US')} here, ${c.totalTokens.ccusage.toLocaleString('en-US')} in ccusage. Cost differs by more than a cent in ${c.costDiffs} blocks (prices, not tokens).`,
  ];
  return { rows: lines, notes };
}
