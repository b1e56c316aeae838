/**
 * Imports one transcript file of any source: decides from the previous cursor what to read, reads
 * only the new bytes (or, for a `whole-file` format, the whole changed file), hands each decoded line
 * to the source's parser, and returns the file's usage records, cost checkpoints, agent facts,
 * problems and new cursor. Runs in worker threads, so it is pure input → output with no shared state.
 * @module
 */
import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import { Fingerprint, fingerprint } from '../../util/fingerprint.js';
import { withBeadsIds } from '../context/beads-ids.js';
import { scanJsonl, TAIL_WINDOW } from '../jsonl/line-scanner.js';
import { splitConcatenatedObjects } from '../jsonl/split-objects.js';
import type { FileClass, RecordParser, SourceFormat } from '../source-adapter.js';
import type { FileCursor, FileImport, IngestProblem } from '../types.js';

/** One file to import: what it is, and what the ledger remembers of it. Sent to worker threads as is. */
export interface FileJob extends FileClass {
  /** The source's adapter id (a worker looks its format up by it). */
  source: string;
  path: string;
  previous: FileCursor | null;
  /** The ledger holds spawns of this session whose agent id is unknown: look for links in the new bytes. */
  linkHint?: boolean;
  /** The configured task-id pattern (a regular expression's source), for subagent prompts. */
  taskPattern?: string;
  /** Also read the beads ids of a line's project (one with a `.beads/` folder) in subagent prompts. */
  beadsIds?: boolean;
  /** Read size for the scanner (tests use small values to exercise chunk boundaries). */
  chunkBytes?: number;
  maxLineBytes?: number;
  /** Read at most about this many bytes (a hook's budget); the rest waits for the next import. */
  maxBytes?: number;
}

const HEAD_BYTES = 4096;
/** Bytes read at each quarter of the consumed region, so an in-place rewrite between head and tail shows. */
const SAMPLE_BYTES = 256;
function readRange(fd: number, start: number, length: number): Buffer {
  if (length <= 0) return Buffer.alloc(0);
  const buf = Buffer.allocUnsafe(length);
  return buf.subarray(0, fs.readSync(fd, buf, 0, length, start));
}

function hashRange(fd: number, start: number, length: number): string {
  return length <= 0 ? '' : fingerprint(readRange(fd, start, length));
}

function identityOf(st: fs.Stats): string {
  return `${st.dev}:${st.ino}`;
}

/**
 * The fingerprint of the consumed region `[0, end)` besides its head: its last bytes (as the scan read
 * them) and, for a region longer than head and tail together, a sample at each quarter.
 */
function bodyHash(fd: number, end: number, lastBytes: Buffer): string {
  const hash = new Fingerprint().update(lastBytes);
  if (end > HEAD_BYTES + TAIL_WINDOW) {
    for (let k = 1; k <= 3; k++) hash.update(readRange(fd, Math.floor((end * k) / 4), SAMPLE_BYTES));
  }
  return hash.digest();
}

/** Where to start reading, given what the ledger remembers. */
function startOffset(fd: number, st: fs.Stats, prev: FileCursor | null, format: SourceFormat): number {
  if (prev === null || format.reread === 'whole-file') return 0;
  if (identityOf(st) !== prev.identity || st.size < prev.offset) return 0;
  // Same size but a new mtime: not an append, so a rewrite (or a touch). Reading again is safe.
  if (st.size === prev.size && st.mtimeMs !== prev.mtimeMs) return 0;
  if (hashRange(fd, 0, prev.headLength) !== prev.headHash) return 0;
  const tailStart = Math.max(0, prev.offset - TAIL_WINDOW);
  if (bodyHash(fd, prev.offset, readRange(fd, tailStart, prev.offset - tailStart)) !== prev.tailHash)
    return 0;
  return prev.offset;
}

/**
 * The task pattern per project dir with its beads ids, looked up once per dir of the file (and
 * only when a prompt is read), so the import makes no file system call per line.
 */
