/**
 * The file importer on its own, with tiny read buffers (`chunkBytes`), so buffer boundaries fall inside
 * lines and UTF-8 characters: appending in random chunks and importing each file from its previous
 * cursor after every append, the merged records equal the rule applied to the complete lines on disk.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClaudeFileJob, importClaudeFile } from '../../src/capture/claude/adapter.js';
import { discoverClaudeFiles } from '../../src/capture/claude/discover.js';
import { addUsageRecord } from '../../src/capture/merge.js';
import type { FileCursor, UsageRecord } from '../../src/capture/types.js';
import {
  appendRounds,
  chunkPlanArb,
  completeLines,
  expectedRecords,
  type History,
  historyArb,
  type LineRef,
  layoutArb,
  layoutFiles,
} from './transcript-model.js';

const RUNS = Number(process.env.TL_PROPERTY_RUNS ?? 40);

/** The transcripts under `dir` (not the .meta.json files), as import jobs without a cursor. */
function transcripts(dir: string): Omit<ClaudeFileJob, 'previous'>[] {
  const jobs: Omit<ClaudeFileJob, 'previous'>[] = [];
  for (const f of discoverClaudeFiles([dir]).files) {
    if (f.kind !== 'meta')
      jobs.push({ path: f.path, kind: f.kind, sessionHint: f.sessionHint, agentHint: f.agentHint });
  }
  return jobs;
}

/** The fields the rule determines, per dedup key. */
function project(records: Iterable<[string, UsageRecord]>) {
  return Object.fromEntries(
    [...records].map(([key, r]) => [
      key,
      {
        input: r.input,
        output: r.output,
        cacheWrite: r.cacheWrite,
        cacheWrite1h: r.cacheWrite1h,
        cacheRead: r.cacheRead,
        webSearch: r.webSearch,
        ts: r.ts,
        final: r.outputFinal,
        session: r.sessionId,
        agent: r.agentId ?? 'main',
      },
    ]),
  );
}

function expected(h: History, present: LineRef[]) {
  return Object.fromEntries(
    [...expectedRecords(h, present)].map(([key, r]) => [
      key,
      {
        input: r.input,
        output: r.output,
        cacheWrite: r.cacheWrite,
        cacheWrite1h: r.cacheWrite1h,
        cacheRead: r.cacheRead,
        webSearch: r.webSearch,
        ts: r.ts,
        final: r.final,
        session: r.session,
        agent: r.agent,
      },
    ]),
  );
}

describe('importClaudeFile with tiny read buffers', () => {
  it('reading appended chunks from the previous cursor merges to the rule over the complete lines', () => {
    fc.assert(
      fc.property(
        historyArb(),
        layoutArb,
        chunkPlanArb,
        fc.integer({ min: 1, max: 300 }),
        (h, layout, plan, chunkBytes) => {
          const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-prop-'));
          try {
            const cursors = new Map<string, FileCursor | null>();
            const merged = new Map<string, UsageRecord>();
            const onDisk = new Map<string, Buffer>();
            const seen: unknown[] = [];
            const want: unknown[] = [];
            for (const round of appendRounds(layoutFiles(h, layout), plan)) {
              for (const [rel, bytes] of round) {
                fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
                fs.appendFileSync(path.join(dir, rel), bytes);
                onDisk.set(rel, Buffer.concat([onDisk.get(rel) ?? Buffer.alloc(0), bytes]));
              }
              for (const job of transcripts(dir)) {
                const result = importClaudeFile({
                  ...job,
                  previous: cursors.get(job.path) ?? null,
                  chunkBytes,
                });
                cursors.set(job.path, result.cursor);
                for (const r of result.records) addUsageRecord(merged, { ...r });
              }
              seen.push(project(merged));
              want.push(
                expected(
                  h,
                  completeLines(
                    h,
                    [...onDisk.values()].map((b) => b.toString('utf8')),
                  ),
                ),
              );
            }
            expect(seen).toEqual(want);
          } finally {
            fs.rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: RUNS, interruptAfterTimeLimit: 10_000 },
    );
  }, 60_000);
});
