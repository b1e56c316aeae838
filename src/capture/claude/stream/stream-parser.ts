/**
 * {@link ClaudeStreamParser}: reads `claude -p --output-format stream-json` (or `json`) output
 * incrementally, in chunks split anywhere.
 * @module
 */
import { Buffer, isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { isSkippedEventBytes } from './classify-line.js';
import { LineInterpreter } from './line-interpreter.js';
import type { ClaudeRunResult } from './types.js';

/**
 * Default longest line kept across chunks, in characters (V8 strings stop at about 2^29). A longer
 * line is skipped and reported.
 */
export const MAX_LINE_CHARS = 256 * 2 ** 20;

/** Options of {@link ClaudeStreamParser}. */
export interface ClaudeStreamParserOptions {
  /**
   * Longest line read, in characters (default {@link MAX_LINE_CHARS}); a longer one is skipped and
   * reported in `warnings`. Bounds the memory one line can take.
   */
  maxLineChars?: number;
}

const BOM = 0xfeff;
/** The UTF-8 bytes of a BOM. */
const BOM_BYTES = [0xef, 0xbb, 0xbf];
const NL = 0x0a;
const CR = 0x0d;
/** Longest piece decoded at once when only counting characters. */
const COUNT_SLICE = 16 * 2 ** 20;

/** `bytes` is a proper prefix of a BOM (the rest may come in the next chunk). */
function isBomPrefix(bytes: Uint8Array): boolean {
  if (bytes.length >= BOM_BYTES.length) return false;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== BOM_BYTES[i]) return false;
  return true;
}

const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Incremental parser of one `claude -p` output (`--output-format stream-json`, or `json` in one or
 * several lines). Feed it the process's stdout as it arrives; {@link end} returns what the run spent.
 *
 * Never throws on input: lines that are not JSON, or not Claude Code's, are skipped and reported in
 * `warnings`. It throws only when used wrongly (`write` after `end`, `end` twice).
 *
 * @example
 * ```ts
 * import { spawn } from 'node:child_process';
 * import { ClaudeStreamParser } from './index.js';
 *
 * const parser = new ClaudeStreamParser();
 * const child = spawn('claude', ['-p', 'hello', '--output-format', 'stream-json', '--verbose']);
 * child.stdout.on('data', (chunk: Buffer) => parser.write(chunk));
 * child.on('close', () => {
 *   const run = parser.end();
 *   console.log(run.source, run.totalCostUsd, run.models);
 * });
 * ```
 */
export class ClaudeStreamParser {
  /** What complete lines mean: events, multi-line JSON, problems. */
  private readonly lines = new LineInterpreter();
  /**
   * Pieces of the line that has no newline yet: decoded text (`tail`, from string chunks) followed by
   * the bytes that came after it (`byteTail`, copies, decoded together when the line is complete).
   */
  private tail: string[] = [];
  private tailChars = 0;
  private byteTail: Uint8Array[] = [];
  private byteTailBytes = 0;
  /**
   * Counts the characters of `byteTail` once its byte length passes the limit (a character takes
   * one to four bytes, so the byte length is only an upper bound of the length in characters).
   */
  private counter: TextDecoder | null = null;
  private countedPieces = 0;
  private countedChars = 0;
  /** Decodes one line's bytes (`ignoreBOM`: the BOM is handled at the start of the output only). */
  private readonly utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  /** The current line grew past {@link MAX_LINE_CHARS}: drop it up to the next newline. */
  private dropping = false;
  private atStart = true;
  private ended = false;
  private readonly maxLineChars: number;

  constructor(options: ClaudeStreamParserOptions = {}) {
    this.maxLineChars = options.maxLineChars ?? MAX_LINE_CHARS;
  }

