/**
 * Generates a synthetic Claude Code history (projects/<slug>/<session>.jsonl plus subagent files)
 * together with its ground truth: the totals that exact de-duplication must give.
 *
 * Used by `tokenledger demo` (a small history) and by the benchmark (a heavy user's ~1.2 GiB).
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TokenCounts } from '../util/token-counts.js';
import { Prng } from './prng.js';
import {
  agentMetaJson,
  assistantLine,
  type ContentBlock,
  type CostStateModel,
  costStateLine,
  fileHistorySnapshotLine,
  type LineEnvelope,
  summaryLine,
  systemLine,
  toolResultLine,
  userPromptLine,
} from './transcript-lines.js';

export interface GenerateHistoryOptions {
  /** Written as a Claude config dir: `<configDir>/projects/...`. */
  configDir: string;
  seed?: number;
  /** Approximate total size of all transcript files. */
  targetBytes: number;
  /** Approximate number of transcript files (main sessions plus subagent files). */
  fileCount: number;
  /** The last day (UTC) that gets usage. */
  endDate: Date;
  days: number;
  /** Relay some subagent responses as progress lines in the parent file too (FORMATS.md §8). */
  progressCopies?: boolean;
  /** Write some sessions again as `--fork-session` copies (FORMATS.md §1.1). */
  forkCopies?: boolean;
  onProgress?: (writtenBytes: number) => void;
}

export interface TruthTotals {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  responses: number;
}

export interface GroundTruth {
  totals: TruthTotals;
  byDay: Record<string, TruthTotals>;
  byModel: Record<string, TruthTotals>;
  bySession: Record<string, TruthTotals>;
  byAgentType: Record<string, TruthTotals>;
  files: number;
  bytes: number;
  lines: number;
}

const MODELS_MAIN: readonly (readonly [string, number])[] = [
  ['claude-sonnet-4-5-20250929', 5],
  ['claude-opus-4-6', 3],
  ['claude-opus-4-5-20251101', 1],
  ['claude-sonnet-4-6', 1],
];
const MODELS_SUB: readonly (readonly [string, number])[] = [
  ['claude-haiku-4-5-20251001', 5],
  ['claude-sonnet-4-5-20250929', 3],
  ['claude-opus-4-6', 1],
];
const AGENT_TYPES = [
  'general-purpose',
  'Explore',
  'Plan',
  'code-reviewer',
  'implementer',
  'analyst',
] as const;
const BRANCHES = ['main', 'main', 'main', 'feat/ledger', 'fix/dedupe', 'HEAD'] as const;
type Style = 'v2.1.330' | 'v2.1.100' | 'v2.0.77';
const STYLE_VERSION: Record<Style, string> = {
  'v2.1.330': '2.1.330',
  'v2.1.100': '2.1.100',
  'v2.0.77': '2.0.77',
};

function emptyTotals(): TruthTotals {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
    totalTokens: 0,
    responses: 0,
  };
}

function addTotals(map: Record<string, TruthTotals>, key: string, u: TokenCounts, output: number): void {
  let t = map[key];
  if (t === undefined) {
    t = emptyTotals();
    map[key] = t;
  }
  t.inputTokens += u.input;
  t.outputTokens += output;
  t.cacheCreationTokens += u.cacheWrite;
  t.cacheReadTokens += u.cacheRead;
  t.totalTokens += u.input + output + u.cacheWrite + u.cacheRead;
  t.responses += 1;
}

/** A pool of filler text; slices of it stand in for tool output and file contents. */
function fillerPool(rng: Prng): string {
  const words = [
    'const',
    'value',
    'return',
    'import',
    'function',
    'ledger',
    'token',
    'usage',
    'export',
    'test',
  ];
  const parts: string[] = [];
  let size = 0;
  while (size < 1 << 20) {
    const w = rng.pick(words);
    // Now and then a quote, backslash or an escaped usage marker, as real tool output has.
    const extra = rng.chance(0.01) ? ' "usage":{"input_tokens":5} \\ ' : rng.chance(0.05) ? '\n' : ' ';
    parts.push(w, extra);
    size += w.length + extra.length;
  }
  return parts.join('');
}

