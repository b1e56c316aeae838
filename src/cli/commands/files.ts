/**
 * `tokenledger files sync`: writes the usage-tracker `.token-usage/` tree from the ledger (task files,
 * daily summaries, error logs, and the reviews asked for before), from captured usage and declared
 * telemetry alike. Idempotent: unchanged files are left alone, and the same ledger gives the same
 * bytes.
 * @module
 */
import { syncTokenUsageFiles } from '../../app/sync-token-usage-files.js';
import { ExitCode } from '../../util/errors.js';
import { type CommonOptions, openSession } from '../context.js';
import { writeErr, writeJson, writeOut } from '../io.js';

export interface FilesSyncOptions extends CommonOptions {
  root?: string;
  allProjects?: boolean;
}

export async function runFilesSync(opts: FilesSyncOptions): Promise<number> {
  const session = await openSession(opts);
  try {
    const { json, scope, warnings } = await syncTokenUsageFiles(session, {
      root: opts.root,
      allProjects: opts.allProjects,
      cwd: process.cwd(),
    });
    for (const w of warnings) writeErr(`tokenledger: ${w}\n`);
    if (opts.json === true) {
      await writeJson(json);
    } else {
      await writeOut(
        json.tasks === 0 && json.days === 0
          ? `No usage in the ledger for ${scope ?? 'any project'} yet: import Claude Code history (\`tokenledger import\`) or record usage-tracker telemetry (\`tokenledger record\`) first${scope === null ? '' : ', or add --all-projects for every project'}.\n`
          : `${json.root}: ${json.tasks} task file(s), ${json.days} day(s), ${json.reviews} review(s); ${json.written.length} written, ${json.unchanged} unchanged, ${json.removed.length} replaced.\n`,
      );
    }
    return ExitCode.ok;
  } finally {
    await session.store.close();
  }
}