  /**
   * Feeds the next chunk of output: text, or bytes (UTF-8; a chunk may end inside a multi-byte
   * character). Bytes are split into lines without decoding, and lines that cannot matter (such as
   * `user` events with large tool results) are never decoded. The chunk is not kept: its bytes may
   * be reused by the caller once `write` returns.
   * @throws Error when called after {@link end}.
   */
  write(chunk: string | Uint8Array): void {
    if (this.ended)
      throw new Error(
        'ClaudeStreamParser.write() was called after end(): use a new parser for another output',
      );
    if (typeof chunk === 'string') {
      this.flushBytes();
      this.feed(chunk);
    } else if (chunk instanceof Uint8Array) {
      this.feedBytes(asBuffer(chunk));
    } else {
      throw new TypeError(`ClaudeStreamParser.write() takes a string or a Uint8Array, not ${typeof chunk}`);
    }
  }

  /**
   * Ends the output and returns the run's usage. A last line without a newline is used when it is
   * complete JSON, and reported in `warnings` otherwise.
   * @throws Error when called a second time.
   */
  end(): ClaudeRunResult {
    if (this.ended)
      throw new Error('ClaudeStreamParser.end() was called twice: it returns the result only once');
    this.flushBytes();
    this.ended = true;
    if (this.dropping) this.overlong();
    else if (this.tail.length > 0) this.lines.lastLine(this.tail.join(''));
    this.tail = [];
    return this.lines.finish();
  }

  /**
   * Turns the bytes of an unfinished line into text (before a string chunk, or at the end); an
   * incomplete character at their end becomes U+FFFD, as a streaming decoder's end would make it.
   */
  private flushBytes(): void {
    if (this.byteTail.length === 0) return;
    const text = this.decode(this.takeByteTail());
    this.feed(text);
  }

  /** The bytes of the unfinished line, as one buffer, and forgets them. */
  private takeByteTail(): Buffer {
    const pieces = this.byteTail;
    const bytes = pieces.length === 1 ? asBuffer(pieces[0] as Uint8Array) : Buffer.concat(pieces);
    this.clearByteTail();
    return bytes;
  }

  private clearByteTail(): void {
    this.byteTail = [];
    this.byteTailBytes = 0;
    this.counter = null;
    this.countedPieces = 0;
    this.countedChars = 0;
  }

