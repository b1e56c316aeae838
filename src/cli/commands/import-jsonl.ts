/**
 * `tokenledger import-jsonl DIR`: merges a folder that `export --jsonl` wrote into the ledger
 * (src/app/import-ledger-jsonl.ts). Bad lines are listed on stderr as `file:line: reason` and skipped.
 * @module
 */
import { importLedgerJsonl } from '../../app/import-ledger-jsonl.js';
import { formatInt } from '../../util/format.js';
import { type CommonOptions, openSession } from '../context.js';
import { writeErr, writeJson, writeOut } from '../io.js';

/** Problems listed in the human output; --json lists all. */
const SHOWN_PROBLEMS = 20;

export async function runImportJsonl(dir: string, opts: CommonOptions): Promise<number> {
  const session = await openSession(opts);
  try {
    const s = await importLedgerJsonl(session, dir);
    if (opts.json) {
      await writeJson(s);
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
      `Read ${formatInt(s.lines)} line(s) from ${formatInt(s.files)} file(s) under ${s.dir}: ${formatInt(s.merged)} record(s) merged into the ledger, ${formatInt(s.unchanged)} already there, ${s.forgotten > 0 ? `${formatInt(s.forgotten)} skipped (you forgot them), ` : ''}${bad}.\nLedger: ${s.ledger}\n`,
    );
    return 0;
  } finally {
    await session.store.close();
  }
}
