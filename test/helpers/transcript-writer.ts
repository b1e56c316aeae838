/**
 * Writes Claude Code transcript lines into a sandbox's Claude config dir, for tests that need usage
 * at a given time in a given project, session and (optionally) subagent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { assistantLine } from '../../src/synthetic/transcript-lines.js';

export const SONNET = 'claude-sonnet-4-5-20250929';
export const HAIKU = 'claude-haiku-4-5-20251001';

let n = 0;

/** The main transcript of `session` in project `dir`. */
export function mainTranscript(claude: string, dir: string, session: string): string {
  return path.join(claude, 'projects', dir.replace(/[^a-zA-Z0-9]/g, '-'), `${session}.jsonl`);
}

/** The transcript of subagent `agentId` of `session` in project `dir`. */
export function agentTranscript(claude: string, dir: string, session: string, agentId: string): string {
  return path.join(
    path.dirname(mainTranscript(claude, dir, session)),
    session,
    'subagents',
    `agent-${agentId}.jsonl`,
  );
}

/** Appends one response (one line) to a session's transcript, or its subagent's. */
export function respond(
  claude: string,
  o: {
    dir: string;
    session: string;
    input: number;
    output?: number;
    at?: number;
    model?: string;
    agentId?: string;
  },
): void {
  n++;
  const file =
    o.agentId === undefined
      ? mainTranscript(claude, o.dir, o.session)
      : agentTranscript(claude, o.dir, o.session, o.agentId);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const output = o.output ?? 10;
  fs.appendFileSync(
    file,
    `${assistantLine({
      env: {
        sessionId: o.session,
        cwd: o.dir,
        gitBranch: 'main',
        version: '2.1.330',
        isSidechain: o.agentId !== undefined,
        agentId: o.agentId,
      },
      uuid: `u-w-${process.pid}-${n}`,
      parentUuid: null,
      timestamp: new Date(o.at ?? Date.now()).toISOString(),
      messageId: `msg_w_${process.pid}_${n}`,
      requestId: `req_w_${process.pid}_${n}`,
      model: o.model ?? SONNET,
      block: { type: 'text', text: 'ok' },
      blockIndex: 0,
      usage: { input: o.input, output, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0 },
      output,
      stopReason: 'end_turn',
    })}\n`,
  );
}
