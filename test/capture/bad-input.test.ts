/**
 * Bad input is never fatal (FORMATS.md: treat every field as optional and every type as an open
 * set). For each bad line: the valid usage around it is counted exactly, and the problem is
 * recorded with the right file, 1-based line and a reason naming the field and value, but never
 * the line's prompt text.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importClaudeFile } from '../../src/capture/claude/adapter.js';
import {
  cleanupTemp,
  importDirs,
  openTempLedger,
  overallTotals,
  type ProblemView,
  problemsOf,
  tempDir,
} from '../helpers/ledger.js';
import {
  assistantLine,
  assistantObject,
  jsonl,
  type Resp,
  SESSION,
  SLUG,
  totalsOf,
  transcriptPath,
  userLine,
} from './lines.js';

afterEach(cleanupTemp);

const SECRET = 'SECRET-PROMPT-7f3a9c';
const FILE = `projects/${SLUG}/${SESSION}.jsonl`;
/** Valid responses around each bad line. */
const V1: Resp = { id: 'msg_badV1', input: 100, output: 10, cacheWrite: 1000 };
const V2: Resp = { id: 'msg_badV2', input: 200, output: 20, cacheRead: 1000 };
/** Standalone responses carried by lines that are flawed but still usable. */
const V3: Resp = { id: 'msg_badV3', input: 7, output: 3 };
const V4: Resp = { id: 'msg_badV4', input: 4000, output: 400 };

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => v as Obj;

/** A per-block duplicate of V1 (same key, same numbers) carrying the secret in its content, then `edit`. */
function dupV1(edit: (line: Obj, message: Obj, usage: Obj) => void): string {
  const line = assistantObject({ ...V1, text: `${SECRET}: refactor the billing module` });
  const message = obj(line.message);
  edit(line, message, obj(message.usage));
  return JSON.stringify(line);
}

interface BadCase {
  name: string;
  bad: () => string | Buffer;
  severity: 'error' | 'warning';
  /** Substrings the reason must contain: the field and the value. */
  reason: string[];
  /** Responses on the bad line that still count. */
  counted: Resp[];
}

