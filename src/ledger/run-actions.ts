/**
 * Recording one headless Claude Code run (`tokenledger run -- claude -p …`): attribute the run's
 * session(s) to the declared task for the run's time, import their transcripts, and keep Claude
 * Code's own figures (cost, per-model usage, turns, API time) beside them in `runs`.
 *
 * The usage in reports always comes from the transcripts; the run's figures are never added to it,
 * so nothing is counted twice. For a resumed session Claude Code's totals carry over from the
 * previous run: the run's own share is its total minus the `cost-state` written
 * before it.
 * @module
 */

import { readCostStates } from '../capture/claude/cost-states.js';
import { sessionSubagentFiles } from '../capture/claude/discover.js';
import { findSessionTranscript, grownSessionTranscripts } from '../capture/claude/session-files.js';
import type { ClaudeModelUsage, ClaudeRunResult } from '../capture/claude/stream/index.js';
import type { AttributionContext } from '../capture/context/attribution-context.js';
import type { CostStateRecord } from '../capture/types.js';
import { importClaudeFiles, type TargetedImportSummary } from './import-claude.js';
import type { RunRecord } from './run-repository.js';
import type { LedgerStore } from './store.js';
import type { StageMap } from './task-repository.js';
import type { ImportOrigin } from './usage-repository.js';

export interface HeadlessRun {
  startedAt: number;
  endedAt: number;
  exitCode: number | null;
  signal: string | null;
  /** The parsed stdout, or null when it was not read. `source: 'none'` when it held no Claude output. */
  output: ClaudeRunResult | null;
  cwd: string;
  context: AttributionContext;
  /** Claude config dirs to look for the transcripts in. */
  claudeRoots: readonly string[];
  /** Sizes of the cwd's session transcripts before the run (to find its session without output). */
  transcriptSizesBefore: ReadonlyMap<string, number>;
}

export interface RecordedRun {
  runId: number;
  sessionIds: string[];
  /** Main transcripts found for the sessions. */
  transcripts: string[];
  /** This run's own cost as Claude Code reported it (null when it did not say, or its share is unknown). */
  claudeCostUsd: number | null;
  import: TargetedImportSummary;
  /** Things the user should know (no transcript found, …). */
  notes: string[];
}

export interface RecordRunOptions {
  origin: ImportOrigin;
  stageMap: StageMap;
  taskPattern?: string;
}

/** The run's session spans end a little after it, so its last lines are inside. */
const END_SLACK_MS = 2_000;
const SESSION_FILE = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i;

function hasContext(c: AttributionContext): boolean {
  return c.taskId !== null || c.stage !== null || Object.keys(c.labels).length > 0;
}

/** The sessions a run wrote: from its output, else the transcripts of the cwd changed during it. */
function runSessions(run: HeadlessRun): { sessionId: string; transcript: string | null }[] {
  const ids = new Set<string>();
  for (const r of run.output?.results ?? []) if (r.sessionId) ids.add(r.sessionId);
  if (run.output?.sessionId) ids.add(run.output.sessionId);
  if (ids.size > 0) {
    return [...ids].map((sessionId) => ({
      sessionId,
      transcript: findSessionTranscript(run.claudeRoots, sessionId, run.cwd),
    }));
  }
  return grownSessionTranscripts(run.claudeRoots, run.cwd, run.transcriptSizesBefore).flatMap(
    (transcript) => {
      const m = SESSION_FILE.exec(transcript);
      return m?.[1] ? [{ sessionId: m[1], transcript }] : [];
    },
  );
}

/**
 * What the session had cost before this run: the `cost-state` written just before the one this run
 * wrote (the one equal to its result's total), or 0 for a new session. Null when that cannot be told.
 */
export function previousState(
  states: readonly CostStateRecord[],
  total: number,
): CostStateRecord | 'none' | null {
  for (let i = states.length - 1; i >= 0; i--) {
    const s = states[i];
    if (s !== undefined && Math.abs(s.totalCostUsd - total) < 1e-9)
      return i === 0 ? 'none' : (states[i - 1] ?? null);
  }
  return null;
}

