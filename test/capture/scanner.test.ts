/**
 * The JSONL scanner and the line splitter: chunk boundaries (tiny read buffers), CRLF, long lines,
 * unterminated last lines, a file that grows while it is scanned, and two objects on one line.
 *
 * The scanner keeps one read buffer per module instance, so tests that need a small buffer import a
 * fresh instance (`vi.resetModules()`).
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScannedLine } from '../../src/capture/jsonl/line-scanner.js';
import { splitConcatenatedObjects } from '../../src/capture/jsonl/split-objects.js';
import { cleanupTemp, FIXTURES, tempDir } from '../helpers/ledger.js';
import { assistantLine, jsonl, type Resp, SESSION, userLine } from './lines.js';

afterEach(cleanupTemp);

const MARKERS = [Buffer.from('"usage"')];
const PREFIXES = [Buffer.from('{"type":"cost-state"')];

/** Runs `f` on the first call only. */
function once(f: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    f();
  };
}

async function freshScanner() {
  vi.resetModules();
  return import('../../src/capture/jsonl/line-scanner.js');
}

async function freshImporter() {
  vi.resetModules();
  return import('../../src/capture/claude/adapter.js');
}

function writeTemp(content: string | Buffer): string {
  const file = path.join(tempDir(), 'scan.jsonl');
  fs.writeFileSync(file, content);
  return file;
}

interface Emitted {
  offset: number;
  text: string;
}

/** What the scanner must hand over: complete lines with a marker or prefix, without `\r`. */
function expectedLines(content: string): { lines: Emitted[]; endOffset: number; tail: string | null } {
  const lines: Emitted[] = [];
  let offset = 0;
  const parts = content.split('\n');
  const tail = parts.pop() ?? '';
  for (const p of parts) {
    const text = p.endsWith('\r') ? p.slice(0, -1) : p;
    if (text.includes('"usage"') || text.startsWith('{"type":"cost-state"')) lines.push({ offset, text });
    offset += Buffer.byteLength(p) + 1;
  }
  return { lines, endOffset: offset, tail: tail.length > 0 ? tail : null };
}

type ScanFn = Awaited<ReturnType<typeof freshScanner>>['scanJsonl'];

function scanFile(scan: ScanFn, file: string, options: { chunkBytes?: number; maxLineBytes?: number } = {}) {
  const fd = fs.openSync(file, 'r');
  const lines: Emitted[] = [];
  const outcome = scan(fd, 0, { markers: MARKERS, prefixes: PREFIXES, ...options }, (l: ScannedLine) =>
    lines.push({ offset: l.offset, text: l.bytes.toString('utf8') }),
  );
  fs.closeSync(fd);
  return { lines, outcome };
}

const lineArb = fc.record({
  kind: fc.constantFrom('marker', 'plain', 'cost', 'empty'),
  len: fc.integer({ min: 0, max: 40 }),
  crlf: fc.boolean(),
});

function render(l: { kind: string; len: number; crlf: boolean }): string {
  const body =
    l.kind === 'marker'
      ? `{"usage":"${'a'.repeat(l.len)}é"}`
      : l.kind === 'plain'
        ? `{"p":"${'b'.repeat(l.len)}"}`
        : l.kind === 'cost'
          ? `{"type":"cost-state","n":${l.len}}`
          : '';
  return `${body}${l.crlf ? '\r' : ''}\n`;
}

