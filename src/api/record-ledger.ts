/**
 * The ledger side of {@link recordUsage}: loaded only when a request is valid (or a failure is to be
 * logged), so that importing the library stays light.
 * @module
 */
import { DEFAULT_OVERRUN_MULTIPLE } from '../analysis/overrun.js';
import type { ReportContext } from '../analysis/reports.js';
import { reconcileTelemetry } from '../analysis/telemetry-reconcile.js';
import { buildReviewModel, dailyInsights, type UsageScopeOptions } from '../analysis/usage-review.js';
import { taskUsageFileName } from '../capture/telemetry/task-file-name.js';
import type { TelemetryRequest } from '../capture/telemetry/telemetry-request.js';
import {
  responseForRecorded,
  reviewResponse,
  type TelemetryResponse,
} from '../capture/telemetry/telemetry-response.js';
import { openLedger } from '../ledger/open-ledger.js';
import type { LedgerStore } from '../ledger/store.js';
import { declarationOf, declaredTaskId, missingFieldErrors } from '../ledger/telemetry-actions.js';
import type { TelemetryErrorInput } from '../ledger/telemetry-repository.js';
import { telemetrySpool } from '../ledger/telemetry-spool.js';
import { reviewPath, TASKS_DIR } from '../outputs/token-usage/paths.js';
import { renderReview } from '../outputs/token-usage/review.js';
import { renderTaskFile } from '../outputs/token-usage/task-file.js';
import { writeTokenUsageFile } from '../outputs/token-usage/write.js';
import { syncTree } from '../outputs/token-usage-tree/sync-tree.js';
import { utcDate } from '../outputs/token-usage-tree/tree-model.js';
import { createPricer } from '../pricing/create-pricer.js';
import { replaySpool } from '../util/spool.js';
import type { RecordContext } from './record-usage.js';

/** The meta key remembering the reviews asked for (date → days), so `files sync` can regenerate them. */
export const REVIEWS_META_KEY = 'token-usage-reviews';

/** The reviews asked for so far: date → days. */
export async function savedReviews(store: LedgerStore): Promise<Map<string, number>> {
  const text = await store.metaValue(REVIEWS_META_KEY);
  const out = new Map<string, number>();
  if (text === null) return out;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null) {
      for (const [date, days] of Object.entries(value)) {
        if (
          /^\d{4}-\d{2}-\d{2}$/.test(date) &&
          typeof days === 'number' &&
          Number.isInteger(days) &&
          days > 0
        )
          out.set(date, days);
      }
    }
  } catch {
    // A damaged value only loses the list of reviews to regenerate.
  }
  return out;
}

/** How the daily insights and reviews of `ctx`'s tree are computed: UTC days, its project, its overrun multiple. */
function analysisOptions(ctx: RecordContext): UsageScopeOptions & { timeZone: string } {
  return {
    timeZone: 'UTC',
    overrunMultiple: ctx.loaded.config.overrunMultiple ?? DEFAULT_OVERRUN_MULTIPLE,
    projectDir: ctx.project,
  };
}

function reportContext(ctx: RecordContext, store: LedgerStore): ReportContext {
  return {
    store,
    pricer: createPricer(ctx.loaded.config.pricing?.overrides),
    mode: 'auto',
    stageMap: ctx.loaded.config.stages ?? {},
  };
}

/**
 * Applies what waits in the spool (oldest first). Each applied item leaves a resolved entry in the
 * error log saying it was spooled and when it was added. Returns the UTC days it touched.
 */
export async function drainSpool(
  store: LedgerStore,
  ctx: RecordContext,
  warnings: string[],
): Promise<Set<string>> {
  const dates = new Set<string>();
  const spool = telemetrySpool(ctx.ledger);
  if (spool === null) return dates;
  await replaySpool(spool, {
    onBad: (file) => warnings.push(`${file}: not a tokenledger spool item; moved aside, not applied`),
    replay: async (item, name) => {
      const declaration = declarationOf(item.request, item.receivedAt, item.project);
      await store.declareTask(declaration, ctx.origin);
      const note: TelemetryErrorInput = {
        key: `spooled:${name}`,
        at: item.receivedAt,
        taskId: declaration.taskId,
        field: null,
        kind: 'tracking_failure',
        problem: `the ledger was busy or failing (${item.reason}); the usage waited in the spool`,
        resolution: `added from the spool at ${ctx.now.toISOString()}`,
      };
      await store.saveTelemetryErrors([
        ...missingFieldErrors(item.request, declaration.taskId, item.receivedAt),
        note,
      ]);
      dates.add(utcDate(declaration.ts));
      dates.add(utcDate(item.receivedAt));
    },
  });
  return dates;
}

