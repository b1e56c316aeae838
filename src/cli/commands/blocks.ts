/**
 * `tokenledger blocks`: usage by billing block (the 5-hour windows a Claude subscription's limits are
 * counted in), with the active block's burn rate and projection; ccusage-compatible JSON.
 * @module
 */

import { blocksUsage } from '../../app/blocks-usage.js';
import { timing } from '../../util/timing.js';
import { clockOf, importNow, openSession } from '../context.js';
import { writeErr, writeJson, writeOut } from '../io.js';
import { type BlocksOptions, blocksQueryOf, parseTokenLimit } from './blocks-options.js';

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
    const clock = clockOf(session, opts);
    const { report, limit, json } = await blocksUsage(session, query, {
      mode: opts.mode,
      tokenLimit,
      order: opts.order,
      clock,
    });
    timing(`report (${report.blocks.length} blocks)`);
    if (tokenLimit === 'max' && limit === null && opts.json !== true) {
      writeErr(
        'tokenledger: --token-limit max: no completed block to take the largest from yet, so no limit applies.\n',
      );
    }
    if (opts.json === true) return await writeJson(json()).then(() => 0);
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
