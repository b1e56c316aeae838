/**
 * Reads a JSONL file from a byte offset in chunks and hands over only the lines that contain one of
 * a few byte markers (for Claude transcripts: `"usage"` and friends). Other lines, however large,
 * are never decoded, which is what makes a cold import of gigabytes fast.
 *
 * A marker such as `"usage"` can only occur in raw JSON as a structural key: inside a JSON string
 * its quotes would be escaped (`\"usage\"`). So skipping marker-free lines loses nothing.
 * @module
 */
import fs from 'node:fs';

export interface ScanOptions {
  /** A line is handed over when it contains any of these byte sequences. */
  markers: readonly Buffer[];
  /** ...or when it starts with one of these (cheaper than a marker: only line starts are compared). */
  prefixes?: readonly Buffer[];
  /** Read size; lines longer than this grow the buffer up to `maxLineBytes`. */
  chunkBytes?: number;
  /** Longer candidate lines are skipped and reported. */
  maxLineBytes?: number;
  /**
   * Stop after reading about this many bytes, at a line boundary (a hook's budget: the rest is read
   * by the next import). `stoppedEarly` then says so, and there is no `tail`.
   */
  maxBytes?: number;
}

export interface ScannedLine {
  /** The line's bytes (without the newline); valid only during the callback. */
  bytes: Buffer;
  /** Byte offset of the line in the file. */
  offset: number;
}

export interface ScanOutcome {
  /** Just past the last newline consumed. The next import starts here. */
  endOffset: number;
  /** File bytes read. */
  bytesRead: number;
  /**
   * Bytes after the last newline (an unterminated last line), if any. The caller decides whether it
   * is complete JSON (a file that ends without a newline) or a partial line still being written.
   */
  tail: ScannedLine | null;
  /** Lines longer than `maxLineBytes` that carried a marker: offset and length. */
  oversized: { offset: number; length: number }[];
  /**
   * The last (up to {@link TAIL_WINDOW}) bytes before `endOffset`, as this scan read them: the cursor
   * fingerprints what was actually consumed, so a file rewritten during the scan is noticed next time.
   */
  lastBytes: Buffer;
  /** The scan stopped at `maxBytes` before the end of the file. */
  stoppedEarly: boolean;
}

const NEWLINE = 0x0a;
/** One read buffer reused across files (scans are synchronous, one at a time per thread). */
let shared: Buffer | null = null;

/** A buffer of exactly `size` bytes, backed by the shared one when it is large enough. */
function scratch(size: number): Buffer {
  if (shared === null || shared.length < size) shared = Buffer.allocUnsafe(size);
  return shared.subarray(0, size);
}

/** How many bytes before the end offset the outcome keeps, for the cursor's tail fingerprint. */
export const TAIL_WINDOW = 4096;
const DEFAULT_CHUNK = 4 << 20;
const DEFAULT_MAX_LINE = 64 << 20;

/**
 * Scans `fd` from `start` to the end of the file (even if it grows meanwhile) and calls `onLine` for
 * every complete line that contains a marker, in file order.
 */
