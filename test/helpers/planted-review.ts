/**
 * Generated ledgers for the review tests: usage with a planted pattern (an expensive model doing
 * small work that a cheaper model did as well, an agent rereading uncached context), the cheaper
 * usage that follows once the change is applied, and a clean control where no rule has anything to
 * say. Written through the `LedgerStore` contract, so the same plan fills a SQLite file or a
 * PostgreSQL database. Each task is one session attributed to its task by a session span.
 *
 * Prices (USD per million tokens, data/prices.json):
 * opus 4.5: input 5, cache write 6.25, cache read 0.5, output 25; sonnet 4.5: 3, 3.75, 0.3, 15;
 * haiku 4.5: 1, 1.25, 0.1, 5.
 * @module
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AgentFact, UsageRecord } from '../../src/capture/types.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import { ORIGIN } from './ledger.js';

export const OPUS = 'claude-opus-4-5-20251101';
export const SONNET = 'claude-sonnet-4-5-20250929';
export const HAIKU = 'claude-haiku-4-5-20251001';
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** One API call's tokens. */
export interface CallTokens {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

/** `count` calls of one agent (`main`, or a subagent `type:agentId`) on one model. */
export interface PlantedCalls {
  agent: string;
  model: string;
  count: number;
  tokens: CallTokens;
}

/** One task: one session, starting at `startMs`, its calls a minute apart. */
export interface PlantedTask {
  task: string;
  startMs: number;
  calls: PlantedCalls[];
}

/** Writes `tasks` into `store` and attributes each session to its task. */
export async function plantTasks(store: LedgerStore, tasks: readonly PlantedTask[]): Promise<void> {
  const files = tasks.map((t) => {
    const session = `s-${t.task}`;
    const records: UsageRecord[] = [];
    const facts: AgentFact[] = [];
    let n = 0;
    for (const c of t.calls) {
      const [type, agentId] = c.agent === 'main' ? [null, null] : c.agent.split(':');
      if (type !== null && agentId !== undefined && !facts.some((f) => f.agentId === agentId)) {
        facts.push({ sessionId: session, agentId, toolUseId: null, agentType: type, priority: 2 });
      }
      for (let i = 0; i < c.count; i++) {
        n += 1;
        records.push({
          dedupKey: `msg_${session}_${n}:req`,
          source: 'claude-code',
          ts: t.startMs + n * 60_000,
          sessionId: session,
          agentId: agentId ?? null,
          sidechain: agentId !== undefined && agentId !== null,
          model: c.model,
          ...c.tokens,
          cacheWrite1h: 0,
          webSearch: 0,
          outputFinal: true,
          speed: null,
          geo: null,
          reportedCost: null,
          project: '/work/app',
          gitBranch: 'main',
          agentVersion: '2.1.330',
        });
      }
    }
    return {
      path: `/claude/${session}.jsonl`,
      cursor: null,
      fromStart: true,
      readAt: Date.now(),
      bytesRead: 0,
      bytesLeft: 0,
      records,
      costCheckpoints: [],
      agentFacts: facts,
      problems: [],
    };
  });
  await store.writeFiles(files, { ...ORIGIN });
  for (const t of tasks) {
    await store.openSpan({
      scope: 'session',
      sessionId: `s-${t.task}`,
      fromTs: t.startMs,
      taskId: t.task,
      source: 'run',
    });
  }
  await store.attributePending({});
}

/** A main thread that caches well and writes a lot: no rule fires on it. */
function cleanMain(i: number): PlantedCalls {
  return {
    agent: 'main',
    model: SONNET,
    count: 2,
    tokens: { input: 500, output: 2_000, cacheWrite: 2_000, cacheRead: 30_000 + 100 * i },
  };
}

/** `scout`'s small work: 6 calls of ~25,000 tokens that mostly read (150 output tokens each). */
function scoutCalls(model: string, i: number, id: string): PlantedCalls {
  return {
    agent: `scout:${id}`,
    model,
    count: 6,
    tokens: { input: 2_000 + 37 * i, output: 150, cacheWrite: 3_000, cacheRead: 20_000 + 211 * i },
  };
}

/**
 * The planted pattern, between `fromMs` and `toMs`: 8 tasks where `scout` ran on opus and 4 where it
 * did the same small work on haiku in as many turns (a downshift of `scout`), and 3 tasks where a
 * `writer` on sonnet reread 30,000 uncached tokens per call (a low cache hit rate).
 */
export function expensiveSmallWork(fromMs: number, toMs: number): PlantedTask[] {
  const tasks: PlantedTask[] = [];
  const step = (toMs - fromMs) / 15;
  for (let i = 0; i < 8; i++) {
    tasks.push({
      task: `T-opus-${i}`,
      startMs: Math.round(fromMs + i * step),
      calls: [cleanMain(i), scoutCalls(OPUS, i, `so${i}`)],
    });
  }
  for (let i = 0; i < 4; i++) {
    tasks.push({
      task: `T-haiku-${i}`,
      startMs: Math.round(fromMs + (8 + i) * step),
      calls: [cleanMain(i), scoutCalls(HAIKU, i, `sh${i}`)],
    });
  }
  for (let i = 0; i < 3; i++) {
    tasks.push({
      task: `T-writer-${i}`,
      startMs: Math.round(fromMs + (12 + i) * step),
      calls: [
        cleanMain(i),
        {
          agent: `writer:w${i}`,
          model: SONNET,
          count: 5,
          tokens: { input: 30_000, output: 3_000, cacheWrite: 1_000, cacheRead: 5_000 },
        },
      ],
    });
  }
  return tasks;
}

/** After the change: 8 tasks where `scout` does the same small work on haiku. */
export function cheaperLaterWork(fromMs: number, toMs: number): PlantedTask[] {
  const step = (toMs - fromMs) / 8;
  return Array.from({ length: 8 }, (_, i) => ({
    task: `T-later-${i}`,
    startMs: Math.round(fromMs + i * step),
    calls: [cleanMain(i), scoutCalls(HAIKU, i, `sl${i}`)],
  }));
}

/**
 * A clean control: 10 tasks where the main thread caches well and `scout` works on haiku, the
 * cheapest family, writing real output; nothing to recommend.
 */
export function cleanWork(fromMs: number, toMs: number): PlantedTask[] {
  const step = (toMs - fromMs) / 10;
  return Array.from({ length: 10 }, (_, i) => ({
    task: `T-clean-${i}`,
    startMs: Math.round(fromMs + i * step),
    calls: [
      cleanMain(i),
      {
        agent: `scout:c${i}`,
        model: HAIKU,
        count: 4,
        tokens: { input: 800, output: 1_500, cacheWrite: 1_000, cacheRead: 20_000 },
      },
    ],
  }));
}

/** Runs git in `cwd`; returns its stdout. Throws with git's stderr when it fails. */
export function git(cwd: string, args: readonly string[], input?: string): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
    cwd,
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/**
 * A git repository in `dir` (created) with agent specs (`scout` without a `model:` line, `writer`
 * with one), a policy file and Claude Code settings, committed.
 */
export function fixtureRepo(dir: string): string {
  fs.mkdirSync(path.join(dir, '.claude', 'agents'), { recursive: true });
  const files: Record<string, string> = {
    '.claude/agents/scout.md':
      '---\nname: scout\ndescription: Finds files and answers short questions about the code.\ntools: Read, Grep, Glob\n---\n\nYou look things up and answer briefly.\n',
    '.claude/agents/writer.md':
      '---\nname: writer\ndescription: Writes documentation.\nmodel: sonnet\n---\n\nYou write clear documentation.\n',
    'CLAUDE.md': '# Project notes\n\n## Build\n\nRun `npm test` before committing.\n',
    '.claude/settings.json': '{\n  "permissions": {\n    "allow": ["Bash(npm test)"]\n  }\n}\n',
  };
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  git(dir, ['init', '-q']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'fixture']);
  return dir;
}

/** `git apply --check` of `diff` in `repo`: '' when it applies, else git's complaint. */
export function applyCheck(repo: string, diff: string): string {
  try {
    git(repo, ['apply', '--check', '-'], diff);
    return '';
  } catch (error) {
    return String((error as { stderr?: unknown }).stderr ?? error);
  }
}
