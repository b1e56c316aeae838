/**
 * The shapes a fake-Anthropic scenario is written in: scripted turns matched by request content,
 * their content blocks and the token usage each response reports.
 */

/** Token numbers one scripted response reports. Cache writes are split by TTL, like the real API. */
export interface TurnUsage {
  input: number;
  output: number;
  /** Cache writes with the 5-minute TTL (`cache_creation.ephemeral_5m_input_tokens`). */
  cacheWrite5m?: number;
  /** Cache writes with the 1-hour TTL (`cache_creation.ephemeral_1h_input_tokens`). */
  cacheWrite1h?: number;
  cacheRead?: number;
}

/** A content block a scripted response contains. */
export type ContentSpec =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; name: string; input: Record<string, unknown>; id?: string }
  | { type: 'thinking'; thinking: string; signature?: string };

/** What the fake server knows about one `POST /v1/messages` request, for matching and recording. */
export interface RequestView {
  model: string;
  stream: boolean;
  /** The system prompt's text. */
  system: string;
  /** Text of the first user message (text blocks and tool_result contents). */
  firstUserText: string;
  /** Text of the last user message (text blocks and tool_result contents). */
  lastUserText: string;
  /** `tool_use_id`s of the tool_result blocks in the last user message. */
  toolResultIds: string[];
  /** Names of the tools offered. */
  toolNames: string[];
  messageCount: number;
}

/** Conditions a request must meet for a turn to answer it; all given conditions must hold. */
export interface TurnMatch {
  modelIncludes?: string;
  modelExcludes?: string;
  lastUserIncludes?: string;
  lastUserExcludes?: string;
  firstUserIncludes?: string;
  systemIncludes?: string;
  /** Whether the last user message carries a tool_result. */
  hasToolResult?: boolean;
  /** The last user message carries the tool_result of this tool_use id. */
  toolResultFor?: string;
  /** Whether any tools are offered (the agent loop's calls offer tools; side calls may not). */
  hasTools?: boolean;
  toolsInclude?: string;
  stream?: boolean;
  /** Any further condition. */
  when?: (request: RequestView) => boolean;
}

/** A scripted API error answered instead of a message. */
export interface ScriptedError {
  status: number;
  type: string;
  message: string;
}

/** One scripted response. The first not-yet-used turn whose `match` holds answers a request. */
export interface ScriptedTurn {
  id: string;
  match: TurnMatch;
  /** The response's `model`; defaults to the requested model. */
  model?: string;
  content: ContentSpec[];
  /** Defaults to `tool_use` when a tool_use block is present, else `end_turn`. */
  stopReason?: string;
  usage: TurnUsage;
  /** Answer every matching request, never becoming used. */
  repeat?: boolean;
  /** Cut the first N streamed answers right after `message_start` (the turn stays available). */
  breakStreamTimes?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  error?: ScriptedError;
}

/** The fallback for requests no turn matches. */
export type FallbackTurn = Omit<ScriptedTurn, 'match' | 'repeat' | 'breakStreamTimes'>;

/** Everything the fake server needs to answer one test's requests. */
export interface Scenario {
  name: string;
  turns: ScriptedTurn[];
  fallback?: FallbackTurn;
  /** `message_delta.usage`: all four fields (`full`, the default) or `output_tokens` only. */
  deltaUsage?: 'full' | 'output_only';
  /** `output_tokens` in the `message_start` snapshot (capped at the final count); default 1. */
  startOutputTokens?: number;
  /** Fixed answer of `count_tokens`; default: request bytes / 4. */
  countTokens?: number;
}