const cases: BadCase[] = [
  {
    name: 'truncated line',
    bad: () => {
      const l = dupV1(() => {});
      return l.slice(0, l.indexOf('"output_tokens"'));
    },
    severity: 'error',
    reason: ['truncated or invalid JSON'],
    counted: [],
  },
  {
    name: 'invalid UTF-8 bytes inside a string (line still counted)',
    bad: () => {
      const l = assistantLine({ ...V3, text: `${SECRET} XXBADXX` });
      const [head, tail] = l.split('XXBADXX');
      return Buffer.concat([
        Buffer.from(head ?? ''),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        Buffer.from(tail ?? ''),
      ]);
    },
    severity: 'warning',
    reason: ['invalid UTF-8'],
    counted: [V3],
  },
  {
    name: 'a JSON array holding an assistant record',
    bad: () => `[${dupV1(() => {})}]`,
    severity: 'error',
    reason: ['not a JSON object', 'array'],
    counted: [],
  },
  {
    name: 'a JSON string "usage"',
    bad: () => '"usage"',
    severity: 'error',
    reason: ['not a JSON object', '"usage"'],
    counted: [],
  },
  {
    name: 'input_tokens is a string ("12")',
    bad: () => dupV1((_l, _m, u) => Object.assign(u, { input_tokens: '12' })),
    severity: 'error',
    reason: ['input_tokens', '"12"'],
    counted: [],
  },
  {
    name: 'output_tokens is negative (-5)',
    bad: () => dupV1((_l, _m, u) => Object.assign(u, { output_tokens: -5 })),
    severity: 'error',
    reason: ['output_tokens', '-5'],
    counted: [],
  },
  {
    name: 'cache_read_input_tokens is fractional (12.5)',
    bad: () => dupV1((_l, _m, u) => Object.assign(u, { cache_read_input_tokens: 12.5 })),
    severity: 'error',
    reason: ['cache_read_input_tokens', '12.5'],
    counted: [],
  },
  {
    name: 'input_tokens is absurd (1e15)',
    bad: () =>
      dupV1((_l, _m, u) => Object.assign(u, { input_tokens: 424242 })).replace(
        '"input_tokens":424242',
        '"input_tokens":1e15',
      ),
    severity: 'error',
    reason: ['input_tokens', '1000000000000000'],
    counted: [],
  },
  {
    name: 'cache_creation.ephemeral_1h_input_tokens is an object',
    bad: () =>
      dupV1((_l, _m, u) =>
        Object.assign(u, {
          cache_creation: { ephemeral_1h_input_tokens: { n: 1 }, ephemeral_5m_input_tokens: 1000 },
        }),
      ),
    severity: 'error',
    reason: ['ephemeral_1h_input_tokens', 'an object'],
    counted: [],
  },
  {
    name: 'server_tool_use.web_search_requests is a string',
    bad: () => dupV1((_l, _m, u) => Object.assign(u, { server_tool_use: { web_search_requests: 'two' } })),
    severity: 'error',
    reason: ['web_search_requests', '"two"'],
    counted: [],
  },
  {
    name: '1h cache writes exceed all cache writes',
    bad: () =>
      dupV1((_l, _m, u) =>
        Object.assign(u, {
          cache_creation: { ephemeral_1h_input_tokens: 5000, ephemeral_5m_input_tokens: 0 },
        }),
      ),
    severity: 'error',
    reason: ['ephemeral_1h_input_tokens', '5000', 'cache_creation_input_tokens', '1000'],
    counted: [],
  },
  {
    name: 'message.id missing',
    bad: () => {
      const line = assistantObject({ ...V4, text: `${SECRET} do the thing` });
      delete obj(line.message).id;
      return JSON.stringify(line);
    },
    severity: 'error',
    reason: ['message.id', 'undefined'],
    counted: [],
  },
  {
    name: 'message.id is a number',
    bad: () => dupV1((_l, m) => Object.assign(m, { id: 42 })),
    severity: 'error',
    reason: ['message.id', '42'],
    counted: [],
  },
  {
    name: 'message.model missing',
    bad: () => dupV1((_l, m) => delete m.model),
    severity: 'error',
    reason: ['message.model', 'undefined'],
    counted: [],
  },
  {
    name: 'message.usage is a string',
    bad: () => dupV1((_l, m) => Object.assign(m, { usage: 'lots' })),
    severity: 'error',
    reason: ['message.usage', '"lots"'],
    counted: [],
  },
  {
    name: 'message.usage is an array',
    bad: () => dupV1((_l, m) => Object.assign(m, { usage: [1, 2] })),
    severity: 'error',
    reason: ['message.usage', 'an array'],
    counted: [],
  },
  {
    name: 'message is the prompt text (a string), usage beside it',
    bad: () =>
      JSON.stringify({
        type: 'assistant',
        message: `${SECRET}: the whole prompt text`,
        usage: { input_tokens: 1 },
        sessionId: SESSION,
      }),
    severity: 'error',
    reason: ['message'],
    counted: [],
  },
  {
    name: 'timestamp is not a date (line still counted)',
    bad: () => {
      const line = assistantObject({ ...V3, text: `${SECRET} hi` });
      line.timestamp = 'yesterday';
      return JSON.stringify(line);
    },
    severity: 'warning',
    reason: ['timestamp', '"yesterday"'],
    counted: [V3],
  },
];

function writeCase(dir: string, bad: string | Buffer, eol = '\n'): string {
  const file = transcriptPath(dir);
  const parts: (string | Buffer)[] = [
    userLine(`${SECRET} first prompt`),
    assistantLine(V1),
    bad,
    assistantLine(V2),
  ];
  fs.writeFileSync(file, Buffer.concat(parts.flatMap((p) => [Buffer.from(p), Buffer.from(eol)])));
  return file;
}

function expectNoSecret(rows: readonly ProblemView[]): void {
  expect(rows.filter((r) => r.reason.includes(SECRET) || r.reason.includes('refactor the billing'))).toEqual(
    [],
  );
}