export function scanJsonl(
  fd: number,
  start: number,
  options: ScanOptions,
  onLine: (line: ScannedLine) => void,
): ScanOutcome {
  const markers = options.markers;
  const prefixes = options.prefixes ?? [];
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE;
  let buf = scratch(options.chunkBytes ?? DEFAULT_CHUNK);
  const longest = markers.reduce((n, m) => Math.max(n, m.length), 0);
  /** File offset of buf[0]. */
  let base = start;
  let filled = 0;
  let bytesRead = 0;
  const oversized: ScanOutcome['oversized'] = [];
  const cache = new Int32Array(markers.length);
  let window = Buffer.alloc(Math.min(TAIL_WINDOW, start));
  if (window.length > 0)
    window = window.subarray(0, fs.readSync(fd, window, 0, window.length, start - window.length));
  const outcome = (tail: ScannedLine | null, stoppedEarly: boolean): ScanOutcome => ({
    endOffset: base,
    bytesRead,
    tail,
    oversized,
    lastBytes: Buffer.from(window),
    stoppedEarly,
  });
  const slide = (bytes: Buffer) => {
    window = Buffer.concat([window, bytes.subarray(Math.max(0, bytes.length - TAIL_WINDOW))]);
    if (window.length > TAIL_WINDOW) window = window.subarray(window.length - TAIL_WINDOW);
  };

  for (;;) {
    if (filled === buf.length) {
      // No newline in a full buffer: one line longer than the buffer.
      if (buf.length < maxLine) {
        const bigger = Buffer.allocUnsafe(Math.min(maxLine, buf.length * 2));
        if (bigger.length <= DEFAULT_CHUNK * 4) shared = bigger;
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      } else {
        const skipped = skipLongLine(fd, base, buf, filled, markers, longest);
        bytesRead += skipped.bytesRead;
        if (skipped.hadMarker) oversized.push({ offset: base, length: skipped.lineLength });
        if (skipped.lineLength < 0) {
          // The file ended inside the oversized line: wait for the rest.
          return outcome(null, false);
        }
        base += skipped.lineLength + 1;
        // The skipped line is not in the buffer: read the window before the new base directly.
        const w = Buffer.alloc(Math.min(TAIL_WINDOW, base));
        window = w.subarray(0, fs.readSync(fd, w, 0, w.length, base - w.length));
        filled = 0;
        continue;
      }
    }
    const n = fs.readSync(fd, buf, filled, buf.length - filled, base + filled);
    if (n === 0) break;
    bytesRead += n;
    filled += n;
    const view = buf.subarray(0, filled);
    const lastNewline = view.lastIndexOf(NEWLINE);
    if (lastNewline < 0) continue;
    const end = lastNewline + 1;
    emitCandidates(view, end, base, markers, prefixes, cache, onLine);
    slide(view.subarray(0, end));
    const rest = filled - end;
    if (rest > 0) buf.copy(buf, 0, end, filled);
    base += end;
    filled = rest;
    if (options.maxBytes !== undefined && bytesRead >= options.maxBytes) return outcome(null, true);
  }
  return outcome(filled > 0 ? { bytes: buf.subarray(0, filled), offset: base } : null, false);
}

function emitCandidates(
  view: Buffer,
  end: number,
  base: number,
  markers: readonly Buffer[],
  prefixes: readonly Buffer[],
  next: Int32Array,
  onLine: (line: ScannedLine) => void,
): void {
  for (let i = 0; i < markers.length; i++) next[i] = view.indexOf(markers[i] as Buffer, 0);
  let lineStart = 0;
  while (lineStart < end) {
    const lineEnd = view.indexOf(NEWLINE, lineStart);
    let hit = false;
    for (let i = 0; i < markers.length; i++) {
      const p = next[i] ?? -1;
      if (p >= 0 && p < lineEnd) {
        hit = true;
        next[i] = view.indexOf(markers[i] as Buffer, lineEnd + 1);
      }
    }
    if (!hit) {
      for (const prefix of prefixes) {
        if (
          lineEnd - lineStart >= prefix.length &&
          view.compare(prefix, 0, prefix.length, lineStart, lineStart + prefix.length) === 0
        ) {
          hit = true;
          break;
        }
      }
    }
    if (hit) {
      let stop = lineEnd;
      if (stop > lineStart && view[stop - 1] === 0x0d) stop -= 1;
      onLine({ bytes: view.subarray(lineStart, stop), offset: base + lineStart });
    }
    lineStart = lineEnd + 1;
  }
}

/**
 * Reads past a line longer than the buffer without keeping it. Returns its length (or -1 if the file
 * ends first) and whether it contained a marker.
 */
function skipLongLine(
  fd: number,
  lineOffset: number,
  buf: Buffer,
  filled: number,
  markers: readonly Buffer[],
  longest: number,
): { lineLength: number; hadMarker: boolean; bytesRead: number } {
  let hadMarker = markers.some((m) => buf.subarray(0, filled).includes(m));
  // Keep a few bytes so a marker split across reads is still seen.
  const keep = Math.max(0, longest - 1);
  buf.copy(buf, 0, filled - keep, filled);
  let have = keep;
  let consumed = filled - keep;
  let bytesRead = 0;
  for (;;) {
    const n = fs.readSync(fd, buf, have, buf.length - have, lineOffset + consumed + have);
    if (n === 0) return { lineLength: -1, hadMarker, bytesRead };
    bytesRead += n;
    const view = buf.subarray(0, have + n);
    const nl = view.indexOf(NEWLINE, have);
    const scanEnd = nl < 0 ? view.length : nl;
    if (!hadMarker) hadMarker = markers.some((m) => view.subarray(0, scanEnd).includes(m));
    if (nl >= 0) return { lineLength: consumed + nl, hadMarker, bytesRead };
    view.copy(buf, 0, view.length - keep, view.length);
    consumed += view.length - keep;
    have = keep;
  }
}
