/**
 * Cursor writes from processes that read the same file at once: a read from the start replaces the
 * stored cursor only when no other process saved one after that read began.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileCursor, FileImport } from '../../src/capture/types.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
});

function cursorAt(offset: number, head = 'h1'): FileCursor {
  return {
    path: '/t/a.jsonl',
    identity: '1:2',
    size: offset,
    mtimeMs: 1,
    offset,
    headHash: head,
    headLength: 4096,
    tailHash: 't',
  };
}

function fileImport(c: FileCursor, fromStart: boolean, readAt: number): FileImport {
  return {
    path: c.path,
    cursor: c,
    fromStart,
    readAt,
    bytesRead: c.offset,
    bytesLeft: 0,
    records: [],
    costCheckpoints: [],
    agentFacts: [],
    problems: [],
  };
}

async function withStore(fn: (s: SqliteStore) => Promise<void>): Promise<void> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cursor-'));
  const store = SqliteStore.open(path.join(dir, 'ledger.db'));
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

const origin = { machine: 'm', user: 'u' };

describe('cursor writes', () => {
  it('a first read that began before another process saved a longer cursor does not move it back', async () => {
    await withStore(async (store) => {
      const began = Date.now() - 1_000;
      await store.writeFiles([fileImport(cursorAt(12_953), true, Date.now())], origin);
      await store.writeFiles([fileImport(cursorAt(6_475), true, began)], origin);
      expect((await store.loadCursors(['/t/a.jsonl'])).get('/t/a.jsonl')?.offset).toBe(12_953);
    });
  });

  it('a read from the start that began after the last save replaces it (a truncated or rewritten file)', async () => {
    await withStore(async (store) => {
      await store.writeFiles([fileImport(cursorAt(12_953), true, Date.now() - 5_000)], origin);
      await new Promise((r) => setTimeout(r, 5));
      await store.writeFiles([fileImport(cursorAt(100), true, Date.now())], origin);
      expect((await store.loadCursors(['/t/a.jsonl'])).get('/t/a.jsonl')?.offset).toBe(100);
    });
  });

  it('an incremental read never moves the cursor back on the same content, but a new head replaces it', async () => {
    await withStore(async (store) => {
      await store.writeFiles([fileImport(cursorAt(500), false, Date.now())], origin);
      await store.writeFiles([fileImport(cursorAt(300), false, Date.now())], origin);
      expect((await store.loadCursors(['/t/a.jsonl'])).get('/t/a.jsonl')?.offset).toBe(500);
      await store.writeFiles([fileImport(cursorAt(300, 'h2'), false, Date.now())], origin);
      expect((await store.loadCursors(['/t/a.jsonl'])).get('/t/a.jsonl')?.offset).toBe(300);
    });
  });
});