describe('a bad line between two valid ones', () => {
  it.each(cases)('$name', async (c) => {
    const dir = tempDir();
    writeCase(dir, c.bad());
    const store = openTempLedger();
    const summary = await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(V1, V2, ...c.counted));
    const problems = await problemsOf(store, dir);
    expect(problems.rows).toEqual([
      { file: FILE, line: 3, severity: c.severity, reason: expect.any(String) },
    ]);
    for (const part of c.reason) expect(problems.rows[0]?.reason).toContain(part);
    expectNoSecret(problems.rows);
    expect(summary.problems).toBe(1);
  });

  it.each(cases)('$name, with CRLF line endings', async (c) => {
    const dir = tempDir();
    writeCase(dir, c.bad(), '\r\n');
    const store = openTempLedger();
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(V1, V2, ...c.counted));
    const problems = await problemsOf(store, dir);
    expect(problems.rows.map((p) => ({ file: p.file, line: p.line, severity: p.severity }))).toEqual([
      { file: FILE, line: 3, severity: c.severity },
    ]);
    expectNoSecret(problems.rows);
  });

  it.each(
    cases,
  )('$name, appended after an earlier import: line number counted from the file start', async (c) => {
    const dir = tempDir();
    const file = transcriptPath(dir);
    fs.writeFileSync(file, jsonl(userLine('first'), assistantLine(V1)));
    const store = openTempLedger();
    await importDirs(store, dir);
    fs.appendFileSync(file, Buffer.concat([Buffer.from(c.bad()), Buffer.from(`\n${assistantLine(V2)}\n`)]));
    await importDirs(store, dir);
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(V1, V2, ...c.counted));
    const problems = await problemsOf(store, dir);
    expect(problems.rows.map((p) => ({ file: p.file, line: p.line }))).toEqual([{ file: FILE, line: 3 }]);
    expect(problems.total).toBe(1);
  });
});

describe('lines that carry no usage', () => {
  it('non-object JSON and unknown types are ignored, the valid usage around them counted', async () => {
    const dir = tempDir();
    const unknownType = JSON.stringify({ ...assistantObject(V4), type: 'assistant-v9' });
    const noType = JSON.stringify({ message: obj(assistantObject(V4).message) });
    fs.writeFileSync(
      transcriptPath(dir),
      jsonl(
        assistantLine(V1),
        '42',
        'null',
        '[1,2]',
        '"x"',
        '{}',
        'true',
        unknownType,
        noType,
        assistantLine(V2),
      ),
    );
    const store = openTempLedger();
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(V1, V2));
  });

  it('blank lines and an empty file', async () => {
    const dir = tempDir();
    fs.writeFileSync(transcriptPath(dir), `\n\n${assistantLine(V1)}\n\n\n${assistantLine(V2)}\n\n`);
    fs.writeFileSync(transcriptPath(dir, 'empty.jsonl'), '');
    const store = openTempLedger();
    const summary = await importDirs(store, dir);
    expect(summary.filesSeen).toBe(2);
    expect(await overallTotals(store)).toEqual(totalsOf(V1, V2));
    expect((await problemsOf(store, dir)).total).toBe(0);
  });

  it('a problem goes away when the file is rewritten without the bad line', async () => {
    const dir = tempDir();
    const file = writeCase(dir, '[1,{"usage":2}]');
    const store = openTempLedger();
    await importDirs(store, dir);
    expect((await problemsOf(store, dir)).total).toBe(1);
    fs.writeFileSync(file, jsonl(assistantLine(V1)));
    await importDirs(store, dir);
    expect((await problemsOf(store, dir)).total).toBe(0);
    expect(await overallTotals(store)).toEqual(totalsOf(V1, V2));
  });
});

describe('very long lines (generated, never checked in)', () => {
  it('a 20 MB tool output line and a 5 MB assistant line', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const big = 'x'.repeat(20 << 20);
    const toolOutput = JSON.stringify({
      type: 'user',
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_big', content: big }] },
      toolUseResult: { stdout: big, stderr: '' },
      sessionId: SESSION,
    });
    // An Agent tool result with usage (a marker line, decoded) and 20 MB of content: not counted.
    const agentResult = JSON.stringify({
      type: 'user',
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_big2', content: big }] },
      toolUseResult: {
        status: 'completed',
        agentId: 'abig',
        usage: { input_tokens: 999999, output_tokens: 1 },
      },
      sessionId: SESSION,
    });
    const V5: Resp = { id: 'msg_badV5', input: 55, output: 5555, text: 'y'.repeat(5 << 20) };
    fs.writeFileSync(
      transcriptPath(dir),
      jsonl(assistantLine(V1), toolOutput, assistantLine(V5), agentResult, assistantLine(V2)),
    );
    const store = openTempLedger();
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(V1, V5, V2));
    expect((await problemsOf(store, dir)).total).toBe(0);
  });
});