/** Rewrites the tree's files for `dates` (and notes a failure to write them in the error log). */
async function syncDates(
  store: LedgerStore,
  ctx: RecordContext,
  report: ReportContext,
  dates: Set<string>,
  warnings: string[],
): Promise<string[]> {
  try {
    const result = await syncTree(store, report.pricer, {
      root: ctx.root,
      project: ctx.project,
      dates,
      insights: (date) => dailyInsights(report, { ...analysisOptions(ctx), date }),
    });
    return result.written;
  } catch (error) {
    const reason = (error as Error).message;
    warnings.push(`the .token-usage tree could not be written: ${reason}`);
    await store.saveTelemetryErrors([
      {
        key: `write:${ctx.root}:${ctx.now.toISOString()}`,
        at: ctx.now.getTime(),
        taskId: null,
        field: null,
        kind: 'tracking_failure',
        problem: `could not write the .token-usage tree under ${ctx.root}: ${reason}`,
        resolution: 'the usage is in the ledger; `tokenledger files sync` writes the files again',
      },
    ]);
    return [];
  }
}

export async function withLedger(
  ctx: RecordContext,
  request: TelemetryRequest,
  warnings: string[],
): Promise<{ response: TelemetryResponse; written: string[] }> {
  const store = await openLedger(ctx.ledger, { busyTimeoutMs: ctx.busyTimeoutMs });
  try {
    const report = reportContext(ctx, store);
    const dates = await drainSpool(store, ctx, warnings);
    let response: TelemetryResponse;
    const written: string[] = [];
    if (request.mode === 'review_period') {
      const date = utcDate(request.timestampMs ?? ctx.now.getTime());
      const days = request.days ?? 7;
      const model = await buildReviewModel(report, { ...analysisOptions(ctx), date, days });
      const file = writeTokenUsageFile(ctx.root, reviewPath(date), renderReview(model));
      const reviews = await savedReviews(store);
      reviews.set(date, days);
      await store.setMetaValue(REVIEWS_META_KEY, JSON.stringify(Object.fromEntries([...reviews].sort())));
      written.push(file);
      response = reviewResponse(file, model.recommendations);
    } else {
      const receivedAt = ctx.now.getTime();
      const declaration = declarationOf(request, receivedAt, ctx.project);
      await store.declareTask(declaration, ctx.origin);
      await store.saveTelemetryErrors(missingFieldErrors(request, declaration.taskId, receivedAt));
      const [task] = await store.declaredTasks({ taskIds: [declaration.taskId] });
      dates.add(utcDate(task?.ts ?? declaration.ts));
      dates.add(utcDate(receivedAt));
      response = responseForRecorded(request);
    }
    for (const e of await reconcileTelemetry(store, report.pricer, ctx.now)) dates.add(utcDate(e.at));
    written.push(...(await syncDates(store, ctx, report, dates, warnings)));
    return { response, written };
  } finally {
    await store.close();
  }
}

/** Notes a rejected request in the error log (seed 000 8.1) and rewrites that day's files. */
export async function logRejection(ctx: RecordContext, entry: TelemetryErrorInput): Promise<string[]> {
  const store = await openLedger(ctx.ledger, { busyTimeoutMs: ctx.busyTimeoutMs });
  try {
    await store.saveTelemetryErrors([entry]);
    return await syncDates(store, ctx, reportContext(ctx, store), new Set([utcDate(entry.at)]), []);
  } finally {
    await store.close();
  }
}

/** While the ledger is unavailable: the task file, from the request alone. */
export function writeSpooledTaskFile(
  ctx: RecordContext,
  request: TelemetryRequest,
  receivedAt: number,
): string {
  const taskId = declaredTaskId(request, receivedAt);
  const declaration = declarationOf(request, receivedAt, ctx.project);
  const rel = `${TASKS_DIR}/${taskUsageFileName(taskId, new Date(declaration.ts))}`;
  const text = renderTaskFile({
    taskId,
    timestamp: request.timestamp ?? new Date(receivedAt).toISOString().replace('.000Z', 'Z'),
    userRequestSummary: request.user_request_summary,
    entries: declaration.entries,
    source: 'declared',
  });
  return writeTokenUsageFile(ctx.root, rel, text);
}
