/**
 * The capture-adapter interface carries sources other than Claude Code with no change to shared
 * code: two small adapters defined here, shaped like FORMATS.md §6 (a Codex-like JSONL rollout whose
 * usage is a cumulative total and whose model comes from an earlier line, read `whole-file`; a
 * Gemini-like one-document chat whose messages repeat with growing counts), imported beside Claude
 * Code by the same use case into a real SQLite ledger.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importSourceFiles, importSources } from '../../src/app/import/import-sources.js';
import { claudeAdapter } from '../../src/capture/claude/adapter.js';
import type {
  ParseContext,
  ParsedFile,
  RecordParser,
  SourceAdapter,
  SourceFormat,
  SourceLayout,
} from '../../src/capture/source-adapter.js';
import type { IngestProblem, UsageRecord } from '../../src/capture/types.js';
import { cleanupTemp, copyFixture, ORIGIN, openTempLedger, tempDir, totalsBy } from '../helpers/ledger.js';

afterEach(cleanupTemp);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function record(
  source: string,
  ctx: ParseContext,
  key: string,
  model: string,
  input: number,
  output: number,
) {
  const r: UsageRecord = {
    dedupKey: key,
    source,
    ts: ctx.fallbackTs,
    sessionId: ctx.sessionHint ?? 'unknown',
    agentId: null,
    sidechain: false,
    model,
    input,
    output,
    cacheWrite: 0,
    cacheWrite1h: 0,
    cacheRead: 0,
    webSearch: 0,
    outputFinal: true,
    speed: null,
    geo: null,
    reportedCost: null,
    project: null,
    gitBranch: null,
    agentVersion: null,
  };
  return r;
}

/** Collects records, last one per key wins (the ledger's max-merge keeps growing counts anyway). */
class Collector {
  readonly records = new Map<string, UsageRecord>();
  readonly problems: IngestProblem[] = [];
  constructor(readonly file: string) {}
  problem(offset: number | null, reason: string, severity: IngestProblem['severity'] = 'error'): void {
    this.problems.push({ file: this.file, line: null, offset, severity, reason });
  }
  result(): ParsedFile {
    return {
      records: [...this.records.values()],
      costCheckpoints: [],
      agentFacts: [],
      problems: this.problems,
    };
  }
}

/** `<root>/sessions/<any>/<prefix><session><ext>`: every file a main transcript. */
function flatLayout(prefix: string, ext: string): SourceLayout<null> {
  const classify = (_: null, name: string) =>
    name.startsWith(prefix) && name.endsWith(ext)
      ? { kind: 'main' as const, sessionHint: name.slice(prefix.length, -ext.length), agentHint: null }
      : null;
  return {
    walkRoots: (root) => [path.join(root, 'sessions')],
    dirFacts: () => null,
    classify,
    listsFile: (name) => name.endsWith(ext),
    classifyPath: (file) => classify(null, path.basename(file)),
    notOurs: `not a ${ext} session file; skipped`,
  };
}

