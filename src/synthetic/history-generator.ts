/**
 * Generates a synthetic Claude Code history (projects/<slug>/<session>.jsonl plus subagent files)
 * together with its ground truth: the totals that exact de-duplication must give.
 *
 * Used by `tokenledger demo` (a small history) and by the benchmark (a heavy user's ~1.2 GiB).
 * @module
 */

import fs from 'node:fs';
import path from 'node:path';
import { Prng } from '../util/prng.js';
import type { TokenCounts } from '../util/token-counts.js';
import { FileSink } from './file-sink.js';
import { emptyTotals, type GroundTruth, recordTruth } from './ground-truth.js';
import { otherTool } from './main-thread-tool.js';
import {
  AGENT_TYPES,
  fillerPool,
  type GenerateHistoryOptions,
  MODELS_SUB,
  planSessions,
  type SessionPlan,
  STYLE_VERSION,
  type Style,
  sampleUsage,
} from './session-plan.js';
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
    for (const plan of planSessions(this.#opts, this.#rng)) this.#writeSession(plan);
    return this.truth;
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
            ...otherTool(write, turn, plan.cwd, () => this.#text(500, 12_000)),
          });
        }
        const u = sampleUsage(this.#rng, plan.model, turn);
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
        recordTruth(this.truth, plan.sessionId, 'main', plan.model, t, u, res.output);
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
      const u = sampleUsage(this.#rng, model, turn);
      const res = this.#writeResponse(sink, env, plan.style, model, blocks, u, t, parent, false, true);
      recordTruth(this.truth, plan.sessionId, agent.type, model, t, u, res.output);
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
