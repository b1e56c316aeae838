import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaudeModelUsage, ClaudeRunResult } from '../capture/claude/stream/types.js';
import {
  addModelUsage,
  checkModelUsage,
  type ModelTokenUsage,
  mergeSequenceTokenUsage,
  mergeTaskTokenUsage,
  usageFromRun,
} from './state-files.js';

const u = (i: number, o: number, cw: number, cr: number) => ({
  inputTokens: i,
  outputTokens: o,
  cacheCreationInputTokens: cw,
  cacheReadInputTokens: cr,
});

const modelUsage = (i: number, o: number, cw: number, cr: number): ClaudeModelUsage => ({
  ...u(i, o, cw, cr),
  cacheCreation1hInputTokens: 7,
  webSearchRequests: 2,
  costUsd: 0.5,
  canonicalModel: null,
  outputTokensLowerBound: false,
});

/** A parser result with only what these helpers read filled in meaningfully. */
function runResult(models: Record<string, ClaudeModelUsage>): ClaudeRunResult {
  return {
    source: Object.keys(models).length === 0 ? 'none' : 'result',
    models,
    totals: { ...u(0, 0, 0, 0), cacheCreation1hInputTokens: 0, webSearchRequests: 0 },
    totalCostUsd: null,
    numTurns: null,
    durationMs: null,
    durationApiMs: null,
    sessionId: null,
    isError: false,
    complete: true,
    subtype: null,
    stopReason: null,
    resultCount: 1,
    results: [],
    lastResult: null,
    errors: [],
    permissionDenials: 0,
    claudeCodeVersion: null,
    model: null,
    rateLimits: { apiRetries: 0, lastApiRetry: null, retriesByStatus: {}, limits: {}, limitedUntil: null },
    afterLastResult: null,
    unavailable: [],
    reason: null,
    warnings: [],
    stats: { lines: 0, events: 0, assistantEvents: 0, nonJsonLines: 0, foreignJsonLines: 0 },
  };
}

describe('addModelUsage', () => {
  it('sums model by model and copies models found in one side only', () => {
    const a = { opus: u(1, 2, 3, 4), haiku: u(10, 0, 0, 5) };
    const b = { opus: u(100, 200, 300, 400), sonnet: u(7, 8, 9, 10) };
    expect(addModelUsage(a, b)).toEqual({
      opus: u(101, 202, 303, 404),
      haiku: u(10, 0, 0, 5),
      sonnet: u(7, 8, 9, 10),
    });
  });

  it('is pure: neither input changes, and the result shares no object with them', () => {
    const a = { opus: u(1, 2, 3, 4) };
    const b = { haiku: u(5, 6, 7, 8) };
    const sum = addModelUsage(a, b);
    expect(a).toEqual({ opus: u(1, 2, 3, 4) });
    expect(b).toEqual({ haiku: u(5, 6, 7, 8) });
    expect(sum.opus).not.toBe(a.opus);
    expect(sum.haiku).not.toBe(b.haiku);
  });

  it('keeps only the four count fields', () => {
    const a = { opus: { ...u(1, 1, 1, 1), costUsd: 3 } } as ModelTokenUsage;
    expect(addModelUsage(a, {})).toEqual({ opus: u(1, 1, 1, 1) });
  });

  it('returns {} for two empty inputs', () => {
    expect(addModelUsage({}, {})).toEqual({});
  });

  it.each([
    [-1, 'b["opus"].inputTokens must be a non-negative integer, got -1'],
    [Number.NaN, 'b["opus"].inputTokens must be a non-negative integer, got NaN'],
    [Number.POSITIVE_INFINITY, 'b["opus"].inputTokens must be a non-negative integer, got Infinity'],
    [1.5, 'b["opus"].inputTokens must be a non-negative integer, got 1.5'],
  ])('rejects the count %s', (bad, message) => {
    expect(() => addModelUsage({}, { opus: u(bad, 0, 0, 0) })).toThrow(message);
  });

  it('rejects a missing field and a model entry that is not an object', () => {
    const missing = {
      opus: { inputTokens: 1, outputTokens: 1, cacheReadInputTokens: 1 },
    } as unknown as ModelTokenUsage;
    expect(() => addModelUsage(missing, {})).toThrow(
      'a["opus"].cacheCreationInputTokens must be a non-negative integer, got undefined',
    );
    const notObject = { opus: 5 } as unknown as ModelTokenUsage;
    expect(() => addModelUsage({}, notObject)).toThrow('b["opus"] must be an object of token counts, got 5');
  });

  it('rejects a sum past Number.MAX_SAFE_INTEGER', () => {
    const big = { opus: u(Number.MAX_SAFE_INTEGER, 0, 0, 0) };
    expect(() => addModelUsage(big, { opus: u(1, 0, 0, 0) })).toThrow('"opus".inputTokens overflows');
  });
});