/** Codex-like: `turn_context` names the model; `token_count` carries the session's cumulative total. */
class CumulativeParser extends Collector implements RecordParser {
  #model = 'unknown';
  #input = 0;
  #output = 0;
  constructor(readonly ctx: ParseContext) {
    super(ctx.file);
  }
  handle(value: unknown, offset: number): void {
    if (!isObj(value)) {
      this.problem(offset, 'not a JSON object');
      return;
    }
    if (value.type === 'turn_context' && typeof value.model === 'string') this.#model = value.model;
    if (value.type !== 'token_count' || !isObj(value.total)) return;
    const input = num(value.total.input);
    const output = num(value.total.output);
    if (input === this.#input && output === this.#output) return; // an unchanged total adds nothing
    const key = `${this.ctx.sessionHint}:${offset}`;
    this.records.set(
      key,
      record('toy-cumulative', this.ctx, key, this.#model, input - this.#input, output - this.#output),
    );
    this.#input = input;
    this.#output = output;
  }
}

const cumulativeFormat: SourceFormat = {
  container: 'jsonl',
  reread: 'whole-file',
  markers: [Buffer.from('"type"')],
  prefixes: [],
  createParser: (ctx) => new CumulativeParser(ctx),
};

/** Gemini-like: one JSON document whose messages repeat by id as their counts grow. */
class DocumentParser extends Collector implements RecordParser {
  constructor(readonly ctx: ParseContext) {
    super(ctx.file);
  }
  handle(value: unknown): void {
    if (!isObj(value) || !Array.isArray(value.messages)) {
      this.problem(null, 'no messages array');
      return;
    }
    for (const m of value.messages) {
      if (!isObj(m) || m.type !== 'model' || typeof m.id !== 'string' || !isObj(m.tokens)) continue;
      const key = `${this.ctx.sessionHint}:${m.id}`;
      const model = typeof m.model === 'string' ? m.model : 'unknown';
      this.records.set(
        key,
        record('toy-document', this.ctx, key, model, num(m.tokens.input), num(m.tokens.output)),
      );
    }
  }
}

const documentFormat: SourceFormat = {
  container: 'json',
  reread: 'whole-file',
  markers: [],
  prefixes: [],
  createParser: (ctx) => new DocumentParser(ctx),
};

function toyAdapter(
  id: string,
  root: string,
  layout: SourceLayout<null>,
  format: SourceFormat,
): SourceAdapter<null> {
  return {
    id,
    label: id,
    resolveRoots: () => ({ roots: [root], searched: [root], origin: 'config', warnings: [] }),
    layout,
    formatOf: () => format,
    readSidecar: () => ({ facts: [], problem: null }),
  };
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

const jsonl = (...lines: object[]) => lines.map((l) => `${JSON.stringify(l)}\n`).join('');

describe('adapters other than Claude Code, through the shared import', () => {
  it('imports each source exactly, re-reads whole-file sources when they change, and is idempotent', async () => {
    const claudeDir = copyFixture('resume');
    const cumulativeRoot = tempDir();
    const documentRoot = tempDir();
    const rollout = path.join(cumulativeRoot, 'sessions', '2026', 'rollout-s1.jsonl');
    const chat = path.join(documentRoot, 'sessions', 'p1', 'chat-s2.json');
    write(
      rollout,
      jsonl(
        { type: 'turn_context', model: 'toy-model-a' },
        { type: 'token_count', total: { input: 100, output: 10 } },
        { type: 'token_count', total: { input: 100, output: 10 } },
        { type: 'token_count', total: { input: 250, output: 30 } },
      ),
    );
    write(
      chat,
      JSON.stringify({
        messages: [
          { id: 'm1', type: 'model', model: 'toy-model-b', tokens: { input: 7, output: 1 } },
          { id: 'm1', type: 'model', model: 'toy-model-b', tokens: { input: 7, output: 3 } },
          { id: 'm2', type: 'user' },
        ],
      }),
    );
    const adapters: SourceAdapter[] = [
      claudeAdapter,
      toyAdapter('toy-cumulative', cumulativeRoot, flatLayout('rollout-', '.jsonl'), cumulativeFormat),
      toyAdapter('toy-document', documentRoot, flatLayout('chat-', '.json'), documentFormat),
    ];
    const store = openTempLedger();
    const options = { origin: { ...ORIGIN }, threads: 0, env: { CLAUDE_CONFIG_DIR: claudeDir } };
    const events = new Set<string>();
    const first = await importSources(store, adapters, {
      ...options,
      onProgress: (p) => events.add(p.source),
    });
    expect(first.sources.map((s) => [s.source, s.records, s.scan])).toEqual([
      ['claude-code', first.sources[0]?.records, 'walk'],
      ['toy-cumulative', 2, 'walk'],
      ['toy-document', 1, 'walk'],
    ]);
    expect(events).toEqual(new Set(['claude-code', 'toy-cumulative', 'toy-document']));
    const claudeOnly = (await totalsBy(store, 'model'))['toy-model-a'];
    expect(claudeOnly).toMatchObject({ input: 250, output: 30, responses: 2 });
    expect((await totalsBy(store, 'model'))['toy-model-b']).toMatchObject({
      input: 7,
      output: 3,
      responses: 1,
    });

    // The rollout grows: the whole file is read again; only the new request adds.
    fs.appendFileSync(rollout, jsonl({ type: 'token_count', total: { input: 300, output: 45 } }));
    const second = await importSources(store, adapters, options);
    expect(second.sources.map((s) => [s.source, s.added])).toEqual([
      ['claude-code', 0],
      ['toy-cumulative', 1],
      ['toy-document', 0],
    ]);
    expect((await totalsBy(store, 'model'))['toy-model-a']).toMatchObject({
      input: 300,
      output: 45,
      responses: 3,
    });

    // A targeted import (a hook's) with a read budget still reads a whole-file source whole.
    fs.appendFileSync(
      rollout,
      jsonl(
        { type: 'response_item', text: 'x'.repeat(5 << 20) },
        { type: 'token_count', total: { input: 400, output: 50 } },
      ),
    );
    const hook = await importSourceFiles(store, adapters[1] as SourceAdapter, [rollout], {
      origin: { ...ORIGIN },
      maxBytesPerFile: 10,
    });
    expect([hook.added, hook.bytesLeft]).toEqual([1, 0]);
    expect((await totalsBy(store, 'model'))['toy-model-a']).toMatchObject({
      input: 400,
      output: 50,
      responses: 4,
    });

    const before = await totalsBy(store, 'model');
    const third = await importSources(store, adapters, options);
    expect(third.filesRead).toBe(0);
    expect(await totalsBy(store, 'model')).toEqual(before);
    expect((await store.stats()).problems).toBe(0);
  });
});
