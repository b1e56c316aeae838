/**
 * Generated ledgers with planted cohorts, for `compare` and `estimate`: finished tasks with labels
 * (and optionally a stage, model, branch and estimate) and the API calls of each, written as a JSONL
 * ledger folder (the `export --jsonl` format) that `tokenledger import-jsonl DIR --db …` loads into
 * any backend. Seeded: the same options give the same bytes.
 *
 * A task's size is `scale × a log-normal factor` (median 1, log-space sigma `sigma`), spread over
 * 4–8 API calls (or `calls`); every call stays far below 100k input tokens (one price band), so a cohort with
 * `scale: 0.7` costs 30% less per task than one with `scale: 1` in expectation, in tokens and dollars.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatLine } from '../../src/ledger/jsonl/jsonl-format.js';
import type { LedgerRecord } from '../../src/ledger/ledger-records.js';
import { Prng } from '../../src/util/prng.js';

export interface PlantedCohort {
  /** Task ids are `${prefix}-1`, `${prefix}-2`, … */
  prefix: string;
  tasks: number;
  labels: Record<string, string>;
  /** Multiplies every task's tokens (1 = the baseline). */
  scale: number;
  stage?: string;
  model?: string;
  branch?: string;
  /** The tokens each task was estimated at, or none. */
  estimateTokens?: number;
}

export interface PlantOptions {
  seed: number;
  cohorts: readonly PlantedCohort[];
  /** Log-space spread of task sizes within a cohort (default 0.35). */
  sigma?: number;
  /** When the first task starts (default 2026-11-02 09:00 UTC); tasks follow an hour apart. */
  startMs?: number;
  /** The range of API calls per task (default 4–8). */
  calls?: readonly [number, number];
}

export const PLANT_MODEL = 'claude-sonnet-4-5-20250929';
const PROJECT = '/work/planted';

/** A task's tokens are about this many times its scale × factor (per call: a sixth of it). */
const TASK_TOKENS = 60_000;

/** The records of the planted ledger, oldest first. */
export function plantedRecords(options: PlantOptions): LedgerRecord[] {
  const prng = new Prng(options.seed);
  const sigma = options.sigma ?? 0.35;
  let at = options.startMs ?? Date.UTC(2026, 10, 2, 9, 0, 0);
  const records: LedgerRecord[] = [];
  for (const c of options.cohorts) {
    for (let i = 1; i <= c.tasks; i++) {
      const id = `${c.prefix}-${i}`;
      const size = TASK_TOKENS * c.scale * prng.logNormal(1, sigma);
      const calls = prng.int(options.calls?.[0] ?? 4, options.calls?.[1] ?? 8);
      const session = prng.uuid();
      let ts = at;
      for (let k = 0; k < calls; k++) {
        const share = size / calls;
        records.push({
          type: 'usage',
          dedupKey: `msg_${id}_${k}:req_${id}_${k}`,
          source: 'claude-code',
          ts,
          sessionId: session,
          agentId: null,
          sidechain: false,
          model: c.model ?? PLANT_MODEL,
          input: Math.round(share * 0.1),
          output: Math.round(share * 0.05),
          cacheWrite: Math.round(share * 0.15),
          cacheWrite1h: 0,
          cacheRead: Math.round(share * 0.7),
          webSearch: 0,
          outputFinal: true,
          speed: null,
          geo: null,
          reportedCost: null,
          project: PROJECT,
          gitBranch: c.branch ?? 'main',
          agentVersion: '2.1.330',
          machine: 'planted',
          user: 'tester',
          taskId: id,
          stage: c.stage ?? null,
          labels: Object.keys(c.labels).length > 0 ? c.labels : null,
        });
        ts += prng.int(1, 10) * (calls > 30 ? 1_000 : 60_000);
      }
      records.push({
        type: 'task',
        id,
        title: null,
        parentId: null,
        status: 'done',
        estimateTokens: c.estimateTokens ?? null,
        estimateUsd: null,
        labels: c.labels,
        stage: c.stage ?? null,
        project: PROJECT,
        createdAt: at,
        startedAt: at,
        endedAt: ts,
      });
      at += 3_600_000;
    }
  }
  return records;
}

/** Writes the planted ledger as a JSONL folder in `dir` (one file per UTC day); returns `dir`. */
export function writePlantedLedger(dir: string, options: PlantOptions): string {
  const byFile = new Map<string, string[]>();
  for (const r of plantedRecords(options)) {
    const ts = r.type === 'usage' ? r.ts : r.type === 'task' ? r.createdAt : 0;
    const file = path.join(dir, new Date(ts).toISOString().slice(0, 10), 'planted.jsonl');
    const lines = byFile.get(file) ?? [];
    lines.push(formatLine(r, 1));
    byFile.set(file, lines);
  }
  for (const [file, lines] of byFile) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
  }
  return dir;
}
