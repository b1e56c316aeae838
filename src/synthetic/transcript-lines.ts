/**
 * Builders for synthetic Claude Code transcript lines, shaped like the ones Claude Code 2.0–2.1.330
 * writes (see shared/docs/FORMATS.md §1). Token numbers are whatever the caller passes in.
 * @module
 */
import type { TokenCounts } from '../util/token-counts.js';

export interface LineEnvelope {
  sessionId: string;
  cwd: string;
  gitBranch: string;
  version: string;
  isSidechain: boolean;
  agentId?: string | undefined;
  attributionAgent?: string | undefined;
}

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

function envelope(env: LineEnvelope): Record<string, unknown> {
  const out: Record<string, unknown> = { isSidechain: env.isSidechain };
  if (env.agentId !== undefined) out.agentId = env.agentId;
  if (env.attributionAgent !== undefined) out.attributionAgent = env.attributionAgent;
  return out;
}

function trailer(env: LineEnvelope): Record<string, unknown> {
  return {
    userType: 'external',
    entrypoint: 'cli',
    cwd: env.cwd,
    sessionId: env.sessionId,
    version: env.version,
    gitBranch: env.gitBranch,
  };
}

function apiUsage(u: TokenCounts, output: number): Record<string, unknown> {
  return {
    input_tokens: u.input,
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cacheRead,
    output_tokens: output,
    server_tool_use: { web_search_requests: u.webSearch, web_fetch_requests: 0 },
    service_tier: 'standard',
    cache_creation: {
      ephemeral_1h_input_tokens: u.cacheWrite1h,
      ephemeral_5m_input_tokens: u.cacheWrite - u.cacheWrite1h,
    },
    inference_geo: '',
    speed: 'standard',
  };
}

export interface AssistantLineInput {
  env: LineEnvelope;
  uuid: string;
  parentUuid: string | null;
  timestamp: string;
  messageId: string;
  requestId: string | null;
  model: string;
  block: ContentBlock;
  blockIndex: number;
  usage: TokenCounts;
  /** The output count written on this line (a placeholder on snapshot lines). */
  output: number;
  stopReason: string | null;
}

export function assistantLine(a: AssistantLineInput): string {
  const line: Record<string, unknown> = {
    parentUuid: a.parentUuid,
    ...envelope(a.env),
    message: {
      id: a.messageId,
      type: 'message',
      role: 'assistant',
      model: a.model,
      content: [a.block],
      stop_reason: a.stopReason,
      stop_sequence: null,
      usage: apiUsage(a.usage, a.output),
    },
    apiBlockIndex: a.blockIndex,
  };
  if (a.requestId !== null) line.requestId = a.requestId;
  Object.assign(line, { type: 'assistant', uuid: a.uuid, timestamp: a.timestamp }, trailer(a.env));
  return JSON.stringify(line);
}

export function userPromptLine(
  env: LineEnvelope,
  uuid: string,
  parentUuid: string | null,
  timestamp: string,
  text: string,
): string {
  return JSON.stringify({
    parentUuid,
    ...envelope(env),
    type: 'user',
    message: { role: 'user', content: text },
    uuid,
    timestamp,
    ...trailer(env),
  });
}

export function toolResultLine(
  env: LineEnvelope,
  uuid: string,
  parentUuid: string,
  timestamp: string,
  toolUseId: string,
  output: string,
  agentResult?: { agentId: string; agentType: string; background: boolean },
): string {
  const toolUseResult = agentResult
    ? agentResult.background
      ? {
          status: 'async_launched',
          isAsync: true,
          agentId: agentResult.agentId,
          description: 'delegated work',
        }
      : {
          status: 'completed',
          agentId: agentResult.agentId,
          agentType: agentResult.agentType,
          content: [{ type: 'text', text: output }],
          totalTokens: 0,
        }
    : { stdout: output, stderr: '', interrupted: false, isImage: false };
  return JSON.stringify({
    parentUuid,
    ...envelope(env),
    type: 'user',
    message: { role: 'user', content: [{ tool_use_id: toolUseId, type: 'tool_result', content: output }] },
    uuid,
    timestamp,
    toolUseResult,
    ...trailer(env),
  });
}

export function fileHistorySnapshotLine(messageId: string, timestamp: string, payload: string): string {
  return JSON.stringify({
    type: 'file-history-snapshot',
    messageId,
    snapshot: {
      messageId,
      trackedFileBackups: { 'src/index.ts': { backupFileName: payload, version: 1 } },
      timestamp,
    },
    isSnapshotUpdate: false,
  });
}

export function summaryLine(text: string, leafUuid: string): string {
  return JSON.stringify({ type: 'summary', summary: text, leafUuid });
}

export function systemLine(
  env: LineEnvelope,
  uuid: string,
  parentUuid: string | null,
  timestamp: string,
): string {
  return JSON.stringify({
    parentUuid,
    ...envelope(env),
    type: 'system',
    subtype: 'stop_hook_summary',
    hookCount: 1,
    uuid,
    timestamp,
    ...trailer(env),
  });
}

export interface CostStateModel {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
  webSearchRequests: number;
  costUSD: number;
}

export function costStateLine(
  sessionId: string,
  totalCostUSD: number,
  modelUsage: Record<string, CostStateModel>,
): string {
  return JSON.stringify({
    type: 'cost-state',
    sessionId,
    totalCostUSD,
    totalAPIDuration: 0,
    totalAPIDurationWithoutRetries: 0,
    totalToolDuration: 0,
    totalLinesAdded: 0,
    totalLinesRemoved: 0,
    totalDuration: 0,
    startTime: 0,
    modelUsage,
    hasUnknownModelCost: false,
  });
}

export function agentMetaJson(agentType: string, toolUseId: string, model: string): string {
  return JSON.stringify({
    agentType,
    isBuiltIn: agentType === 'general-purpose' || agentType === 'Explore' || agentType === 'Plan',
    description: 'delegated work',
    toolUseId,
    spawnDepth: 1,
    model,
  });
}
