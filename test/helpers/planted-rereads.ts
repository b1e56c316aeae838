/**
 * Claude Code transcripts with a planted re-read file, and their ground truth. Every task is one or
 * more sessions in one project directory; each API call's response asks for one `Read` (or ends the
 * turn), its result comes back in a user line, and the next call carries it. Tokens are distinct per
 * call, so sums are checkable.
 *
 * - clean: 10 tasks two days apart (the last ones in the last week), each reading
 *   `docs/foundation.md`, `src/a.ts`, `src/b.ts` and a file of its own once; task 8 (in the last week) reads `src/b.ts`
 *   twice (a single repeat, which is not "again and again");
 * - planted (with `plant`): 3 more tasks in the last 3 days that read `docs/foundation.md` again and
 *   again: R0 twice in each of its 2 sessions, R1 and R2 three times each.
 *
 * Tasks are given to sessions afterwards with session spans ({@link attributeSessions}).
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LedgerStore } from '../../src/ledger/store.js';

export const MODEL = 'claude-sonnet-4-5-20250929';
const DAY = 86_400_000;
const MIN = 60_000;

/** One API call as written, and the file its response asked to read (null: it ended the turn). */
export interface PlantedCall {
  dedupKey: string;
  ts: number;
  read: string | null;
  input: number;
  cacheWrite: number;
  cacheRead: number;
  output: number;
}

export interface PlantedSession {
  session: string;
  task: string;
  calls: PlantedCall[];
}

export interface RereadTruth {
  /** The project directory the sessions ran in. */
  project: string;
  /** `<project>/docs/foundation.md`. */
  foundation: string;
  sessions: PlantedSession[];
  /** Reads of `docs/foundation.md` in the last 7 days (issuing calls' dedup keys, oldest first). */
  foundationReads: { dedupKey: string; taskId: string; sessionId: string; ts: number }[];
  /** Of those, the reads beyond the first in each task. */
  repeatReads: string[];
  /** The calls those repeats drove (the next call of each session), each once. */
  drivenCalls: PlantedCall[];
}

let counter = 0;

function session(task: string, id: string, startMs: number, reads: readonly string[]): PlantedSession {
  const calls: PlantedCall[] = [...reads, null].map((read, i) => {
    counter++;
    return {
      dedupKey: `msg_${id}_${i}:req_${id}_${i}`,
      ts: startMs + i * MIN,
      read,
      input: 2_000 + counter,
      cacheWrite: 1_000 + 3 * counter,
      cacheRead: 20_000 + 7 * counter,
      output: 300 + counter,
    };
  });
  return { session: id, task, calls };
}

