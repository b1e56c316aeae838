/**
 * `tokenledger attribute`: re-applies every attribution span to all usage, e.g. after the "stages"
 * map in the config changed or spans were added by hand. Imports and hooks attribute new usage on
 * their own; this is the full re-run.
 * @module
 */

import { formatInt } from '../../util/format.js';
import { type CommonOptions, openSession, stageMapOf } from '../context.js';
import { writeJson, writeOut } from '../io.js';

export async function runAttribute(opts: CommonOptions): Promise<number> {
  const session = await openSession(opts);
  try {
    const rows = await session.store.reattributeAll(stageMapOf(session));
    if (opts.json) await writeJson({ attributed: rows });
    else await writeOut(`Re-attributed ${formatInt(rows)} API calls.\n`);
    return 0;
  } finally {
    await session.store.close();
  }
}