class FileSink {
  readonly #fd: number;
  #buf: string[] = [];
  #pending = 0;
  bytes = 0;
  lines = 0;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.#fd = fs.openSync(file, 'w');
  }

  line(text: string): void {
    this.#buf.push(text, '\n');
    const n = Buffer.byteLength(text) + 1;
    this.#pending += n;
    this.bytes += n;
    this.lines += 1;
    if (this.#pending > 1 << 20) this.flush();
  }

  flush(): void {
    if (this.#buf.length === 0) return;
    fs.writeSync(this.#fd, this.#buf.join(''));
    this.#buf = [];
    this.#pending = 0;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.#fd);
  }
}

interface SessionPlan {
  sessionId: string;
  cwd: string;
  branch: string;
  style: Style;
  model: string;
  startMs: number;
  mainBytes: number;
  subagentBytes: number[];
  noRequestId: boolean;
}

export class HistoryGenerator {
  readonly #opts: GenerateHistoryOptions;
  readonly #rng: Prng;
  readonly #filler: string;
  readonly truth: GroundTruth = {
    totals: emptyTotals(),
    byDay: {},
    byModel: {},
    bySession: {},
    byAgentType: {},
    files: 0,
    bytes: 0,
    lines: 0,
  };
  #written = 0;
  #msgCounter = 0;

  constructor(opts: GenerateHistoryOptions) {
    this.#opts = opts;
    this.#rng = new Prng(opts.seed ?? 42);
    this.#filler = fillerPool(this.#rng);
  }

  generate(): GroundTruth {
    for (const plan of this.#planSessions()) this.#writeSession(plan);
    return this.truth;
  }

  #planSessions(): SessionPlan[] {
    const rng = this.#rng;
    const o = this.#opts;
    const projects = Array.from({ length: Math.max(2, Math.round(o.fileCount / 40)) }, (_, i) =>
      i % 7 === 3 ? `/home/dev/src/client work/app-${i}` : `/home/dev/src/project-${i}`,
    );
    const sizes: number[] = [];
    const plans: SessionPlan[] = [];
    const dayMs = 86_400_000;
    const firstDay =
      Date.UTC(o.endDate.getUTCFullYear(), o.endDate.getUTCMonth(), o.endDate.getUTCDate()) -
      (o.days - 1) * dayMs;
    let files = 0;
    while (files < o.fileCount) {
      const subagents = rng.chance(0.22) ? rng.int(1, 3) : 0;
      const style = rng.weighted<Style>([
        ['v2.1.330', 6],
        ['v2.1.100', 3],
        ['v2.0.77', 1],
      ]);
      const plan: SessionPlan = {
        sessionId: rng.uuid(),
        cwd: rng.pick(projects),
        branch: rng.pick(BRANCHES),
        style,
        model: rng.weighted(MODELS_MAIN),
        // Start between 00:00 and 20:00 UTC so a session rarely crosses midnight mid-response.
        startMs: firstDay + rng.int(0, o.days - 1) * dayMs + rng.int(0, 20 * 3600) * 1000,
        mainBytes: 0,
        subagentBytes: [],
        noRequestId: rng.chance(0.03),
      };
      plan.mainBytes = this.#sampleSize(sizes);
      for (let i = 0; i < subagents; i++) plan.subagentBytes.push(this.#sampleSize(sizes));
      plans.push(plan);
      files += 1 + subagents;
    }
    // Scale every file so the total hits the target.
    const sum = sizes.reduce((a, b) => a + b, 0);
    const scale = o.targetBytes / sum;
    for (const p of plans) {
      p.mainBytes = Math.max(2_000, Math.round(p.mainBytes * scale));
      p.subagentBytes = p.subagentBytes.map((b) => Math.max(2_000, Math.round(b * scale)));
    }
    return plans;
  }

  #sampleSize(sizes: number[]): number {
    // Log-normal around the profile of a heavy user's files: p50 ~105 KB, p90 ~650 KB.
    const s = Math.min(this.#rng.logNormal(105_000, 1.43), 90_000_000);
    sizes.push(s);
    return s;
  }

  #nextMessage(): { id: string; req: string } {
    this.#msgCounter += 1;
    const n = this.#msgCounter.toString(16).padStart(10, '0');
    return { id: `msg_01${this.#rng.hex(14)}${n}`, req: `req_011C${this.#rng.hex(12)}${n}` };
  }

  #text(min: number, max: number): string {
    const len = this.#rng.int(min, max);
    const start = this.#rng.int(0, this.#filler.length - len - 1);
    return this.#filler.slice(start, start + len);
  }

  #usage(model: string, turnIndex: number): TokenCounts {
    const rng = this.#rng;
    const big = rng.chance(0.01);
    const cacheWrite = rng.chance(0.7) ? rng.int(0, 12_000) : 0;
    return {
      input: rng.int(1, 400),
      output: rng.int(20, model.includes('haiku') ? 900 : 3_000),
      cacheWrite,
      cacheWrite1h: rng.chance(0.15) ? Math.floor(cacheWrite / 2) : 0,
      cacheRead: big ? rng.int(200_001, 400_000) : Math.min(190_000, 8_000 + turnIndex * rng.int(500, 3_000)),
      webSearch: rng.chance(0.01) ? rng.int(1, 3) : 0,
    };
  }

  #record(
    session: string,
    agentType: string,
    model: string,
    timestampMs: number,
    u: TokenCounts,
    output: number,
  ): void {
    const t = this.truth;
    addTotals({ all: t.totals }, 'all', u, output);
    addTotals(t.byDay, new Date(timestampMs).toISOString().slice(0, 10), u, output);
    addTotals(t.byModel, model, u, output);
    addTotals(t.bySession, session, u, output);
    addTotals(t.byAgentType, agentType, u, output);
  }

  /**
   * Writes one API response as one line per content block, in the given version's style, and
   * returns the lines (for fork or progress copies), the last uuid and the true output count.
   */
  #writeResponse(
    sink: FileSink,
    env: LineEnvelope,
    style: Style,
    model: string,
    blocks: ContentBlock[],
    u: TokenCounts,
    timestampMs: number,
    parentUuid: string | null,
    noRequestId: boolean,
    subagent: boolean,
  ): { lines: string[]; lastUuid: string; output: number } {
    const rng = this.#rng;
    const { id, req } = this.#nextMessage();
    const lines: string[] = [];
    let parent = parentUuid;
    let maxOut = 0;
    // Which lines carry the final usage depends on the version (FORMATS.md §1.5).
    const snapshotAll = style === 'v2.0.77' || (style === 'v2.1.100' && subagent);
    const stopReason = blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
    blocks.forEach((block, i) => {
      const last = i === blocks.length - 1;
      const uuid = rng.uuid();
      let output = u.output;
      let stop: string | null = stopReason;
      if (snapshotAll) {
        output = rng.int(1, 8);
        stop = null;
      } else if (style === 'v2.1.100' && !last && rng.chance(0.3)) {
        // A partial first copy: keep-first would undercount.
        output = rng.int(1, Math.max(1, Math.floor(u.output / 10)));
        stop = null;
      }
      const lineUsage =
        noRequestId && !last
          ? { ...u, input: 0, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0 }
          : u;
      if (noRequestId && !last) output = 0;
      maxOut = Math.max(maxOut, output);
      const text = assistantLine({
        env,
        uuid,
        parentUuid: parent,
        timestamp: new Date(timestampMs + i).toISOString(),
        messageId: id,
        requestId: noRequestId ? null : req,
        model,
        block,
        blockIndex: i,
        usage: lineUsage,
        output,
        stopReason: stop,
      });
      sink.line(text);
      lines.push(text);
      parent = uuid;
    });
    return { lines, lastUuid: parent ?? '', output: maxOut };
  }

  #writeSession(plan: SessionPlan): void {
    const rng = this.#rng;
    const o = this.#opts;
    const slug = plan.cwd.replace(/[^a-zA-Z0-9]/g, '-');
    const projectDir = path.join(o.configDir, 'projects', slug);
    const env: LineEnvelope = {
      sessionId: plan.sessionId,
      cwd: plan.cwd,
      gitBranch: plan.branch,
      version: STYLE_VERSION[plan.style],
      isSidechain: false,
    };
    const sink = new FileSink(path.join(projectDir, `${plan.sessionId}.jsonl`));
    const fork = o.forkCopies && rng.chance(0.04) ? ([] as string[]) : null;
    const costState = new Map<string, CostStateModel>();
    let t = plan.startMs;
    let parent: string | null = null;
    let turn = 0;
    const pendingSubagents = [...plan.subagentBytes];
    const spawnEvery = Math.max(2, Math.floor(plan.mainBytes / 20_000 / (pendingSubagents.length + 1)));
    const track = (model: string, u: TokenCounts, output: number) => {
      const c = costState.get(model) ?? {
        inputTokens: 0,
        outputTokens: 0,
        cacheReadInputTokens: 0,
        cacheCreationInputTokens: 0,
        webSearchRequests: 0,
        costUSD: 0,
      };
      c.inputTokens += u.input;
      c.outputTokens += output;
      c.cacheReadInputTokens += u.cacheRead;
      c.cacheCreationInputTokens += u.cacheWrite;
      c.webSearchRequests += u.webSearch;
      costState.set(model, c);
    };

    while (sink.bytes < plan.mainBytes || pendingSubagents.length > 0) {
      const promptUuid = rng.uuid();
      sink.line(userPromptLine(env, promptUuid, parent, new Date(t).toISOString(), this.#text(40, 400)));
      parent = promptUuid;
      const responses = rng.int(1, 5);
      for (let r = 0; r < responses; r++) {
        t += rng.int(2_000, 40_000);
        turn += 1;
        const spawn = pendingSubagents.length > 0 && turn % spawnEvery === 0;
        const finalReply = r === responses - 1 && !spawn;
        const blocks: ContentBlock[] = [];
        if (rng.chance(0.25))
          blocks.push({ type: 'thinking', thinking: this.#text(100, 1_500), signature: rng.hex(320) });
        if (rng.chance(0.7) || finalReply) blocks.push({ type: 'text', text: this.#text(30, 500) });
        const toolId = `toolu_01${rng.hex(22)}`;
        let agent: { id: string; type: string; background: boolean } | null = null;
        if (spawn) {
          agent = { id: `a${rng.hex(16)}`, type: rng.pick(AGENT_TYPES), background: rng.chance(0.5) };
          blocks.push({
            type: 'tool_use',
            id: toolId,
            name: plan.style === 'v2.0.77' ? 'Task' : 'Agent',
            input: { description: 'delegated work', prompt: this.#text(50, 300), subagent_type: agent.type },
          });
        } else if (!finalReply) {
          const write = rng.chance(0.06);
          blocks.push({
            type: 'tool_use',
            id: toolId,
            name: write ? 'Write' : 'Bash',
            input: write
              ? { file_path: `${plan.cwd}/src/f${turn}.ts`, content: this.#text(500, 12_000) }
              : { command: 'npm test', description: 'Run tests' },
          });
        }
        const u = this.#usage(plan.model, turn);
        const res = this.#writeResponse(
          sink,
          env,
          plan.style,
          plan.model,
          blocks,
          u,
          t,
          parent,
          plan.noRequestId,
          false,
        );
        this.#record(plan.sessionId, 'main', plan.model, t, u, res.output);
        track(plan.model, u, res.output);
        fork?.push(...res.lines);
        parent = res.lastUuid;
        if (agent) {
          const bytes = pendingSubagents.shift() ?? 10_000;
          const progress = this.#writeSubagent(plan, projectDir, agent, toolId, bytes, t, track);
          for (const p of progress) sink.line(p);
          const resultUuid = rng.uuid();
          sink.line(
            toolResultLine(
              env,
              resultUuid,
              parent,
              new Date(t + 500).toISOString(),
              toolId,
              this.#text(100, 2_000),
              { agentId: agent.id, agentType: agent.type, background: agent.background },
            ),
          );
          parent = resultUuid;
        } else if (!finalReply) {
          const resultUuid = rng.uuid();
          const big = rng.chance(0.01);
          sink.line(
            toolResultLine(
              env,
              resultUuid,
              parent,
              new Date(t + 200).toISOString(),
              toolId,
              this.#text(big ? 50_000 : 100, big ? 300_000 : 3_000),
            ),
          );
          parent = resultUuid;
        }
      }
      if (rng.chance(0.1)) sink.line(systemLine(env, rng.uuid(), parent, new Date(t + 10).toISOString()));
      if (rng.chance(0.03))
        sink.line(fileHistorySnapshotLine(rng.uuid(), new Date(t).toISOString(), this.#text(1_000, 40_000)));
      if (rng.chance(0.03)) sink.line(summaryLine(this.#text(20, 80), parent ?? ''));
      t += rng.int(20_000, 300_000);
    }
    if (plan.style === 'v2.1.330') {
      const total = 0; // cost is Claude Code's own estimate; the generator does not price
      sink.line(costStateLine(plan.sessionId, total, Object.fromEntries(costState)));
    }
    sink.close();
    this.#fileDone(sink);
    if (fork && fork.length > 0) this.#writeFork(projectDir, plan, fork);
  }

  /** A `--fork-session` copy: the same responses under a new session id, with requestSessionId. */
  #writeFork(projectDir: string, plan: SessionPlan, lines: string[]): void {
    const forkId = this.#rng.uuid();
    const sink = new FileSink(path.join(projectDir, `${forkId}.jsonl`));
    const from = `"sessionId":"${plan.sessionId}"`;
    for (const line of lines)
      sink.line(line.replace(from, `"sessionId":"${forkId}","requestSessionId":"${plan.sessionId}"`));
    sink.close();
    this.#fileDone(sink);
  }

  #writeSubagent(
    plan: SessionPlan,
    projectDir: string,
    agent: { id: string; type: string; background: boolean },
    toolUseId: string,
    bytes: number,
    startMs: number,
    track: (model: string, u: TokenCounts, output: number) => void,
  ): string[] {
    const rng = this.#rng;
    const o = this.#opts;
    const model = rng.weighted(MODELS_SUB);
    const dir = path.join(projectDir, plan.sessionId, 'subagents');
    const env: LineEnvelope = {
      sessionId: plan.sessionId,
      cwd: plan.cwd,
      gitBranch: plan.branch,
      version: STYLE_VERSION[plan.style],
      isSidechain: true,
      agentId: agent.id,
      attributionAgent: plan.style === 'v2.1.330' ? agent.type : undefined,
    };
    const sink = new FileSink(path.join(dir, `agent-${agent.id}.jsonl`));
    if (plan.style !== 'v2.0.77' && rng.chance(0.75)) {
      fs.writeFileSync(
        path.join(dir, `agent-${agent.id}.meta.json`),
        agentMetaJson(agent.type, toolUseId, model),
      );
    }
    const progress: string[] = [];
    let t = startMs;
    let parent: string | null = null;
    const first = rng.uuid();
    sink.line(userPromptLine(env, first, null, new Date(t).toISOString(), this.#text(50, 300)));
    parent = first;
    let turn = 0;
    while (sink.bytes < bytes) {
      t += rng.int(500, 8_000);
      turn += 1;
      const blocks: ContentBlock[] = [{ type: 'text', text: this.#text(30, 500) }];
      const toolId = `toolu_01${rng.hex(22)}`;
      blocks.push({
        type: 'tool_use',
        id: toolId,
        name: 'Read',
        input: { file_path: `${plan.cwd}/src/x${turn}.ts` },
      });
      const u = this.#usage(model, turn);
      const res = this.#writeResponse(sink, env, plan.style, model, blocks, u, t, parent, false, true);
      this.#record(plan.sessionId, agent.type, model, t, u, res.output);
      track(model, u, res.output);
      if (o.progressCopies && rng.chance(0.3)) {
        // The same response relayed as a progress line in the parent file (FORMATS.md §8).
        const record = JSON.parse(res.lines[res.lines.length - 1] ?? '{}') as unknown;
        progress.push(
          JSON.stringify({
            parentUuid: null,
            isSidechain: false,
            type: 'progress',
            data: { type: 'agent_progress', agentId: agent.id, message: record },
            parentToolUseID: toolUseId,
            uuid: rng.uuid(),
            timestamp: new Date(t).toISOString(),
            sessionId: plan.sessionId,
            cwd: plan.cwd,
            version: STYLE_VERSION[plan.style],
            gitBranch: plan.branch,
          }),
        );
      }
      const resultUuid = rng.uuid();
      sink.line(
        toolResultLine(
          env,
          resultUuid,
          res.lastUuid,
          new Date(t + 100).toISOString(),
          toolId,
          this.#text(100, 4_000),
        ),
      );
      parent = resultUuid;
    }
    sink.close();
    this.#fileDone(sink);
    return progress;
  }

  #fileDone(sink: FileSink): void {
    this.truth.files += 1;
    this.truth.bytes += sink.bytes;
    this.truth.lines += sink.lines;
    this.#written += sink.bytes;
    this.#opts.onProgress?.(this.#written);
  }
}

export function generateHistory(opts: GenerateHistoryOptions): GroundTruth {
  return new HistoryGenerator(opts).generate();
}