function beadsTaskPatterns(configured: string | undefined): (cwd: string) => RegExp | null {
  const cache = new Map<string, RegExp | null>();
  return (cwd) => {
    let pattern = cache.get(cwd);
    if (pattern === undefined) {
      const source = withBeadsIds(configured || undefined, cwd);
      pattern = source ? new RegExp(source) : null;
      cache.set(cwd, pattern);
    }
    return pattern;
  };
}

export function importFile(format: SourceFormat, job: FileJob): FileImport {
  const result: FileImport = {
    path: job.path,
    cursor: job.previous,
    fromStart: false,
    readAt: Date.now(),
    bytesRead: 0,
    bytesLeft: 0,
    records: [],
    costCheckpoints: [],
    agentFacts: [],
    problems: [],
  };
  let fd: number;
  try {
    fd = fs.openSync(job.path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code !== 'ENOENT') {
      result.problems.push({
        file: job.path,
        line: null,
        offset: null,
        severity: 'error',
        reason: `cannot open the file (${code}); it will be retried on the next import`,
      });
    }
    return result;
  }
  try {
    const st = fs.fstatSync(fd);
    const start = startOffset(fd, st, job.previous, format);
    result.fromStart = start === 0;
    // Fingerprint the head before reading: if the file is rewritten while it is read, the next import
    // sees the mismatch and reads it again (the merge makes that safe).
    const headLength = Math.min(HEAD_BYTES, st.size);
    const headHash = hashRange(fd, 0, headLength);
    const parser = format.createParser({
      file: job.path,
      kind: job.kind,
      sessionHint: job.sessionHint,
      agentHint: job.agentHint,
      fallbackTs: st.mtimeMs,
      taskPattern: job.taskPattern ? new RegExp(job.taskPattern) : null,
      ...(job.beadsIds === true ? { taskPatternFor: beadsTaskPatterns(job.taskPattern) } : {}),
    });
    if (format.container === 'json') return readDocument(fd, st, parser, result, headLength, headHash);
    const outcome = scanJsonl(
      fd,
      start,
      {
        markers: [...format.markers],
        prefixes: [...format.prefixes],
        chunkBytes: job.chunkBytes,
        maxLineBytes: job.maxLineBytes,
        // A file read whole each time cannot be read in parts: a budget would never get past its start.
        // A file read whole each time cannot be read in parts: a budget would never get past its start.
        maxBytes: format.reread === 'append' ? job.maxBytes : undefined,
      },
      (line) => parseLine(parser, line.bytes, line.offset),
    );
    const tailHash = bodyHash(fd, outcome.endOffset, outcome.lastBytes);
    const seen = outcome.endOffset + (outcome.tail?.bytes.length ?? 0);
    if (outcome.tail !== null) {
      // An unterminated last line: use it if it is complete JSON (some files end without a newline),
      // but keep the cursor before it, so a line still being written is read again when it is done.
      // (Handled before any second scan: the tail's bytes live in the shared read buffer.)
      // Two objects run together (`{...}{...}`) still count; a piece cut short is left for next time.
      const text = outcome.tail.bytes.toString('utf8');
      try {
        parser.handle(JSON.parse(text), outcome.tail.offset);
      } catch {
        for (const piece of splitConcatenatedObjects(text) ?? []) {
          if (piece.value !== undefined) parser.handle(piece.value, outcome.tail.offset);
        }
      }
    }
    for (const o of outcome.oversized) {
      parser.problem(
        o.offset,
        `line of ${(o.length / 1048576).toFixed(1)} MB is over the size limit and was skipped`,
      );
    }
    const pass = parser.followUp?.(job.linkHint === true ? start : null) ?? null;
    if (pass !== null) {
      scanJsonl(
        fd,
        pass.from,
        { markers: [...pass.markers], chunkBytes: job.chunkBytes, maxLineBytes: job.maxLineBytes },
        (line) => {
          if (line.offset >= outcome.endOffset) return;
          try {
            pass.handle(JSON.parse(line.bytes.toString('utf8')), line.offset);
          } catch {
            // An unparsable line: the first pass reported it if it mattered.
          }
        },
      );
    }
    result.cursor = {
      path: job.path,
      identity: identityOf(st),
      size: seen,
      mtimeMs: st.mtimeMs,
      offset: outcome.endOffset,
      headHash,
      headLength,
      tailHash,
    };
    result.bytesRead = outcome.bytesRead;
    if (outcome.stoppedEarly) result.bytesLeft = Math.max(0, st.size - outcome.endOffset);
    collect(parser, result);
    if (result.problems.length > 0) assignLineNumbers(fd, result.problems);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    result.problems.push({
      file: job.path,
      line: null,
      offset: null,
      severity: 'error',
      reason: `read failed (${code}); it will be retried on the next import`,
    });
    result.cursor = job.previous;
    result.records = [];
    result.activities = [];
  } finally {
    fs.closeSync(fd);
  }
  return result;
}

