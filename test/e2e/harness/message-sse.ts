/** A Messages API response message, and the server-sent events that stream it. */
import type { ApiUsage } from './api-usage.js';

/** A complete (non-streamed) Messages API response. */
export interface ResponseMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: Record<string, unknown>[];
  stop_reason: string;
  stop_sequence: null;
  usage: ApiUsage;
}

/** One server-sent event. */
export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** How usage is spread over the stream. */
export interface StreamUsageOptions {
  /** `output_tokens` of the `message_start` snapshot (capped at the final count). */
  startOutputTokens: number;
  /** `message_delta.usage`: all four token fields, or `output_tokens` only. */
  deltaUsage: 'full' | 'output_only';
}

function pieces(s: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

function ev(event: string, data: Record<string, unknown>): SseEvent {
  return { event, data: { type: event, ...data } };
}

function blockEvents(b: Record<string, unknown>, index: number): SseEvent[] {
  const delta = (d: Record<string, unknown>) => ev('content_block_delta', { index, delta: d });
  const out: SseEvent[] = [];
  if (b.type === 'tool_use') {
    out.push(ev('content_block_start', { index, content_block: { ...b, input: {} } }));
    for (const partial_json of pieces(JSON.stringify(b.input), 48)) {
      out.push(delta({ type: 'input_json_delta', partial_json }));
    }
  } else if (b.type === 'thinking') {
    out.push(
      ev('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } }),
    );
    out.push(delta({ type: 'thinking_delta', thinking: b.thinking }));
    out.push(delta({ type: 'signature_delta', signature: b.signature }));
  } else {
    out.push(ev('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    for (const text of pieces(String(b.text ?? ''), 32)) out.push(delta({ type: 'text_delta', text }));
  }
  out.push(ev('content_block_stop', { index }));
  return out;
}

/** The `message_start` event: the message without content, usage with the start snapshot of output. */
export function messageStartEvent(msg: ResponseMessage, startOutputTokens: number): SseEvent {
  const usage = { ...msg.usage, output_tokens: Math.min(startOutputTokens, msg.usage.output_tokens) };
  return ev('message_start', { message: { ...msg, content: [], stop_reason: null, usage } });
}

/** Every event of a complete stream: message_start, ping, the content blocks, message_delta, message_stop. */
export function messageSseEvents(msg: ResponseMessage, opts: StreamUsageOptions): SseEvent[] {
  const u = msg.usage;
  const finalUsage =
    opts.deltaUsage === 'output_only'
      ? { output_tokens: u.output_tokens }
      : {
          input_tokens: u.input_tokens,
          cache_creation_input_tokens: u.cache_creation_input_tokens,
          cache_read_input_tokens: u.cache_read_input_tokens,
          output_tokens: u.output_tokens,
        };
  return [
    messageStartEvent(msg, opts.startOutputTokens),
    ev('ping', {}),
    ...msg.content.flatMap(blockEvents),
    ev('message_delta', { delta: { stop_reason: msg.stop_reason, stop_sequence: null }, usage: finalUsage }),
    ev('message_stop', {}),
  ];
}

/** The wire form of one event. */
export function encodeSse(e: SseEvent): string {
  return `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}