describe('scanJsonl', () => {
  it('hands over the same lines for any read size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineArb, { maxLength: 25 }),
        fc.string({ maxLength: 30 }),
        fc.integer({ min: 1, max: 70 }),
        async (ls, tailText, chunk) => {
          const content = ls.map(render).join('') + tailText.replace(/\n/g, '');
          const { scanJsonl } = await freshScanner();
          const { lines, outcome } = scanFile(scanJsonl, writeTemp(content), { chunkBytes: chunk });
          const want = expectedLines(content);
          expect(lines).toEqual(want.lines);
          expect(outcome.endOffset).toBe(want.endOffset);
          expect(outcome.tail === null ? null : outcome.tail.bytes.toString('utf8')).toBe(want.tail);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a marker line longer than maxLineBytes is reported as oversized; its neighbours still come through', async () => {
    const long = `{"usage":"${'z'.repeat(1000)}"}`;
    const content = jsonl('{"usage":1}', long, '{"plain":"x"}', '{"usage":2}');
    const { scanJsonl } = await freshScanner();
    const { lines, outcome } = scanFile(scanJsonl, writeTemp(content), { chunkBytes: 64, maxLineBytes: 256 });
    expect(lines.map((l) => l.text)).toEqual(['{"usage":1}', '{"usage":2}']);
    expect(outcome.oversized).toEqual([{ offset: 12, length: long.length }]);
    expect(outcome.endOffset).toBe(Buffer.byteLength(content));
  });

  it('an oversized line without a marker is skipped silently', async () => {
    const content = jsonl('{"usage":1}', `{"p":"${'z'.repeat(1000)}"}`, '{"usage":2}');
    const { scanJsonl } = await freshScanner();
    const { lines, outcome } = scanFile(scanJsonl, writeTemp(content), { chunkBytes: 64, maxLineBytes: 256 });
    expect(lines.map((l) => l.text)).toEqual(['{"usage":1}', '{"usage":2}']);
    expect(outcome.oversized).toEqual([]);
  });

  it('an oversized line still being written at the end of the file waits', async () => {
    const content = `{"usage":1}\n{"usage":"${'z'.repeat(1000)}`;
    const { scanJsonl } = await freshScanner();
    const { outcome } = scanFile(scanJsonl, writeTemp(content), { chunkBytes: 64, maxLineBytes: 256 });
    expect(outcome.endOffset).toBe(12);
    expect(outcome.tail).toBeNull();
  });

  it('chunkBytes and maxLineBytes are honoured after an earlier scan in the same thread', async () => {
    const { scanJsonl } = await freshScanner();
    scanFile(scanJsonl, writeTemp(jsonl('{"usage":0}')));
    const long = `{"usage":"${'z'.repeat(1000)}"}`;
    const { outcome } = scanFile(scanJsonl, writeTemp(jsonl('{"usage":1}', long)), {
      chunkBytes: 64,
      maxLineBytes: 256,
    });
    expect(outcome.oversized).toEqual([{ offset: 12, length: long.length }]);
  });

  it('a file that grows during the scan: appended lines come through once, nothing is lost', async () => {
    const first = jsonl(...Array.from({ length: 20 }, (_, i) => `{"usage":${i}}`));
    const more = jsonl('{"plain":1}', ...Array.from({ length: 20 }, (_, i) => `{"usage":${100 + i}}`));
    const file = writeTemp(first);
    const { scanJsonl } = await freshScanner();
    const fd = fs.openSync(file, 'r');
    const seen: Emitted[] = [];
    const appendOnce = once(() => fs.appendFileSync(file, more));
    const outcome = scanJsonl(fd, 0, { markers: MARKERS, chunkBytes: 32 }, (l) => {
      seen.push({ offset: l.offset, text: l.bytes.toString('utf8') });
      appendOnce();
    });
    fs.closeSync(fd);
    const want = expectedLines(first + more);
    expect(seen).toEqual(want.lines);
    expect(outcome.endOffset).toBe(Buffer.byteLength(first + more));
  });

  it('starts at a given offset', async () => {
    const content = jsonl('{"usage":1}', '{"usage":2}', '{"usage":3}');
    const file = writeTemp(content);
    const { scanJsonl } = await freshScanner();
    const fd = fs.openSync(file, 'r');
    const seen: number[] = [];
    const outcome = scanJsonl(fd, 12, { markers: MARKERS, chunkBytes: 8 }, (l) => seen.push(l.offset));
    fs.closeSync(fd);
    expect(seen).toEqual([12, 24]);
    expect(outcome.bytesRead).toBe(Buffer.byteLength(content) - 12);
  });
});

describe('importClaudeFile with tiny read buffers', () => {
  const files = fs
    .readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.jsonl'))
    .sort();

  it.each(files)('%s: same records and problems as with the default buffer', async (rel) => {
    const job = {
      path: path.join(FIXTURES, rel),
      kind: rel.includes('/agent-') ? ('subagent' as const) : ('main' as const),
      sessionHint: null,
      agentHint: null,
      previous: null,
    };
    const small = (await freshImporter()).importClaudeFile({ ...job, chunkBytes: 7 });
    const normal = (await freshImporter()).importClaudeFile(job);
    expect(small.records.length).toBeGreaterThan(0);
    expect(small.records).toEqual(normal.records);
    expect(small.problems).toEqual(normal.problems);
    expect(small.cursor).toEqual(normal.cursor);
  });

  it('a marker line longer than maxLineBytes is skipped and reported with its line number', async () => {
    const file = path.join(tempDir(), `${SESSION}.jsonl`);
    const V1: Resp = { id: 'msg_scanV1', input: 1, output: 1 };
    const V2: Resp = { id: 'msg_scanV2', input: 2, output: 2 };
    const long: Resp = { id: 'msg_scanLong', input: 1, output: 1, text: 'z'.repeat(10_000) };
    fs.writeFileSync(file, jsonl(assistantLine(V1), userLine('q'), assistantLine(long), assistantLine(V2)));
    const { importClaudeFile } = await freshImporter();
    const result = importClaudeFile({
      path: file,
      kind: 'main',
      sessionHint: SESSION,
      agentHint: null,
      previous: null,
      chunkBytes: 1024,
      maxLineBytes: 4096,
    });
    expect(result.records.map((r) => r.dedupKey).sort()).toEqual([
      'msg_scanV1:req_scanV1',
      'msg_scanV2:req_scanV2',
    ]);
    expect(result.problems.map((p) => ({ line: p.line, severity: p.severity }))).toEqual([
      { line: 3, severity: 'error' },
    ]);
    expect(result.problems[0]?.reason).toContain('over the size limit');
  });
});

describe('splitConcatenatedObjects', () => {
  it.each([
    { text: '{"a":1}{"b":2}', values: [{ a: 1 }, { b: 2 }] },
    { text: '{"a":1} {"b":2}', values: [{ a: 1 }, { b: 2 }] },
    { text: '{"a":"}{"}{"b":"\\"}{"}', values: [{ a: '}{' }, { b: '"}{' }] },
    { text: '{"a":{"n":[1,{"m":2}]}}{"b":[]}', values: [{ a: { n: [1, { m: 2 }] } }, { b: [] }] },
    { text: '{"a":1}{"b":', values: [{ a: 1 }, undefined] },
    { text: '{"a":1}{"b":2}{"c":3}', values: [{ a: 1 }, { b: 2 }, { c: 3 }] },
  ])('$text', ({ text, values }) => {
    expect(splitConcatenatedObjects(text)?.map((p) => p.value)).toEqual(values);
  });

  it('returns null for a single (even truncated) value', () => {
    expect(splitConcatenatedObjects('{"a":1}')).toBeNull();
    expect(splitConcatenatedObjects('{"a":{"b":1}')).toBeNull();
  });
});