/** The sessions, relative to `now` (the last 7 days end at `now`). */
export function rereadSessions(now: number, plant: boolean, project: string): RereadTruth {
  counter = 0;
  const PROJECT = project;
  const FOUNDATION = `${project}/docs/foundation.md`;
  const sessions: PlantedSession[] = [];
  for (let i = 0; i < 10; i++) {
    const reads = [FOUNDATION, `${PROJECT}/src/a.ts`, `${PROJECT}/src/b.ts`, `${PROJECT}/src/own-${i}.ts`];
    if (i === 8) reads.push(`${PROJECT}/src/b.ts`);
    sessions.push(
      session(
        `T-clean-${i}`,
        `c0000000-0000-4000-8000-00000000000${i}`,
        now - (20 - 2 * i) * DAY + 3_600_000,
        reads,
      ),
    );
  }
  if (plant) {
    const f = FOUNDATION;
    sessions.push(
      session('T-R0', 'ee000000-0000-4000-8000-00000000000a', now - 3 * DAY, [f, `${PROJECT}/src/a.ts`, f]),
    );
    sessions.push(
      session('T-R0', 'ee000000-0000-4000-8000-00000000000b', now - 3 * DAY + 2 * 3_600_000, [f, f]),
    );
    sessions.push(
      session('T-R1', 'ee100000-0000-4000-8000-000000000001', now - 2 * DAY, [
        f,
        f,
        `${PROJECT}/src/b.ts`,
        f,
      ]),
    );
    sessions.push(session('T-R2', 'ee200000-0000-4000-8000-000000000001', now - DAY, [f, f, f]));
  }
  const from = now - 7 * DAY;
  const foundationReads = sessions
    .flatMap((s) =>
      s.calls
        .filter((c) => c.read === FOUNDATION && c.ts >= from)
        .map((c) => ({ dedupKey: c.dedupKey, taskId: s.task, sessionId: s.session, ts: c.ts })),
    )
    .sort((a, b) => a.ts - b.ts);
  const firstOfTask = new Set<string>();
  const repeatReads: string[] = [];
  const drivenCalls: PlantedCall[] = [];
  for (const r of foundationReads) {
    if (!firstOfTask.has(r.taskId)) {
      firstOfTask.add(r.taskId);
      continue;
    }
    repeatReads.push(r.dedupKey);
    const calls = sessions.find((s) => s.session === r.sessionId)?.calls ?? [];
    const next = calls[calls.findIndex((c) => c.dedupKey === r.dedupKey) + 1];
    if (next !== undefined && !drivenCalls.includes(next)) drivenCalls.push(next);
  }
  return { project, foundation: FOUNDATION, sessions, foundationReads, repeatReads, drivenCalls };
}

function line(project: string, s: PlantedSession, c: PlantedCall, i: number): string {
  const [messageId, requestId] = c.dedupKey.split(':');
  const content =
    c.read === null
      ? [{ type: 'text', text: 'done' }]
      : [{ type: 'tool_use', id: `toolu_${s.session}_${i}`, name: 'Read', input: { file_path: c.read } }];
  return JSON.stringify({
    isSidechain: false,
    userType: 'external',
    cwd: project,
    sessionId: s.session,
    version: '2.1.330',
    gitBranch: 'main',
    timestamp: new Date(c.ts).toISOString(),
    type: 'assistant',
    uuid: `${s.session}-a${i}`,
    requestId,
    message: {
      id: messageId,
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content,
      stop_reason: c.read === null ? 'end_turn' : 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: c.input,
        cache_creation_input_tokens: c.cacheWrite,
        cache_read_input_tokens: c.cacheRead,
        output_tokens: c.output,
      },
    },
  });
}

function resultLine(project: string, s: PlantedSession, c: PlantedCall, i: number): string {
  return JSON.stringify({
    isSidechain: false,
    userType: 'external',
    cwd: project,
    sessionId: s.session,
    version: '2.1.330',
    gitBranch: 'main',
    timestamp: new Date(c.ts + 1_000).toISOString(),
    type: 'user',
    uuid: `${s.session}-u${i}`,
    message: {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: `toolu_${s.session}_${i}`, content: 'file text, never stored' },
      ],
    },
  });
}

/** Writes every session's transcript under `<claudeDir>/projects/`. */
export function writeRereadTranscripts(claudeDir: string, truth: RereadTruth): void {
  for (const s of truth.sessions) {
    const file = path.join(
      claudeDir,
      'projects',
      truth.project.replace(/[^a-zA-Z0-9]/g, '-'),
      `${s.session}.jsonl`,
    );
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const lines = s.calls.flatMap((c, i) =>
      c.read === null
        ? [line(truth.project, s, c, i)]
        : [line(truth.project, s, c, i), resultLine(truth.project, s, c, i)],
    );
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
  }
}

/** Gives each session its task (a session span from its first call). */
export async function attributeSessions(store: LedgerStore, truth: RereadTruth): Promise<void> {
  for (const s of truth.sessions) {
    await store.openSpan({
      scope: 'session',
      sessionId: s.session,
      fromTs: (s.calls[0]?.ts ?? 0) - 1_000,
      taskId: s.task,
      source: 'run',
    });
  }
  await store.attributePending({});
}
