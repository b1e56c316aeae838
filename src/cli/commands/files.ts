/**
 * `tokenledger files sync`: writes the seed 000 `.token-usage/` tree from the ledger (task files,
 * daily summaries, error logs, and the reviews asked for before), from captured usage and declared
 * telemetry alike. Idempotent: unchanged files are left alone, and the same ledger gives the same
 * bytes.
 * @module
 */

import { DEFAULT_OVERRUN_MULTIPLE } from '../../analysis/overrun.js';
import { reconcileTelemetry } from '../../analysis/telemetry-reconcile.js';
import { buildReviewModel, dailyInsights } from '../../analysis/usage-review.js';
import { drainSpool, savedReviews } from '../../api/record-ledger.js';
import { type RecordContext, tokenUsageRoot } from '../../api/record-usage.js';
import { projectRoot } from '../../capture/context/project-root.js';
import { originOf } from '../../config/origin.js';
import { ExitCode } from '../../errors.js';
import { reviewPath } from '../../outputs/token-usage/paths.js';
import { renderReview } from '../../outputs/token-usage/review.js';
import { syncTree, writeIfChanged } from '../../outputs/token-usage-tree/sync-tree.js';
import { type CommonOptions, openSession, pricerOf, stageMapOf } from '../context.js';
import { writeErr, writeJson, writeOut } from '../io.js';

export interface FilesSyncOptions extends CommonOptions {
  root?: string;
  allProjects?: boolean;
}

export async function runFilesSync(opts: FilesSyncOptions): Promise<number> {
  const session = await openSession(opts);
  try {
    const cwd = process.cwd();
    const root = tokenUsageRoot(opts.root, session.loaded, cwd);
    const project = projectRoot(cwd);
    const pricer = pricerOf(session);
    const now = new Date();
    const ctx: RecordContext = {
      loaded: session.loaded,
      origin: originOf(session.loaded),
      ledger: session.location,
      root,
      project,
      now,
      busyTimeoutMs: 30_000,
    };
    const warnings: string[] = [];
    await drainSpool(session.store, ctx, warnings);
    await reconcileTelemetry(session.store, pricer, now);
    const report = { store: session.store, pricer, mode: 'auto' as const, stageMap: stageMapOf(session) };
    const scope = opts.allProjects === true ? null : project;
    const analysis = {
      timeZone: 'UTC',
      overrunMultiple: session.loaded.config.overrunMultiple ?? DEFAULT_OVERRUN_MULTIPLE,
      ...(scope === null ? {} : { projectDir: scope }),
    };
    const result = await syncTree(session.store, pricer, {
      root,
      project: scope,
      insights: (date) => dailyInsights(report, { ...analysis, date }),
    });
    const reviews = [...(await savedReviews(session.store))];
    for (const [date, days] of reviews) {
      const model = await buildReviewModel(report, { ...analysis, date, days });
      writeIfChanged(root, reviewPath(date), renderReview(model), result);
    }
    for (const w of warnings) writeErr(`tokenledger: ${w}\n`);
    if (opts.json === true) {
      await writeJson({
        root,
        tasks: result.tasks,
        days: result.days,
        reviews: reviews.length,
        written: result.written,
        unchanged: result.unchanged.length,
        removed: result.removed,
      });
    } else {
      await writeOut(
        result.tasks === 0 && result.days === 0
          ? `No usage in the ledger for ${scope ?? 'any project'} yet: import Claude Code history (\`tokenledger import\`) or record usage-tracker telemetry (\`tokenledger record\`) first${scope === null ? '' : ', or add --all-projects for every project'}.\n`
          : `${root}: ${result.tasks} task file(s), ${result.days} day(s), ${reviews.length} review(s); ${result.written.length} written, ${result.unchanged.length} unchanged, ${result.removed.length} replaced.\n`,
      );
    }
    return ExitCode.ok;
  } finally {
    await session.store.close();
  }
}
