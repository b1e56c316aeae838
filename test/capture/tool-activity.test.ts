/**
 * What drove each API call (tool, skill, MCP server, file), from hand-written transcripts with
 * parallel tool uses, an MCP tool, a skill, a subagent spawn, file tools, a response split over
 * several lines and a sidechain: the parser's rows, and the ledger's exact sums per dimension.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importClaudeFile } from '../../src/capture/claude/adapter.js';
import { claudeLayout } from '../../src/capture/claude/discover.js';
import { looksLikeFile, toolActivity } from '../../src/capture/claude/tool-activity.js';
import { cleanupTemp, copyFixture, importDirs, openTempLedger, totalsBy } from '../helpers/ledger.js';
import { CALLS, EXPECTED_TOTAL, expectedBy, FIXTURE } from './tool-activity-truth.js';

afterEach(cleanupTemp);

function transcripts(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => path.join(dir, f))
    .sort();
}

describe('tool uses of a response', () => {
  it('splits an MCP tool into server and tool', () => {
    const row = toolActivity('k', 't', 'mcp__github__create_issue', { title: 'x' });
    expect(row).toMatchObject({ tool: 'create_issue', mcpServer: 'github', file: null });
    // Not MCP-shaped: kept whole.
    expect(toolActivity('k', 't', 'mcp__broken', {})).toMatchObject({ tool: 'mcp__broken', mcpServer: null });
  });

  it('names the skill, the subagent type and the file, never other input', () => {
    expect(toolActivity('k', 't', 'Skill', { skill: 'pdf', args: 'secret' }).skill).toBe('pdf');
    expect(toolActivity('k', 't', 'Task', { prompt: 'secret' }).agentType).toBe('general-purpose');
    expect(toolActivity('k', 't', 'Agent', { subagent_type: 'Explore' }).agentType).toBe('Explore');
    expect(toolActivity('k', 't', 'Edit', { file_path: '/a/b.ts', new_string: 'secret' })).toMatchObject({
      file: '/a/b.ts',
      fileOp: 'edit',
    });
    expect(toolActivity('k', 't', 'NotebookEdit', { notebook_path: '/n.ipynb' }).fileOp).toBe('edit');
    expect(toolActivity('k', 't', 'Read', { file_path: '/a/b.ts' }).fileOp).toBe('read');
    expect(toolActivity('k', 't', 'Grep', { path: '/repo/src/a.ts' })).toMatchObject({ fileOp: 'search' });
    expect(toolActivity('k', 't', 'Grep', { path: '/repo/src' }).file).toBeNull();
    expect(toolActivity('k', 't', 'Glob', { path: '/repo/src/a.ts' }).file).toBeNull();
  });

  it('tells a file name from a directory by its extension', () => {
    expect(looksLikeFile('/a/b.ts')).toBe(true);
    expect(looksLikeFile('C:\\x\\y.md')).toBe(true);
    expect(looksLikeFile('/a/src')).toBe(false);
    expect(looksLikeFile('/a/.git')).toBe(false);
    expect(looksLikeFile('/a/b.')).toBe(false);
  });

  it('gives one row per tool use and one row per call without any, with no content', () => {
    const dir = copyFixture(FIXTURE);
    const rows = transcripts(dir).flatMap((file) => {
      const cls = claudeLayout.classifyPath(file);
      if (cls === null) throw new Error(`not a transcript: ${file}`);
      return importClaudeFile({ ...cls, path: file, previous: null }).activities ?? [];
    });
    const keys = rows.map((r) => `${r.dedupKey}|${r.toolUseId}`);
    expect(new Set(keys).size).toBe(keys.length);
    // R1 (three lines): two tool uses; R2, R3: two each; R5, SC1, S1, S2: one; the rest: none.
    const count = (key: string) => rows.filter((r) => r.dedupKey === key && r.toolUseId !== '').length;
    expect(count('msg_r1:req_r1')).toBe(2);
    expect(count('msg_r2:req_r2')).toBe(2);
    expect(count('msg_r3:req_r3')).toBe(2);
    expect(count('msg_r4:req_r4')).toBe(0);
    expect(
      rows
        .filter((r) => r.toolUseId === '')
        .map((r) => r.dedupKey)
        .sort(),
    ).toEqual(['msg_r4:req_r4', 'msg_r6:req_r6', 'msg_s3:req_s3', 'msg_sc2:req_sc2'].sort());
    expect(JSON.stringify(rows)).not.toContain('secret');
    expect(new Set(rows.map((r) => r.dedupKey)).size).toBe(CALLS.length);
  });
});

describe('usage by what drove it (ground truth)', () => {
  it.each(['tool', 'skill', 'mcpServer', 'file'] as const)('exact sums by %s', async (dim) => {
    const store = openTempLedger();
    await importDirs(store, copyFixture(FIXTURE));
    expect(await totalsBy(store, dim)).toEqual(expectedBy(dim));
  });

  it('the same after importing twice and from a fork-like second copy of the files', async () => {
    const store = openTempLedger();
    const dir = copyFixture(FIXTURE);
    await importDirs(store, dir);
    await importDirs(store, [dir, copyFixture(FIXTURE)]);
    expect(await totalsBy(store, 'tool')).toEqual(expectedBy('tool'));
    expect(await totalsBy(store, 'file')).toEqual(expectedBy('file'));
  });

  it('a request with one value is counted exactly once; the overall total is unchanged', async () => {
    const store = openTempLedger();
    await importDirs(store, copyFixture(FIXTURE));
    const byModel = Object.values(await totalsBy(store, 'model'));
    expect(byModel).toEqual([EXPECTED_TOTAL]);
  });

  it('fileReads: the reads per file and session, with the calls that asked', async () => {
    const store = openTempLedger();
    await importDirs(store, copyFixture(FIXTURE));
    const reads = await store.fileReads({});
    expect(reads).toEqual([
      {
        file: '/repo/docs/foundation.md',
        taskId: null,
        sessionId: 'c0110000-0000-4000-8000-000000000001',
        reads: 1,
        calls: [{ dedupKey: 'msg_s1:req_s1', ts: Date.parse('2026-11-20T10:02:11.000Z') }],
      },
      {
        file: '/repo/src/a.ts',
        taskId: null,
        sessionId: 'c0110000-0000-4000-8000-000000000001',
        reads: 2,
        calls: [
          { dedupKey: 'msg_r1:req_r1', ts: Date.parse('2026-11-20T10:00:01.000Z') },
          { dedupKey: 'msg_r5:req_r5', ts: Date.parse('2026-11-20T10:05:01.000Z') },
        ],
      },
    ]);
    expect(await store.fileReads({ fromMs: Date.parse('2026-11-20T10:04:00.000Z') })).toMatchObject([
      { file: '/repo/src/a.ts', reads: 1 },
    ]);
  });
});
