/**
 * `tokenledger import-jsonl DIR`: merges a folder that `export --jsonl` wrote into the ledger (every
 * `*.jsonl` under it, in any order; importing it again changes nothing), then attributes what is
 * pending. Bad lines are listed on stderr as `file:line: reason` and skipped.
 * @module
 */
import { importJsonl } from '../../ledger/jsonl/import-jsonl.js';
import { formatInt } from '../../util/format.js';
import { type CommonOptions, openSession, stageMapOf } from '../context.js';
import { writeErr, writeJson, writeOut } from '../io.js';

/** Problems listed in the human output; --json lists all. */
const SHOWN_PROBLEMS = 20;

export async function runImportJsonl(dir: string, opts: CommonOptions): Promise<number> {
  const session = await openSession(opts);
  try {
    const s = await importJsonl(session.store, dir);
    await session.store.attributePending(stageMapOf(session));
    if (opts.json) {
      await writeJson({
        dir: s.dir,
        files: s.files,
        lines: s.lines,
        records: s.records,
        merged: s.merged,
        unchanged: s.unchanged,
        forgotten: s.forgotten,
        problems: s.problems,
        ledger: session.store.location,
      });
      return 0;
    }
    const listed = s.problems.slice(0, SHOWN_PROBLEMS).map((p) => `${p.file}:${p.line}: ${p.reason}\n`);
    if (s.problems.length > SHOWN_PROBLEMS) {
      listed.push(`… and ${s.problems.length - SHOWN_PROBLEMS} more (--json lists all).\n`);
    }
    writeErr(listed.join(''));
    if (s.files === 0) {
      await writeOut(
        `No .jsonl files under ${s.dir}; nothing imported. Pass the folder \`tokenledger export --jsonl DIR\` wrote.\n`,
      );
      return 0;
    }
    const bad =
      s.problems.length === 0
        ? 'no problems'
        : `${formatInt(s.problems.length)} bad line(s) skipped (listed above; fix or delete them and import again)`;
    await writeOut(
      `Read ${formatInt(s.lines)} line(s) from ${formatInt(s.files)} file(s) under ${s.dir}: ${formatInt(s.merged)} record(s) merged into the ledger, ${formatInt(s.unchanged)} already there, ${s.forgotten > 0 ? `${formatInt(s.forgotten)} skipped (you forgot them), ` : ''}${bad}.\nLedger: ${session.store.location}\n`,
    );
    return 0;
  } finally {
    await session.store.close();
  }
}
