/**
 * Generated ledgers with planted problems, and their ground truth: a clean history of tasks (two a
 * day, each one session of a dozen or so cached API calls in an implement and a review stage) and,
 * on request, on days of the last week:
 *
 * - `overTask`: a task whose calls carry five times the usual context (well cached): far over baseline;
 * - `runawayTask`: a task whose session makes ten times the usual number of calls;
 * - `contextLeak`: a session whose context grows call over call with no cache reads;
 * - `expiringCache`: a session that writes its whole context to the cache again every 8 minutes.
 *
 * The records are written at the record level (`importRecords`: usage with its task, stage and
 * labels; the tasks with their estimates), so the same history goes into any backend. `scale`
 * multiplies every token count (the flags must not change).
 * @module
 */
import type { AnomalyInput, DayUsage, TaskFacts, UsageUnit } from '../../src/analysis/anomalies/anomaly.js';
import type {
  ImportableRecord,
  TaskLedgerRecord,
  UsageLedgerRecord,
} from '../../src/ledger/ledger-records.js';
import type { RequestPoint } from '../../src/ledger/usage-repository.js';
import { Prng } from '../../src/util/prng.js';

export const DAY_MS = 86_400_000;
const MIN = 60_000;
export const PROJECT = '/home/dev/shop';
const MODEL = 'claude-sonnet-4-5-20250929';

export type Problem = 'overTask' | 'runawayTask' | 'contextLeak' | 'expiringCache';
export const PROBLEMS: readonly Problem[] = ['overTask', 'runawayTask', 'contextLeak', 'expiringCache'];

export interface PlantOptions {
  seed?: number;
  /** Midnight UTC of the first day. */
  start?: number;
  /** Days of history (≥ 10). */
  days?: number;
  plant?: readonly Problem[];
  /** Every token count is multiplied by this (a whole number). */
  scale?: number;
  /** Clean tasks a day (2). */
  tasksPerDay?: number;
}

/** Where a planted problem is. */
export interface PlantedTruth {
  task: string;
  session: string;
  /** YYYY-MM-DD (UTC) of its day. */
  date: string;
  /** Its calls' dedup keys, in order. */
  dedupKeys: string[];
}

export interface PlantedLedger {
  records: ImportableRecord[];
  truth: Partial<Record<Problem, PlantedTruth>>;
  /** The end of the last day (a `now` for which the last 7 days are the generated last week). */
  end: number;
  start: number;
}

