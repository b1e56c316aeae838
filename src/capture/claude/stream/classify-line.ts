/**
 * The fast path: decides from a line's text alone what to do with it, so that most lines are never
 * JSON-parsed. Most bytes of a stream-json output are in `user` and `assistant` events with large
 * content: `user` events carry nothing we need, and `assistant` events are needed only when no
 * result event follows them, so they are parsed late, if at all.
 *
 * Two facts make this safe:
 * - Claude Code prints every event with `type` first (`{"type":"user",…`, system events with
 *   `subtype` second); when that prefix is there, the event type is known without parsing.
 * - A quoted marker such as `"result"` can only occur in raw JSON as a whole string token: inside a
 *   string its quotes would be escaped (`\"result\"`). So a line without any of the markers cannot
 *   be a result, system, assistant, rate-limit or message_start/message_delta event, whatever its
 *   key order or spacing.
 * Lines that fit neither rule are parsed at once (the slow but always correct path).
 *
 * {@link isSkippedEventBytes} makes the commonest decision, `skip-event`, on a line's UTF-8 bytes, so
 * that those lines (the `user` events with large tool results, most of the bytes) are not even decoded.
 * @module
 */
import { Buffer } from 'node:buffer';

/** What to do with a line. */
export type LineAction =
  /** A Claude Code event (known from its prefix) that carries nothing we need: count it only. */
  | 'skip-event'
  /** A JSON-looking line that cannot carry anything we need (not verified to be an event). */
  | 'skip-other'
  /** An `assistant` event, or a stream event with usage: keep it until we know whether it is needed. */
  | 'message'
  /** A `system/init` event: only the last one is read. */
  | 'init'
  /** Parse it now. */
  | 'parse';

const TYPE_PREFIX = '{"type":"';
const SYSTEM_PREFIX = '{"type":"system","subtype":"';
/** System events without usage, rate-limit or session facts. Unknown subtypes are parsed. */
const SYSTEM_SKIPPED = new Set([
  'hook_started',
  'hook_progress',
  'hook_response',
  'task_started',
  'task_progress',
  'task_updated',
  'task_notification',
  'background_tasks_changed',
  'thinking_tokens',
  'status',
  'compact_boundary',
  'files_persisted',
]);
/** Stream events that matter: the ones with usage. */
const STREAM_MARKERS = ['"message_start"', '"message_delta"'];
/** At least one of these is in every line that can matter (see the module comment). */
const MARKERS = ['"result"', '"system"', '"assistant"', '"rate_limit_event"', ...STREAM_MARKERS];
/** Every Claude Code event has it; a marker-free object line with it is an event we do not need. */
const SESSION_KEY = '"session_id"';
/** Event types named in messages about lines that could not be parsed. */
const GUESSABLE = ['result', 'assistant', 'system', 'user', 'stream_event', 'rate_limit_event'];

const hasAny = (line: string, markers: readonly string[]): boolean => markers.some((m) => line.includes(m));

/** The string value that starts at `from` and ends at the next quote, or null. */
function valueAt(line: string, from: number): string | null {
  const end = line.indexOf('"', from);
  return end < 0 ? null : line.slice(from, end);
}

/** Decides what to do with `line` (no newline, no trailing CR). */
export function classifyLine(line: string): LineAction {
  if (line.startsWith(TYPE_PREFIX)) {
    switch (valueAt(line, TYPE_PREFIX.length)) {
      case 'user':
        return 'skip-event';
      case 'assistant':
        return 'message';
      case 'stream_event':
        return hasAny(line, STREAM_MARKERS) ? 'message' : 'skip-event';
      case 'system': {
        if (!line.startsWith(SYSTEM_PREFIX)) return 'parse';
        const subtype = valueAt(line, SYSTEM_PREFIX.length);
        if (subtype === 'init') return 'init';
        return subtype !== null && SYSTEM_SKIPPED.has(subtype) ? 'skip-event' : 'parse';
      }
      default:
        // result, rate_limit_event, and rare other types (parsed, so foreign JSON is told apart).
        return 'parse';
    }
  }
  // Not Claude Code's usual layout (another key order, spaces, not JSON, …).
  if (line.charCodeAt(0) === 0x7b /* { */ && line.charCodeAt(line.length - 1) === 0x7d /* } */) {
    if (!hasAny(line, MARKERS) && line.includes(SESSION_KEY)) return 'skip-other';
  }
  return 'parse';
}

const QUOTE = 0x22;
/** The byte prefixes end with the quote that closes the type, as {@link valueAt} reads it. */
const USER_BYTES = Buffer.from('{"type":"user"', 'latin1');
const STREAM_BYTES = Buffer.from('{"type":"stream_event"', 'latin1');
const SYSTEM_BYTES = Buffer.from(SYSTEM_PREFIX, 'latin1');
const STREAM_MARKER_BYTES = STREAM_MARKERS.map((m) => Buffer.from(m, 'latin1'));

/** `buf[start..end)` begins with `prefix`. */
function startsWithBytes(buf: Uint8Array, start: number, end: number, prefix: Uint8Array): boolean {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[start + i] !== prefix[i]) return false;
  return true;
}

/**
 * Whether {@link classifyLine} says `skip-event` for the text that the UTF-8 line `buf[start..end)`
 * (no newline, no trailing CR) decodes to, decided without decoding it. The markers are ASCII, and
 * UTF-8 decoding maps each ASCII byte to itself and every other byte into a non-ASCII character
 * (U+FFFD for invalid bytes), so an ASCII marker is in the bytes exactly when it is in the text.
 */
export function isSkippedEventBytes(buf: Buffer, start: number, end: number): boolean {
  if (startsWithBytes(buf, start, end, USER_BYTES)) return true;
  if (startsWithBytes(buf, start, end, STREAM_BYTES)) {
    const line = buf.subarray(start, end);
    return !STREAM_MARKER_BYTES.some((m) => line.indexOf(m) >= 0);
  }
  if (startsWithBytes(buf, start, end, SYSTEM_BYTES)) {
    const from = start + SYSTEM_BYTES.length;
    const close = buf.indexOf(QUOTE, from);
    return close >= 0 && close < end && SYSTEM_SKIPPED.has(buf.toString('latin1', from, close));
  }
  return false;
}

/** The event type a line seems to hold (for messages about a line that could not be parsed), or null. */
export function guessEventType(line: string): string | null {
  if (line.startsWith(TYPE_PREFIX)) {
    const type = valueAt(line, TYPE_PREFIX.length);
    if (type !== null) return type;
  }
  return GUESSABLE.find((type) => line.includes(`"type":"${type}"`)) ?? null;
}