describe('checkModelUsage', () => {
  it('rejects a non-object', () => {
    expect(() => checkModelUsage(null as unknown as ModelTokenUsage)).toThrow(
      'usage must be an object of model → token counts',
    );
  });
});

describe('usageFromRun', () => {
  it('takes the four counts of every model', () => {
    const run = runResult({
      'claude-opus-4-1': modelUsage(1, 2, 3, 4),
      'claude-haiku': modelUsage(5, 6, 0, 8),
    });
    expect(usageFromRun(run)).toEqual({ 'claude-opus-4-1': u(1, 2, 3, 4), 'claude-haiku': u(5, 6, 0, 8) });
  });

  it('gives {} for a run without usage', () => {
    expect(usageFromRun(runResult({}))).toEqual({});
  });
});

describe('state files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenledger-orchestrator-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, value: unknown): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`);
    return file;
  };
  const read = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));
  /** Files other than `keep` left in the dir (temp files). */
  const leftovers = (...keep: string[]) => fs.readdirSync(dir).filter((f) => !keep.includes(f));

  describe('mergeTaskTokenUsage', () => {
    const task = {
      status: 'running',
      currentStep: 'implement',
      steps: { plan: { done: true } },
      lastUpdate: '2025-01-01T00:00:00.000Z',
    };

    it('creates tokenUsage when missing, keeps every other field, writes 2-space JSON + newline', () => {
      const file = write('task.state.json', task);
      const result = mergeTaskTokenUsage(file, { opus: u(1, 2, 3, 4) });
      expect(result).toEqual({ opus: u(1, 2, 3, 4) });
      expect(read(file)).toEqual({ ...task, tokenUsage: { opus: u(1, 2, 3, 4) } });
      expect(fs.readFileSync(file, 'utf8')).toBe(
        `${JSON.stringify({ ...task, tokenUsage: { opus: u(1, 2, 3, 4) } }, null, 2)}\n`,
      );
      expect(leftovers('task.state.json')).toEqual([]);
    });

    it('adds into existing models, adds new ones, keeps untouched models and extra entry keys', () => {
      const file = write('task.state.json', {
        ...task,
        tokenUsage: { opus: { ...u(10, 20, 30, 40), note: 'x' }, haiku: u(1, 1, 1, 1) },
      });
      const result = mergeTaskTokenUsage(file, { opus: u(1, 2, 3, 4), sonnet: u(5, 5, 5, 5) });
      expect(result).toEqual({ opus: u(11, 22, 33, 44), haiku: u(1, 1, 1, 1), sonnet: u(5, 5, 5, 5) });
      expect(read(file)).toEqual({
        ...task,
        tokenUsage: {
          opus: { ...u(11, 22, 33, 44), note: 'x' },
          haiku: u(1, 1, 1, 1),
          sonnet: u(5, 5, 5, 5),
        },
      });
    });

    it('treats tokenUsage: null as missing and missing counts of an entry as 0', () => {
      const file = write('a.json', { tokenUsage: null });
      mergeTaskTokenUsage(file, { opus: u(1, 2, 3, 4) });
      expect(read(file)).toEqual({ tokenUsage: { opus: u(1, 2, 3, 4) } });
      const partial = write('b.json', { tokenUsage: { opus: { inputTokens: 5 } } });
      expect(mergeTaskTokenUsage(partial, { opus: u(1, 2, 3, 4) })).toEqual({ opus: u(6, 2, 3, 4) });
    });

    it('sums repeated merges exactly, also when started together', async () => {
      const file = write('task.state.json', task);
      for (let i = 0; i < 20; i++) mergeTaskTokenUsage(file, { opus: u(1, 10, 100, 1000) });
      await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          await Promise.resolve();
          mergeTaskTokenUsage(file, { opus: u(1, 0, 0, 0), [`m${i % 3}`]: u(0, 1, 0, 0) });
        }),
      );
      expect(read(file)).toEqual({
        ...task,
        tokenUsage: {
          opus: u(50, 200, 2000, 20000),
          m0: u(0, 10, 0, 0),
          m1: u(0, 10, 0, 0),
          m2: u(0, 10, 0, 0),
        },
      });
      expect(leftovers('task.state.json')).toEqual([]);
    });

    it('keeps the indent of a file indented with 4 spaces or tabs', () => {
      const four = write('four.json', `${JSON.stringify({ a: 1 }, null, 4)}\n`);
      mergeTaskTokenUsage(four, { m: u(1, 1, 1, 1) });
      expect(fs.readFileSync(four, 'utf8')).toBe(
        `${JSON.stringify({ a: 1, tokenUsage: { m: u(1, 1, 1, 1) } }, null, 4)}\n`,
      );
      const tab = write('tab.json', JSON.stringify({ a: 1 }, null, '\t'));
      mergeTaskTokenUsage(tab, { m: u(1, 1, 1, 1) });
      expect(fs.readFileSync(tab, 'utf8')).toBe(
        `${JSON.stringify({ a: 1, tokenUsage: { m: u(1, 1, 1, 1) } }, null, '\t')}\n`,
      );
    });

    it('keeps the permission bits and writes through a symlink', () => {
      const file = write('task.state.json', task);
      fs.chmodSync(file, 0o640);
      const link = path.join(dir, 'link.json');
      fs.symlinkSync(file, link);
      mergeTaskTokenUsage(link, { opus: u(1, 0, 0, 0) });
      expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
      expect(fs.statSync(file).mode & 0o777).toBe(0o640);
      expect(read(file)).toEqual({ ...task, tokenUsage: { opus: u(1, 0, 0, 0) } });
    });

    it('an empty usage still writes tokenUsage: {}', () => {
      const file = write('t.json', { a: 1 });
      expect(mergeTaskTokenUsage(file, {})).toEqual({});
      expect(read(file)).toEqual({ a: 1, tokenUsage: {} });
    });

    it.each([
      ['invalid JSON', '{"status": "running",', 'is not valid JSON'],
      ['an array', '[1, 2]\n', 'holds an array, not a JSON object; it was left unchanged'],
      ['null', 'null', 'holds null, not a JSON object'],
      ['a number', '42', 'holds a number, not a JSON object'],
      ['an empty file', '', 'is not valid JSON'],
      ['tokenUsage as an array', '{"tokenUsage": []}', 'tokenUsage is [], not an object'],
      ['tokenUsage as a string', '{"tokenUsage": "x"}', 'tokenUsage is "x", not an object'],
      ['a model entry as a number', '{"tokenUsage": {"opus": 3}}', 'tokenUsage["opus"] is 3, not an object'],
      [
        'a count as a string',
        '{"tokenUsage": {"opus": {"inputTokens": "3"}}}',
        'tokenUsage["opus"].inputTokens must be a non-negative integer, got "3"; it was left unchanged',
      ],
      [
        'a negative stored count of another model',
        '{"tokenUsage": {"haiku": {"outputTokens": -2}}}',
        'tokenUsage["haiku"].outputTokens must be a non-negative integer, got -2',
      ],
    ])('throws naming the file and leaves it byte-identical: %s', (_, text, message) => {
      const file = write('task.state.json', text);
      const before = fs.readFileSync(file);
      const mtime = fs.statSync(file).mtimeMs;
      expect(() => mergeTaskTokenUsage(file, { opus: u(1, 2, 3, 4) })).toThrow(message);
      expect(() => mergeTaskTokenUsage(file, { opus: u(1, 2, 3, 4) })).toThrow(file);
      expect(fs.readFileSync(file).equals(before)).toBe(true);
      expect(fs.statSync(file).mtimeMs).toBe(mtime);
      expect(leftovers('task.state.json')).toEqual([]);
    });

    it('throws on a bad count in the input before reading the file', () => {
      const file = write('task.state.json', task);
      const before = fs.readFileSync(file, 'utf8');
      expect(() => mergeTaskTokenUsage(file, { opus: u(1, -5, 0, 0) })).toThrow(
        'usage["opus"].outputTokens must be a non-negative integer, got -5',
      );
      expect(() => mergeTaskTokenUsage(file, { opus: u(1, Number.NaN, 0, 0) })).toThrow('got NaN');
      expect(fs.readFileSync(file, 'utf8')).toBe(before);
    });

    it('does not create a missing file', () => {
      const file = path.join(dir, 'missing.state.json');
      expect(() => mergeTaskTokenUsage(file, { opus: u(1, 0, 0, 0) })).toThrow(`cannot read ${file}: ENOENT`);
      expect(fs.existsSync(file)).toBe(false);
    });

    it('throws naming the file when the write fails, leaving the file as it was', () => {
      if (process.getuid?.() === 0) return; // root ignores the dir's permissions
      const file = write('task.state.json', task);
      const before = fs.readFileSync(file, 'utf8');
      fs.chmodSync(dir, 0o500);
      try {
        expect(() => mergeTaskTokenUsage(file, { opus: u(1, 0, 0, 0) })).toThrow(
          new RegExp(`^cannot write ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: EACCES`),
        );
      } finally {
        fs.chmodSync(dir, 0o700);
      }
      expect(fs.readFileSync(file, 'utf8')).toBe(before);
      expect(leftovers('task.state.json')).toEqual([]);
    });
  });

  describe('mergeSequenceTokenUsage', () => {
    const sequence = {
      phase: 'pending',
      completedTasks: ['tasks/a.md'],
      currentTaskPath: null,
    };

    it('turns stats: null into an object holding only totalTokenUsage', () => {
      const file = write('sequence.state.json', { ...sequence, stats: null });
      expect(mergeSequenceTokenUsage(file, { opus: u(1, 2, 3, 4) })).toEqual({ opus: u(1, 2, 3, 4) });
      expect(read(file)).toEqual({ ...sequence, stats: { totalTokenUsage: { opus: u(1, 2, 3, 4) } } });
    });

    it('creates stats when it is missing', () => {
      const file = write('sequence.state.json', sequence);
      mergeSequenceTokenUsage(file, { opus: u(1, 2, 3, 4) });
      expect(read(file)).toEqual({ ...sequence, stats: { totalTokenUsage: { opus: u(1, 2, 3, 4) } } });
    });

    it('adds into an existing totalTokenUsage and keeps the other stats', () => {
      const stats = { totalDuration: 12.5, totalDurationExcludingPauses: 10, totalPauseTime: 2.5 };
      const file = write('sequence.state.json', {
        ...sequence,
        stats: { ...stats, totalTokenUsage: { opus: u(10, 10, 10, 10) } },
      });
      mergeSequenceTokenUsage(file, { opus: u(1, 2, 3, 4), haiku: u(1, 1, 1, 1) });
      mergeSequenceTokenUsage(file, { haiku: u(1, 1, 1, 1) });
      expect(read(file)).toEqual({
        ...sequence,
        stats: { ...stats, totalTokenUsage: { opus: u(11, 12, 13, 14), haiku: u(2, 2, 2, 2) } },
      });
    });

    it('creates totalTokenUsage in stats that lack it, keeping the other keys', () => {
      const file = write('sequence.state.json', { ...sequence, stats: { totalDuration: 3 } });
      mergeSequenceTokenUsage(file, { opus: u(0, 1, 0, 0) });
      expect(read(file)).toEqual({
        ...sequence,
        stats: { totalDuration: 3, totalTokenUsage: { opus: u(0, 1, 0, 0) } },
      });
    });

    it('sums the task files of a sequence exactly', () => {
      const file = write('sequence.state.json', { ...sequence, stats: null });
      const tasks: ModelTokenUsage[] = [
        { opus: u(100, 50, 1000, 20000) },
        { opus: u(1, 2, 3, 4), haiku: u(7, 7, 7, 7) },
        { haiku: u(3, 3, 3, 3) },
      ];
      for (const t of tasks) mergeSequenceTokenUsage(file, t);
      expect(read(file)).toEqual({
        ...sequence,
        stats: { totalTokenUsage: { opus: u(101, 52, 1003, 20004), haiku: u(10, 10, 10, 10) } },
      });
    });

    it.each([
      ['stats as a number', { stats: 5 }, 'stats is 5, not an object'],
      ['stats as an array', { stats: [] }, 'stats is [], not an object'],
      [
        'totalTokenUsage as a string',
        { stats: { totalTokenUsage: 'x' } },
        'stats.totalTokenUsage is "x", not an object',
      ],
      [
        'a bad stored count',
        { stats: { totalTokenUsage: { opus: { inputTokens: 1.5 } } } },
        'stats.totalTokenUsage["opus"].inputTokens must be a non-negative integer, got 1.5',
      ],
    ])('throws naming the file and leaves it unchanged: %s', (_, value, message) => {
      const file = write('sequence.state.json', value);
      const before = fs.readFileSync(file, 'utf8');
      expect(() => mergeSequenceTokenUsage(file, { opus: u(1, 0, 0, 0) })).toThrow(message);
      expect(() => mergeSequenceTokenUsage(file, { opus: u(1, 0, 0, 0) })).toThrow(file);
      expect(fs.readFileSync(file, 'utf8')).toBe(before);
    });

    it('leaves invalid JSON byte-identical', () => {
      const file = write('sequence.state.json', '{"stats": null,,}\n');
      const before = fs.readFileSync(file);
      expect(() => mergeSequenceTokenUsage(file, { opus: u(1, 0, 0, 0) })).toThrow(
        `${file} is not valid JSON`,
      );
      expect(fs.readFileSync(file).equals(before)).toBe(true);
    });
  });
});
