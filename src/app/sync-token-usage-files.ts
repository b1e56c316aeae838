/**
 * Writing the `.token-usage/` tree from the ledger (task files, daily summaries, error logs, and the
 * reviews asked for before), from captured usage and declared telemetry alike: the use case behind
 * `tokenledger files sync`. Idempotent: unchanged files are left alone, and the same ledger gives the
 * same bytes.
 * @module
 */
import { DEFAULT_OVERRUN_MULTIPLE } from '../analysis/overrun.js';
import { reconcileTelemetry } from '../analysis/telemetry-reconcile.js';
import { buildReviewModel, dailyInsights } from '../analysis/usage-review.js';
import { projectRoot } from '../capture/context/project-root.js';
import { reviewPath } from '../outputs/token-usage/paths.js';
import { renderReview } from '../outputs/token-usage/review.js';
import { syncTree, writeIfChanged } from '../outputs/token-usage-tree/sync-tree.js';
import { type LedgerSession, pricerOf, stageMapOf } from './ledger-session.js';
import { originOf } from './origin.js';
import type { RecordContext } from './record-context.js';
import { drainSpool, savedReviews } from './record-ledger.js';
import { tokenUsageRoot } from './record-usage.js';

export interface SyncFilesOptions {
  /** The tree's root (default: the config's `tokenUsageRoot`, else `<project>/.token-usage`). */
  root?: string | undefined;
  /** Every project's usage, not only the project around `cwd`. */
  allProjects?: boolean;
  cwd: string;
}

/** What `files sync --json` prints. */
export interface SyncFilesJson {
  root: string;
  tasks: number;
  days: number;
  reviews: number;
  written: string[];
  unchanged: number;
  removed: string[];
}

export interface SyncFilesResult {
  json: SyncFilesJson;
  /** The project whose usage was written, or null for every project. */
  scope: string | null;
  /** Notes for stderr (spool items that could not be applied). */
  warnings: string[];
}

export async function syncTokenUsageFiles(
  session: LedgerSession,
  options: SyncFilesOptions,
): Promise<SyncFilesResult> {
  const root = tokenUsageRoot(options.root, session.loaded, options.cwd);
  const project = projectRoot(options.cwd);
  const pricer = pricerOf(session);
  const now = new Date();
  const ctx: RecordContext = {
    loaded: session.loaded,
    origin: originOf(session.loaded.config),
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
  const scope = options.allProjects === true ? null : project;
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
  return {
    json: {
      root,
      tasks: result.tasks,
      days: result.days,
      reviews: reviews.length,
      written: result.written,
      unchanged: result.unchanged.length,
      removed: result.removed,
    },
    scope,
    warnings,
  };
}