function subtractModels(
  now: Record<string, ClaudeModelUsage>,
  before: CostStateRecord['models'],
): Record<string, ClaudeModelUsage> {
  const out: Record<string, ClaudeModelUsage> = {};
  for (const [model, u] of Object.entries(now)) {
    const b = before[model] ?? before[model.replace(/\[[^\]]*\]$/, '')];
    const d: ClaudeModelUsage = b
      ? {
          ...u,
          inputTokens: Math.max(0, u.inputTokens - b.input),
          outputTokens: Math.max(0, u.outputTokens - b.output),
          cacheCreationInputTokens: Math.max(0, u.cacheCreationInputTokens - b.cacheWrite),
          cacheCreation1hInputTokens: Math.max(0, u.cacheCreation1hInputTokens - b.cacheWrite1h),
          cacheReadInputTokens: Math.max(0, u.cacheReadInputTokens - b.cacheRead),
          webSearchRequests: Math.max(0, u.webSearchRequests - b.webSearch),
          costUsd: u.costUsd === null ? null : Math.max(0, u.costUsd - b.costUsd),
        }
      : u;
    const any =
      d.inputTokens +
      d.outputTokens +
      d.cacheCreationInputTokens +
      d.cacheReadInputTokens +
      d.webSearchRequests;
    if (any > 0 || (d.costUsd ?? 0) > 0) out[model] = d;
  }
  return out;
}

export async function recordHeadlessRun(
  store: LedgerStore,
  run: HeadlessRun,
  options: RecordRunOptions,
): Promise<RecordedRun> {
  const notes: string[] = [];
  const sessions = runSessions(run);
  if (hasContext(run.context)) {
    if (run.context.taskId !== null && (await store.task(run.context.taskId)) === null)
      await store.saveTask({ id: run.context.taskId });
    for (const s of sessions) {
      await store.openSpan({
        scope: 'session',
        sessionId: s.sessionId,
        fromTs: run.startedAt,
        toTs: run.endedAt + END_SLACK_MS,
        taskId: run.context.taskId,
        stage: run.context.stage,
        labels: run.context.labels,
        source: 'run',
      });
    }
  }
  const transcripts = sessions.flatMap((s) => (s.transcript === null ? [] : [s.transcript]));
  for (const s of sessions) {
    if (s.transcript === null)
      notes.push(
        `no transcript found for session ${s.sessionId} under ${run.claudeRoots.join(', ') || '(no Claude dir)'}; its usage is recorded only as Claude Code's totals`,
      );
  }
  // With no files this still runs the attribute step for the spans opened above.
  const imported = await importClaudeFiles(
    store,
    transcripts.flatMap((t) => [t, ...sessionSubagentFiles(t)]),
    options,
  );

  const out = run.output;
  const sessionId = out?.sessionId ?? sessions[0]?.sessionId ?? null;
  let claudeCostUsd: number | null = out?.totalCostUsd ?? null;
  let modelUsage: Record<string, ClaudeModelUsage> | null =
    out === null || out.source === 'none' ? null : out.models;
  let durationApiMs = out?.durationApiMs ?? null;
  const earlier = sessionId === null ? [] : await store.runs({ sessionId });
  const last = earlier.filter((r) => r.totalCostUsd !== null).at(-1);
  // Claude Code accumulates the API time like the cost over a resumed session.
  const lastApiMs = earlier.filter((r) => r.durationApiMs !== null).at(-1)?.durationApiMs;
  if (durationApiMs !== null && lastApiMs != null && lastApiMs <= durationApiMs) durationApiMs -= lastApiMs;
  const main = sessions.find((s) => s.sessionId === sessionId)?.transcript ?? null;
  if (out !== null && out.totalCostUsd !== null) {
    const before = main === null ? null : previousState(readCostStates(main, sessionId), out.totalCostUsd);
    if (before === null) {
      // The transcript does not show this run's total: fall back on the previous run we recorded.
      if (last?.totalCostUsd != null && last.totalCostUsd <= out.totalCostUsd)
        claudeCostUsd = out.totalCostUsd - last.totalCostUsd;
    } else if (before !== 'none') {
      claudeCostUsd = Math.max(0, out.totalCostUsd - before.totalCostUsd);
      if (modelUsage !== null) modelUsage = subtractModels(modelUsage, before.models);
    }
  }
  const record: RunRecord = {
    sessionId,
    taskId: run.context.taskId,
    stage: run.context.stage,
    labels: Object.keys(run.context.labels).length > 0 ? run.context.labels : null,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    exitCode: run.exitCode,
    signal: run.signal,
    totalCostUsd: out?.totalCostUsd ?? null,
    costUsd: claudeCostUsd,
    modelUsage,
    numTurns: out?.numTurns ?? null,
    durationMs: out?.durationMs ?? null,
    durationApiMs,
    isError: out?.isError ?? false,
    subtype: out?.subtype ?? null,
    source: out === null || out.source === 'none' ? 'transcript' : 'result',
  };
  const runId = await store.recordRun(record);
  return {
    runId,
    sessionIds: sessions.map((s) => s.sessionId),
    transcripts,
    claudeCostUsd,
    import: imported,
    notes,
  };
}
