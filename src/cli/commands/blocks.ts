/**
 * `tokenledger blocks`: usage by billing block (the 5-hour windows a Claude subscription's limits are
 * counted in), with the active block's burn rate and projection; ccusage-compatible JSON.
 * @module
 */

import { HOUR_MS } from '../../analysis/blocks.js';
import { blocksReport } from '../../analysis/blocks-report.js';
import { totalsJson } from '../../app/usage-json.js';
import { timing } from '../../util/timing.js';
import { blockJson } from '../blocks-json.js';
import { clockOf, importNow, openSession, pricerOf } from '../context.js';
import { writeErr, writeJson, writeOut } from '../io.js';
import { type BlocksOptions, blocksQueryOf, parseTokenLimit, resolveTokenLimit } from './blocks-options.js';

export type { BlocksOptions } from './blocks-options.js';

export async function runBlocks(opts: BlocksOptions): Promise<number> {
  if (opts.live === true) return (await import('./blocks-live.js')).runBlocksLive(opts);
  const tokenLimit = parseTokenLimit(opts.tokenLimit);
  const session = await openSession(opts);
  try {
    blocksQueryOf(session, opts, Date.now()); // bad flags fail before the import
    if (opts.import !== false) await importNow(session, opts);
    const nowMs = Date.now();
    const query = blocksQueryOf(session, opts, nowMs);
    const pricer = pricerOf(session);
    const report = await blocksReport({ store: session.store, pricer, mode: opts.mode }, query);
    timing(`report (${report.blocks.length} blocks)`);
    const limit = resolveTokenLimit(tokenLimit, report.largestCompleted);
    if (tokenLimit === 'max' && limit === null && opts.json !== true) {
      writeErr(
        'tokenledger: --token-limit max: no completed block to take the largest from yet, so no limit applies.\n',
      );
    }
    if (opts.order === 'desc') report.blocks.reverse();
    const clock = clockOf(session, opts);
    if (opts.json === true) {
      return await writeJson({
        blocks: report.blocks.map((b) => blockJson(b, limit)),
        totals: totalsJson(report.totals),
        meta: {
          sessionLengthHours: query.sessionMs / HOUR_MS,
          tokenLimit: limit,
          timezone: clock.tz,
          costMode: opts.mode,
          priceTable: pricer.version,
        },
      }).then(() => 0);
    }
    const { blocksText } = await import('../blocks-output.js');
    const { detectTerminal } = await import('../render/terminal.js');
    const term = detectTerminal(process.env, process.stdout, opts.color);
    const view = { report, clock, nowMs, limit, breakdown: opts.breakdown === true, mode: opts.mode };
    const { text, warning } = blocksText(view, {
      ...term,
      compact: opts.compact === true,
      activeOnly: opts.active === true,
    });
    await writeOut(text);
    if (warning !== null) writeErr(`tokenledger: warning: ${warning}\n`);
    return 0;
  } finally {
    await session.store.close();
  }
}
