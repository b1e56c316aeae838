/**
 * Builders for transcript lines written by the tests themselves (mutation and bad-input cases).
 * Shapes follow Claude Code 2.1.x lines (see test/fixtures/claude and FORMATS.md §1.4).
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Totals } from '../helpers/ledger.js';

export const SONNET = 'claude-sonnet-4-5-20250929';
export const CWD = '/home/dev/tl-test';
export const SLUG = '-home-dev-tl-test';
export const SESSION = '90909090-9090-4909-8909-909090909090';

export interface Resp {
  id: string;
  /** null: no requestId field at all. */
  req?: string | null;
  session?: string;
  input: number;
  output: number;
  cacheWrite?: number;
  cacheRead?: number;
  stop?: string | null;
  ts?: string;
  model?: string;
  text?: string;
  sidechain?: boolean;
  agentId?: string;
}

let counter = 0;
function nextUuid(): string {
  counter++;
  return `9e000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

/** The assistant line of one response, as a JSON object (tests may break fields before serializing). */
export function assistantObject(r: Resp): Record<string, unknown> {
  const cw = r.cacheWrite ?? 0;
  const o: Record<string, unknown> = {
    parentUuid: null,
    isSidechain: r.sidechain ?? false,
  };
  if (r.agentId !== undefined) o.agentId = r.agentId;
  o.message = {
    id: r.id,
    type: 'message',
    role: 'assistant',
    model: r.model ?? SONNET,
    content: [{ type: 'text', text: r.text ?? `answer ${r.id}` }],
    stop_reason: r.stop === undefined ? 'end_turn' : r.stop,
    stop_sequence: null,
    usage: {
      input_tokens: r.input,
      cache_creation_input_tokens: cw,
      cache_read_input_tokens: r.cacheRead ?? 0,
      output_tokens: r.output,
      server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
      service_tier: 'standard',
      cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: cw },
      inference_geo: '',
      iterations: [],
      speed: 'standard',
    },
    stop_details: null,
  };
  if (r.req !== null) o.requestId = r.req ?? r.id.replace(/^msg_/, 'req_');
  Object.assign(o, {
    type: 'assistant',
    uuid: nextUuid(),
    timestamp: r.ts ?? '2026-11-20T10:00:00.000Z',
    userType: 'external',
    entrypoint: 'cli',
    cwd: CWD,
    sessionId: r.session ?? SESSION,
    version: '2.1.197',
    gitBranch: 'main',
  });
  return o;
}

export function assistantLine(r: Resp): string {
  return JSON.stringify(assistantObject(r));
}

export function userLine(text: string, session = SESSION): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    type: 'user',
    message: { role: 'user', content: text },
    uuid: nextUuid(),
    timestamp: '2026-11-20T09:59:59.000Z',
    userType: 'external',
    entrypoint: 'cli',
    cwd: CWD,
    sessionId: session,
    version: '2.1.197',
    gitBranch: 'main',
  });
}

/** The totals the rule gives for distinct responses (one line each, final unless stop is null). */
export function totalsOf(...rs: Resp[]): Totals {
  const t: Totals = {
    input: 0,
    output: 0,
    cacheWrite: 0,
    cacheWrite1h: 0,
    cacheRead: 0,
    webSearch: 0,
    responses: 0,
    lowerBound: 0,
  };
  for (const r of rs) {
    t.input += r.input;
    t.output += r.output;
    t.cacheWrite += r.cacheWrite ?? 0;
    t.cacheRead += r.cacheRead ?? 0;
    t.responses += 1;
    t.lowerBound += r.stop === null ? 1 : 0;
  }
  return t;
}

/** `<claudeDir>/projects/<SLUG>/<name>`, with parent dirs created. */
export function transcriptPath(claudeDir: string, name = `${SESSION}.jsonl`): string {
  const file = path.join(claudeDir, 'projects', SLUG, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

/** Joins lines with `\n` and a trailing newline. */
export function jsonl(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
