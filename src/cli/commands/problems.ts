/**
 * `tokenledger problems`: what could not be used from the transcripts, as `file:line: reason`.
 * @module
 */
import { ledgerProblems } from '../../app/ledger-status.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { type CommonOptions, openSession } from '../context.js';
import { writeJson, writeOut } from '../io.js';

export async function runProblems(opts: CommonOptions & { limit: string }): Promise<number> {
  const limit = Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UserError(`--limit "${opts.limit}" must be a whole number of at least 1.`, ExitCode.usage);
  const session = await openSession(opts);
  try {
    const json = await ledgerProblems(session, limit);
    if (opts.json) {
      await writeJson(json);
      return 0;
    }
    const { problems: rows, total } = json;
    if (total === 0) {
      await writeOut('No problems: every transcript line that carries usage was read.\n');
      return 0;
    }
    const lines = rows.map(
      (p) =>
        `${p.file}${p.line === null ? '' : `:${p.line}`}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.reason}`,
    );
    if (total > rows.length) lines.push(`… and ${total - rows.length} more (--limit ${total} shows all).`);
    await writeOut(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await session.store.close();
  }
}