interface Call {
  ts: number;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

/** A healthy session: a prefix written once, then each call reads the context so far and writes what is new. */
function healthyCalls(prng: Prng, at: number, contextScale: number, calls: number): Call[] {
  const out: Call[] = [];
  let context = Math.round(prng.logNormal(20_000, 0.1) * contextScale);
  for (let i = 0; i < calls; i++) {
    const added = Math.round(prng.logNormal(1_500, 0.2) * contextScale);
    out.push({
      ts: at + i * 40_000,
      input: prng.int(50, 200),
      cacheRead: i === 0 ? 0 : context,
      cacheWrite: i === 0 ? context : added,
      output: prng.int(400, 1_200),
    });
    if (i > 0) context += added;
  }
  return out;
}

function leakCalls(prng: Prng, at: number): Call[] {
  const out: Call[] = [];
  let context = 10_000;
  for (let i = 0; i < 30; i++) {
    out.push({
      ts: at + i * 40_000,
      input: context,
      cacheRead: 0,
      cacheWrite: 0,
      output: prng.int(400, 1_200),
    });
    context += Math.round(prng.logNormal(6_000, 0.1));
  }
  return out;
}

function expiringCalls(prng: Prng, at: number): Call[] {
  const out: Call[] = [];
  for (let i = 0; i < 14; i++) {
    const context = Math.round(prng.logNormal(30_000, 0.03));
    out.push({
      ts: at + i * 8 * MIN,
      input: prng.int(50, 200),
      cacheRead: 0,
      cacheWrite: context,
      output: prng.int(400, 1_200),
    });
  }
  return out;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The generated ledger: `days` days from `start`, with the planted problems on days of its last week. */
export function plantedLedger(options: PlantOptions = {}): PlantedLedger {
  const prng = new Prng(options.seed ?? 7);
  const start = options.start ?? Date.UTC(2026, 10, 1);
  const days = Math.max(10, options.days ?? 21);
  const scale = options.scale ?? 1;
  const plant = new Set(options.plant ?? []);
  const records: ImportableRecord[] = [];
  const truth: Partial<Record<Problem, PlantedTruth>> = {};
  let n = 0;

  const addTask = (id: string, at: number, estimate: number | null): void => {
    const task: TaskLedgerRecord = {
      type: 'task',
      id,
      title: null,
      parentId: null,
      status: 'done',
      estimateTokens: estimate,
      estimateUsd: null,
      labels: { category: 'feature' },
      stage: null,
      project: PROJECT,
      createdAt: at,
      startedAt: at,
      endedAt: at + 3_600_000,
    };
    records.push(task);
  };
  const addSession = (task: string, session: string, calls: readonly Call[]): string[] => {
    const keys: string[] = [];
    calls.forEach((c, i) => {
      n++;
      const dedupKey = `msg_${n}:req_${n}`;
      keys.push(dedupKey);
      const usage: UsageLedgerRecord = {
        type: 'usage',
        dedupKey,
        source: 'claude-code',
        ts: c.ts,
        sessionId: session,
        agentId: null,
        sidechain: false,
        model: MODEL,
        input: c.input * scale,
        output: c.output * scale,
        cacheWrite: c.cacheWrite * scale,
        cacheWrite1h: 0,
        cacheRead: c.cacheRead * scale,
        webSearch: 0,
        outputFinal: true,
        speed: null,
        geo: null,
        reportedCost: null,
        project: PROJECT,
        gitBranch: 'main',
        agentVersion: '2.1.330',
        machine: 'm',
        user: 'u',
        taskId: task,
        stage: i < calls.length * 0.6 ? 'implement' : 'review',
        labels: { category: 'feature' },
      };
      records.push(usage);
    });
    return keys;
  };

  for (let d = 0; d < days; d++) {
    const dayStart = start + d * DAY_MS;
    for (let k = 0; k < (options.tasksPerDay ?? 2); k++) {
      const id = `T-${d}-${k}`;
      const at = dayStart + ((9 + 4 * k) % 24) * 3_600_000 + prng.int(0, 30) * MIN;
      addTask(id, at, k === 0 ? Math.round(prng.logNormal(400_000, 0.1)) * scale : null);
      addSession(id, `s-${d}-${k}`, healthyCalls(prng, at, 1, prng.int(12, 16)));
    }
  }
  // The problems, one a day in the last week (its first four days).
  const plantOn = (problem: Problem, day: number, calls: (at: number) => Call[]): void => {
    if (!plant.has(problem)) return;
    const at = start + (days - 7 + day) * DAY_MS + 17 * 3_600_000;
    const task = `P-${problem}`;
    const session = `s-${problem}`;
    addTask(task, at, null);
    truth[problem] = { task, session, date: isoDate(at), dedupKeys: addSession(task, session, calls(at)) };
  };
  plantOn('overTask', 1, (at) => healthyCalls(prng, at, 5, 14));
  plantOn('runawayTask', 2, (at) => healthyCalls(prng, at, 1, 140));
  plantOn('contextLeak', 3, (at) => leakCalls(prng, at));
  plantOn('expiringCache', 4, (at) => expiringCalls(prng, at));
  return { records, truth, start, end: start + days * DAY_MS };
}

/**
 * The detectors' input for a generated ledger, built straight from its records (no ledger): usage
 * per task, session, stage and UTC day, UTC days, and every session's calls as the series. Flags are
 * raised for the last `windowDays` days.
 */
export function plantedInput(ledger: PlantedLedger, windowDays = 7): AnomalyInput {
  const units = new Map<string, UsageUnit>();
  const days = new Map<string, DayUsage>();
  const tasks = new Map<string, TaskFacts>();
  const series: RequestPoint[] = [];
  for (const r of ledger.records) {
    if (r.type === 'task') tasks.set(r.id, { estimateTokens: r.estimateTokens, labels: r.labels });
    if (r.type !== 'usage') continue;
    const date = isoDate(r.ts);
    const key = JSON.stringify([r.taskId, r.sessionId, r.stage, date]);
    const u = units.get(key) ?? {
      task: r.taskId ?? '',
      session: r.sessionId,
      stage: r.stage ?? '',
      model: r.model,
      input: 0,
      output: 0,
      cacheWrite: 0,
      cacheRead: 0,
      responses: 0,
      firstTs: r.ts,
      lastTs: r.ts,
    };
    u.input += r.input;
    u.output += r.output;
    u.cacheWrite += r.cacheWrite;
    u.cacheRead += r.cacheRead;
    u.responses++;
    u.firstTs = Math.min(u.firstTs, r.ts);
    u.lastTs = Math.max(u.lastTs, r.ts);
    units.set(key, u);
    const startMs = Date.parse(`${date}T00:00:00Z`);
    const d = days.get(date) ?? {
      date,
      startMs,
      endMs: startMs + DAY_MS,
      input: 0,
      output: 0,
      cacheWrite: 0,
      cacheRead: 0,
      tokens: 0,
      responses: 0,
    };
    d.input += r.input;
    d.output += r.output;
    d.cacheWrite += r.cacheWrite;
    d.cacheRead += r.cacheRead;
    d.tokens += r.input + r.output + r.cacheWrite + r.cacheRead;
    d.responses++;
    days.set(date, d);
    series.push({
      sessionId: r.sessionId,
      agentId: r.agentId ?? '',
      dedupKey: r.dedupKey,
      ts: r.ts,
      model: r.model,
      input: r.input,
      cacheRead: r.cacheRead,
      cacheWrite: r.cacheWrite,
      output: r.output,
      cacheWrite1h: 0,
      webSearch: 0,
      speed: '',
      geo: '',
      reportedCost: null,
    });
  }
  return {
    window: { fromMs: ledger.end - windowDays * DAY_MS, toMs: ledger.end },
    units: [...units.values()],
    days: [...days.values()].sort((a, b) => a.startMs - b.startMs),
    tasks,
    series,
    fileReads: [],
    readSeries: [],
  };
}
