/**
 * Appends new API responses to existing session files of a generated history, as a live Claude Code
 * session does, and returns the totals it added. The benchmark uses it to measure an incremental
 * import after "1% new lines".
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { Prng } from '../util/prng.js';
import { assistantLine, type LineEnvelope, toolResultLine, userPromptLine } from './transcript-lines.js';

export interface AppendOptions {
  configDir: string;
  /** Roughly how many lines to append in all. */
  lines: number;
  /** How many session files receive lines. */
  files: number;
  seed?: number;
  /** Timestamp of the appended responses. */
  at: Date;
}

export interface AppendTruth {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  responses: number;
  lines: number;
  files: string[];
}

function mainSessionFiles(configDir: string): string[] {
  const out: string[] = [];
  const projects = path.join(configDir, 'projects');
  for (const slug of fs.readdirSync(projects).sort()) {
    const dir = path.join(projects, slug);
    for (const name of fs.readdirSync(dir).sort()) {
      if (name.endsWith('.jsonl') && !name.startsWith('agent-')) out.push(path.join(dir, name));
    }
  }
  return out;
}

/** The envelope of a session, read from its first assistant or user line. */
function envelopeOf(file: string): LineEnvelope | null {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(256 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    for (const line of buf.subarray(0, n).toString('utf8').split('\n')) {
      if (!line.includes('"cwd"')) continue;
      try {
        const o = JSON.parse(line) as Record<string, unknown>;
        if (
          typeof o.sessionId === 'string' &&
          typeof o.cwd === 'string' &&
          o.requestSessionId === undefined
        ) {
          return {
            sessionId: o.sessionId,
            cwd: o.cwd,
            gitBranch: typeof o.gitBranch === 'string' ? o.gitBranch : 'main',
            version: typeof o.version === 'string' ? o.version : '2.1.330',
            isSidechain: false,
          };
        }
      } catch {}
    }
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

export function appendToHistory(opts: AppendOptions): AppendTruth {
  const rng = new Prng(opts.seed ?? 99);
  const candidates = mainSessionFiles(opts.configDir);
  const truth: AppendTruth = {
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
    responses: 0,
    lines: 0,
    files: [],
  };
  const chosen: string[] = [];
  for (let i = 0; i < opts.files && candidates.length > 0; i++) {
    chosen.push(candidates.splice(rng.int(0, candidates.length - 1), 1)[0] as string);
  }
  const perFile = Math.max(4, Math.ceil(opts.lines / Math.max(1, chosen.length)));
  let t = opts.at.getTime();
  for (const file of chosen) {
    const env = envelopeOf(file);
    if (env === null) continue;
    const out: string[] = [];
    let parent: string | null = null;
    while (out.length < perFile) {
      const prompt = rng.uuid();
      out.push(userPromptLine(env, prompt, parent, new Date(t).toISOString(), 'follow-up request'));
      const id = `msg_01append${rng.hex(16)}`;
      const req = `req_011Cappend${rng.hex(16)}`;
      const u = {
        input: rng.int(1, 300),
        output: rng.int(20, 2_000),
        cacheWrite: rng.int(0, 8_000),
        cacheWrite1h: 0,
        cacheRead: rng.int(10_000, 150_000),
        webSearch: 0,
      };
      const toolId = `toolu_01${rng.hex(22)}`;
      const blocks = [
        { type: 'text' as const, text: 'Running the tests again.' },
        { type: 'tool_use' as const, id: toolId, name: 'Bash', input: { command: 'npm test' } },
      ];
      let p: string = prompt;
      blocks.forEach((block, i) => {
        const uuid = rng.uuid();
        out.push(
          assistantLine({
            env,
            uuid,
            parentUuid: p,
            timestamp: new Date(t + i).toISOString(),
            messageId: id,
            requestId: req,
            model: 'claude-sonnet-4-5-20250929',
            block,
            blockIndex: i,
            usage: u,
            output: u.output,
            stopReason: 'tool_use',
          }),
        );
        p = uuid;
      });
      const result = rng.uuid();
      out.push(toolResultLine(env, result, p, new Date(t + 500).toISOString(), toolId, 'all tests passed'));
      parent = result;
      truth.inputTokens += u.input;
      truth.outputTokens += u.output;
      truth.cacheCreationTokens += u.cacheWrite;
      truth.cacheReadTokens += u.cacheRead;
      truth.responses += 1;
      t += 1_000;
    }
    fs.appendFileSync(file, `${out.join('\n')}\n`);
    truth.lines += out.length;
    truth.files.push(file);
  }
  return truth;
}