describe('odd files under projects/', () => {
  function dirWithValidFile(): string {
    const dir = tempDir();
    fs.writeFileSync(transcriptPath(dir), jsonl(assistantLine(V1), assistantLine(V2)));
    return dir;
  }

  it('a directory named like a transcript', async () => {
    const dir = dirWithValidFile();
    fs.mkdirSync(path.join(dir, 'projects', SLUG, 'weird.jsonl'));
    fs.mkdirSync(path.join(dir, 'projects', SLUG, SESSION, 'subagents', 'agent-adir.jsonl'), {
      recursive: true,
    });
    const store = openTempLedger();
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(V1, V2));
  });

  it('a transcript path that turns out to be a directory when read', () => {
    const dir = tempDir();
    const weird = path.join(dir, 'weird.jsonl');
    fs.mkdirSync(weird);
    const result = importClaudeFile({
      path: weird,
      kind: 'main',
      sessionHint: SESSION,
      agentHint: null,
      previous: null,
    });
    expect(result.records).toEqual([]);
    expect(result.problems.map((p) => ({ file: p.file, line: p.line, severity: p.severity }))).toEqual([
      { file: weird, line: null, severity: 'error' },
    ]);
    expect(result.problems[0]?.reason).toContain('EISDIR');
  });

  it('symlink loops are reported and skipped; a second link to the same files does not double', async () => {
    const dir = dirWithValidFile();
    const projects = path.join(dir, 'projects');
    fs.symlinkSync('..', path.join(projects, SLUG, 'loop'));
    fs.symlinkSync('self', path.join(projects, 'self'));
    fs.symlinkSync(SLUG, path.join(projects, 'alias'));
    fs.symlinkSync('/nonexistent/tl-test/x.jsonl', path.join(projects, SLUG, 'gone.jsonl'));
    const store = openTempLedger();
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(V1, V2));
    const problems = await problemsOf(store, dir);
    const byFile = Object.fromEntries(problems.rows.map((p) => [p.file, p]));
    expect(Object.keys(byFile).sort()).toEqual(
      [
        `projects/${SLUG}/gone.jsonl`,
        `projects/${SLUG}/loop`,
        'projects/alias/gone.jsonl',
        'projects/alias/loop',
        'projects/self',
      ].sort(),
    );
    expect(byFile[`projects/${SLUG}/loop`]?.reason).toContain('symlink loop');
    expect(byFile['projects/self']?.reason).toContain('symlink loop');
    expect(byFile[`projects/${SLUG}/gone.jsonl`]?.reason).toContain('broken symlink');
    expect(problems.rows.every((p) => p.line === null)).toBe(true);
  });

  it('a FIFO named like a transcript does not block the import', async () => {
    const dir = dirWithValidFile();
    execFileSync('mkfifo', [path.join(dir, 'projects', SLUG, 'pipe.jsonl')]);
    const store = openTempLedger();
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(V1, V2));
  });

  it('a .meta.json that is not JSON leaves the type unknown and is reported', async () => {
    const dir = tempDir();
    const agent = 'ametabad';
    fs.writeFileSync(
      transcriptPath(dir, `${SESSION}/subagents/agent-${agent}.jsonl`),
      jsonl(assistantLine({ ...V1, sidechain: true, agentId: agent })),
    );
    fs.writeFileSync(transcriptPath(dir, `${SESSION}/subagents/agent-${agent}.meta.json`), '{"agentType":');
    const store = openTempLedger();
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(V1));
    const problems = await problemsOf(store, dir);
    expect(problems.rows.map((p) => ({ file: p.file, line: p.line, severity: p.severity }))).toEqual([
      {
        file: `projects/${SLUG}/${SESSION}/subagents/agent-${agent}.meta.json`,
        line: null,
        severity: 'warning',
      },
    ]);
  });
});
