/**
 * A small world for attribution tests: write transcripts with chosen sessions, projects, agents and
 * times into a temp Claude dir, import them into a ledger (a temp SQLite ledger, or the one a
 * conformance suite hands in), and read totals back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importClaudeHistory } from '../../src/app/import/import-claude.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import type { StageMap } from '../../src/ledger/task-repository.js';
import type { GroupDimension } from '../../src/ledger/usage-repository.js';
import { assistantLine, type LineEnvelope, toolResultLine } from '../../src/synthetic/transcript-lines.js';

export interface Call {
  session: string;
  cwd: string;
  at: number;
  input: number;
  agentId?: string;
  model?: string;
  /** A tool use the response asks for (instead of text). */
  tool?: { name: string; input: Record<string, unknown> };
}

export class World {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-attr-'));
  readonly claude = path.join(this.root, 'claude');
  readonly store: LedgerStore;
  readonly #cleanup: () => Promise<void>;
  #n = 0;

  /** Without a ledger, a fresh SQLite ledger in the world's temp dir; with one, `close` calls its `cleanup`. */
  constructor(ledger?: { store: LedgerStore; cleanup: () => Promise<void> }) {
    fs.mkdirSync(this.claude);
    if (ledger === undefined) {
      const store = SqliteStore.open(path.join(this.root, 'ledger.db'));
      this.store = store;
      this.#cleanup = () => store.close();
    } else {
      this.store = ledger.store;
      this.#cleanup = ledger.cleanup;
    }
  }

  #file(c: { session: string; cwd: string; agentId?: string | undefined }): string {
    const dir = path.join(this.claude, 'projects', c.cwd.replace(/[^a-zA-Z0-9]/g, '-'));
    return c.agentId === undefined
      ? path.join(dir, `${c.session}.jsonl`)
      : path.join(dir, c.session, 'subagents', `agent-${c.agentId}.jsonl`);
  }

  /** Appends one API response (one line) to the session's or subagent's transcript. */
  call(c: Call): void {
    this.#n += 1;
    const env: LineEnvelope = {
      sessionId: c.session,
      cwd: c.cwd,
      gitBranch: 'main',
      version: '2.1.330',
      isSidechain: c.agentId !== undefined,
      agentId: c.agentId,
    };
    const line = assistantLine({
      env,
      uuid: `u-${this.#n}`,
      parentUuid: null,
      timestamp: new Date(c.at).toISOString(),
      messageId: `msg_${this.#n}`,
      requestId: `req_${this.#n}`,
      model: c.model ?? 'claude-sonnet-4-5-20250929',
      block:
        c.tool === undefined
          ? { type: 'text', text: 'ok' }
          : { type: 'tool_use', id: `toolu_${this.#n}`, name: c.tool.name, input: c.tool.input },
      blockIndex: 0,
      usage: { input: c.input, output: 1, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0 },
      output: 1,
      stopReason: c.tool === undefined ? 'end_turn' : 'tool_use',
    });
    const file = this.#file(c);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, `${line}\n`);
  }

  /** The parent's Agent tool_use (with a prompt) and its tool_result linking the agent id. */
  spawn(o: {
    session: string;
    cwd: string;
    at: number;
    agentId: string;
    agentType: string;
    prompt: string;
  }): void {
    this.#n += 1;
    const env: LineEnvelope = {
      sessionId: o.session,
      cwd: o.cwd,
      gitBranch: 'main',
      version: '2.1.330',
      isSidechain: false,
    };
    const toolId = `toolu_${this.#n}`;
    // The spawn is in the parent's own transcript.
    const file = this.#file({ session: o.session, cwd: o.cwd });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(
      file,
      `${assistantLine({
        env,
        uuid: `u-${this.#n}`,
        parentUuid: null,
        timestamp: new Date(o.at).toISOString(),
        messageId: `msg_${this.#n}`,
        requestId: `req_${this.#n}`,
        model: 'claude-sonnet-4-5-20250929',
        block: {
          type: 'tool_use',
          id: toolId,
          name: 'Agent',
          input: { prompt: o.prompt, subagent_type: o.agentType, description: 'd' },
        },
        blockIndex: 0,
        usage: { input: 1, output: 1, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0 },
        output: 1,
        stopReason: 'tool_use',
      })}\n${toolResultLine(env, `r-${this.#n}`, `u-${this.#n}`, new Date(o.at + 1).toISOString(), toolId, 'done', { agentId: o.agentId, agentType: o.agentType, background: false })}\n`,
    );
  }

  async import(stageMap: StageMap = {}, taskPattern?: string): Promise<void> {
    await importClaudeHistory(this.store, {
      origin: { machine: 'm', user: 'u' },
      env: { CLAUDE_CONFIG_DIR: this.claude, HOME: this.root },
      threads: 0,
      stageMap,
      ...(taskPattern === undefined ? {} : { taskPattern }),
    });
  }

  /** Input tokens by the given dimensions, as `a|b` → sum. */
  async inputBy(dims: GroupDimension[], stageMap: StageMap = {}): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const r of await this.store.groups({ dimensions: dims, filter: {}, stageMap })) {
      const key = dims.map((d) => r.values[d] || '-').join('|');
      out[key] = (out[key] ?? 0) + r.input;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.#cleanup();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
