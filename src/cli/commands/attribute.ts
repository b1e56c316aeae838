/**
 * `tokenledger attribute`: re-applies every attribution span to all usage (src/app/reattribute-usage.ts).
 * @module
 */

import { reattributeUsage } from '../../app/reattribute-usage.js';
import { formatInt } from '../../util/format.js';
import { type CommonOptions, openSession } from '../context.js';
import { writeJson, writeOut } from '../io.js';

export async function runAttribute(opts: CommonOptions): Promise<number> {
  const session = await openSession(opts);
  try {
    const result = await reattributeUsage(session);
    if (opts.json) await writeJson(result);
    else await writeOut(`Re-attributed ${formatInt(result.attributed)} API calls.\n`);
    return 0;
  } finally {
    await session.store.close();
  }
}