/** Moves what the parser found into the file's result. */
function collect(parser: RecordParser, result: FileImport): void {
  const found = parser.result();
  result.records = found.records;
  result.costCheckpoints = found.costCheckpoints;
  result.agentFacts = found.agentFacts;
  result.problems = found.problems;
  if (found.activities !== undefined) result.activities = found.activities;
}

/**
 * A one-document file (`container: 'json'`), read whole each time it changed: the parser gets the
 * value at offset 0. Its cursor covers the whole file.
 */
function readDocument(
  fd: number,
  st: fs.Stats,
  parser: RecordParser,
  result: FileImport,
  headLength: number,
  headHash: string,
): FileImport {
  const bytes = readRange(fd, 0, st.size);
  result.fromStart = true;
  result.bytesRead = bytes.length;
  try {
    parser.handle(JSON.parse(bytes.toString('utf8')), 0);
  } catch {
    parser.problem(null, `not valid JSON (${bytes.length} bytes); it will be read again when it changes`);
  }
  const tailStart = Math.max(0, bytes.length - TAIL_WINDOW);
  result.cursor = {
    path: result.path,
    identity: identityOf(st),
    size: bytes.length,
    mtimeMs: st.mtimeMs,
    offset: bytes.length,
    headHash,
    headLength,
    tailHash: bodyHash(fd, bytes.length, bytes.subarray(tailStart)),
  };
  collect(parser, result);
  return result;
}

function parseLine(parser: RecordParser, bytes: Buffer, offset: number): void {
  if (!isUtf8(bytes))
    parser.problem(
      offset,
      'invalid UTF-8; the bad bytes were replaced and the line was still used',
      'warning',
    );
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const pieces = splitConcatenatedObjects(text);
    if (pieces === null) {
      parser.problem(offset, `truncated or invalid JSON (${bytes.length} bytes); line skipped`);
      return;
    }
    const good = pieces.filter((p) => p.value !== undefined);
    const bad = pieces.length - good.length;
    parser.problem(
      offset,
      bad === 0
        ? `${pieces.length} JSON objects on one line; all were used`
        : `${pieces.length} JSON values on one line, ${bad} of them truncated or invalid; used the ${good.length} valid one(s)`,
      bad === 0 ? 'warning' : 'error',
    );
    for (const p of good) parser.handle(p.value, offset);
    return;
  }
  parser.handle(value, offset);
}

/** Turns problem byte offsets into 1-based line numbers by counting newlines from the file start. */
function assignLineNumbers(fd: number, problems: IngestProblem[]): void {
  const wanted = problems.filter((p) => p.offset !== null).sort((a, b) => (a.offset ?? 0) - (b.offset ?? 0));
  if (wanted.length === 0) return;
  const buf = Buffer.allocUnsafe(1 << 20);
  let pos = 0;
  let lines = 1;
  let i = 0;
  while (i < wanted.length) {
    const target = wanted[i]?.offset ?? 0;
    if (target <= pos) {
      const p = wanted[i];
      if (p) p.line = lines;
      i++;
      continue;
    }
    const n = fs.readSync(fd, buf, 0, Math.min(buf.length, target - pos), pos);
    if (n === 0) break;
    const view = buf.subarray(0, n);
    for (let at = view.indexOf(0x0a); at >= 0; at = view.indexOf(0x0a, at + 1)) lines++;
    pos += n;
  }
}