  /** Decodes UTF-8 as a whole (invalid bytes become U+FFFD); ASCII as Latin-1, which is faster. */
  private decode(bytes: Buffer, start = 0, end = bytes.length): string {
    if (start === end) return '';
    const range = start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end);
    return isAscii(range) ? range.toString('latin1') : this.utf8.decode(range);
  }

  private feedBytes(chunk: Buffer): void {
    if (this.atStart) {
      // The output's first character is a BOM when it starts with its three bytes, even split.
      const head = this.byteTail.length > 0 ? Buffer.concat([...this.byteTail, chunk]) : chunk;
      if (isBomPrefix(head)) {
        this.clearByteTail();
        if (head.length > 0) this.byteTail.push(Uint8Array.prototype.slice.call(head));
        this.byteTailBytes = head.length;
        return;
      }
      this.atStart = false;
      this.clearByteTail();
      chunk = BOM_BYTES.every((b, i) => head[i] === b) ? head.subarray(BOM_BYTES.length) : head;
    }
    let nl = chunk.indexOf(NL);
    if (nl < 0) {
      this.appendBytes(chunk);
      return;
    }
    if (this.dropping) {
      this.overlong();
    } else if (this.tail.length > 0 || this.byteTail.length > 0) {
      this.appendBytes(chunk.subarray(0, nl));
      if (this.dropping) this.overlong();
      else this.pendingLine();
    } else {
      this.bytesLine(chunk, 0, nl);
    }
    this.tail = [];
    this.tailChars = 0;
    this.clearByteTail();
    let pos = nl + 1;
    for (nl = chunk.indexOf(NL, pos); nl !== -1; nl = chunk.indexOf(NL, pos)) {
      this.bytesLine(chunk, pos, nl);
      pos = nl + 1;
    }
    if (pos < chunk.length) this.appendBytes(chunk.subarray(pos));
  }

  /** Keeps (a copy of) the start of a line that has no newline yet. */
  private appendBytes(piece: Buffer): void {
    if (this.dropping || piece.length === 0) return;
    this.byteTail.push(Uint8Array.prototype.slice.call(piece));
    this.byteTailBytes += piece.length;
    if (this.tailChars + this.byteTailBytes <= this.maxLineChars) return;
    // Maybe too long: count the characters decoded so far (a lower bound of the line's length).
    this.counter ??= new TextDecoder('utf-8', { ignoreBOM: true });
    for (; this.countedPieces < this.byteTail.length; this.countedPieces++)
      this.countedChars += countChars(this.counter, this.byteTail[this.countedPieces] as Uint8Array, true);
    if (this.tailChars + this.countedChars > this.maxLineChars) {
      this.dropping = true;
      this.tail = [];
      this.tailChars = 0;
      this.clearByteTail();
    }
  }

  /** The line made of `tail` and `byteTail`, now complete. */
  private pendingLine(): void {
    if (this.tail.length === 0) {
      const bytes = this.takeByteTail();
      this.bytesLine(bytes, 0, bytes.length);
      return;
    }
    const text = this.tail.join('') + this.decode(this.takeByteTail());
    if (text.length > this.maxLineChars) this.overlong();
    else this.lines.line(text);
  }

  /** A complete line in `buf[start..end)` (no newline). */
  private bytesLine(buf: Buffer, start: number, end: number): void {
    if (end - start > this.maxLineChars) {
      const chars = countChars(
        new TextDecoder('utf-8', { ignoreBOM: true }),
        buf.subarray(start, end),
        false,
      );
      if (chars > this.maxLineChars) {
        this.overlong();
        return;
      }
    }
    if (!this.lines.collecting) {
      const stop = end > start && buf[end - 1] === CR ? end - 1 : end;
      if (isSkippedEventBytes(buf, start, stop)) {
        this.lines.skippedEvent();
        return;
      }
    }
    this.lines.line(this.decode(buf, start, end));
  }

  private feed(text: string): void {
    if (text.length === 0) return;
    if (this.atStart) {
      this.atStart = false;
      if (text.charCodeAt(0) === BOM) text = text.slice(1);
    }
    let nl = text.indexOf('\n');
    if (nl < 0) {
      this.append(text);
      return;
    }
    if (this.dropping) {
      this.overlong();
    } else if (this.tail.length > 0) {
      this.append(text.slice(0, nl));
      if (this.dropping) this.overlong();
      else this.lines.line(this.tail.join(''));
    } else {
      this.completeLine(text, 0, nl);
    }
    this.tail = [];
    this.tailChars = 0;
    let pos = nl + 1;
    for (nl = text.indexOf('\n', pos); nl !== -1; nl = text.indexOf('\n', pos)) {
      this.completeLine(text, pos, nl);
      pos = nl + 1;
    }
    if (pos < text.length) this.append(text.slice(pos));
  }

  /** A line that lies whole in one piece of text. */
  private completeLine(text: string, start: number, end: number): void {
    if (end - start > this.maxLineChars) this.overlong();
    else this.lines.line(text.slice(start, end));
  }

  private append(piece: string): void {
    if (this.dropping) return;
    this.tailChars += piece.length;
    if (this.tailChars > this.maxLineChars) {
      this.dropping = true;
      this.tail = [];
      return;
    }
    this.tail.push(piece);
  }

  /** The current line is too long: it is reported, and the rest of it up to a newline dropped. */
  private overlong(): void {
    this.lines.overlong(this.maxLineChars);
    this.dropping = false;
  }
}

/**
 * Characters (UTF-16 code units) `bytes` decode to, without keeping the text; `stream`: more bytes
 * of the same text follow (an incomplete character at the end is held by `decoder`).
 */
function countChars(decoder: TextDecoder, bytes: Uint8Array, stream: boolean): number {
  let chars = 0;
  for (let at = 0; at < bytes.length; at += COUNT_SLICE) {
    const last = at + COUNT_SLICE >= bytes.length;
    chars += decoder.decode(bytes.subarray(at, at + COUNT_SLICE), { stream: stream || !last }).length;
  }
  if (bytes.length === 0 && !stream) chars += decoder.decode().length;
  return chars;
}
