/**
 * `tokenledger import`: import new Claude Code history now and say what was read.
 * @module
 */
import { ExitCode, UserError } from '../../util/errors.js';
import { formatInt } from '../../util/format.js';
import type { CommonOptions } from '../context.js';
import { importNow, openSession } from '../context.js';
import { describeImported, importCountsJson } from '../import-counts.js';
import { writeJson, writeOut } from '../io.js';

export async function runImport(opts: CommonOptions & { threads?: string }): Promise<number> {
  let threads: number | undefined;
  if (opts.threads !== undefined) {
    threads = Number(opts.threads);
    if (!Number.isInteger(threads) || threads < 0 || threads > 64) {
      throw new UserError(`--threads "${opts.threads}" must be a whole number from 0 to 64.`, ExitCode.usage);
    }
  }
  const session = await openSession(opts);
  try {
    const s = await importNow(session, { ...opts, threads });
    if (opts.json) {
      await writeJson({
        claudeDirs: s.roots.roots,
        filesSeen: s.filesSeen,
        filesRead: s.filesRead,
        bytesRead: s.bytesRead,
        ...importCountsJson(s),
        problems: s.problems,
        durationMs: s.durationMs,
        scan: s.scan,
        ledger: session.store.location,
      });
    } else if (s.roots.roots.length === 0) {
      await writeOut(
        `No Claude dir found (looked in ${s.roots.searched.join(', ')}). Set CLAUDE_CONFIG_DIR if yours is elsewhere.\n`,
      );
    } else {
      const mb = (s.bytesRead / 1048576).toFixed(1);
      await writeOut(
        `${s.filesRead === 0 ? 'Nothing new' : `Read ${formatInt(s.filesRead)} new or changed transcript file(s), ${mb} MB`} in ${(s.durationMs / 1000).toFixed(1)} s: ${describeImported(s)}, ${formatInt(s.problems)} problem(s). ${formatInt(s.filesSeen)} files tracked under ${s.roots.roots.join(', ')}.\nLedger: ${session.store.location}\n`,
      );
    }
    return 0;
  } finally {
    await session.store.close();
  }
}
