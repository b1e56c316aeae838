/**
 * A ledger from before tool uses were recorded (SQLite schema 8): on opening, migration 9 makes the
 * next import read every transcript again, which fills in what drove each call; calls whose
 * transcripts are gone show as `(unknown)`.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import { EXPECTED_TOTAL, expectedBy, FIXTURE } from '../capture/tool-activity-truth.js';
import { cleanupTemp, copyFixture, importDirs, tempDir, totalsBy } from '../helpers/ledger.js';

afterEach(cleanupTemp);

/** A ledger holding the fixture's usage as schema 8 left it: no call activity, cursors at the end. */
async function oldLedger(claudeDir: string): Promise<string> {
  const file = path.join(tempDir(), 'ledger.db');
  const store = SqliteStore.open(file);
  await importDirs(store, claudeDir);
  await store.close();
  const db = new Database(file);
  // Back to schema 8: the tables of migration 9 and of every later one go too.
  db.exec(
    'DROP TABLE call_activity; DROP TABLE budget_warnings; DROP TABLE budgets; DROP TABLE review_proposals; DELETE FROM schema_migrations WHERE version >= 9;',
  );
  expect((db.prepare('SELECT count(*) AS n FROM files').get() as { n: number }).n).toBeGreaterThan(0);
  db.close();
  return file;
}

describe('migration 9 on an older ledger', () => {
  it('shows every call as (unknown) until the next import, which reads the transcripts again', async () => {
    const dir = copyFixture(FIXTURE);
    const file = await oldLedger(dir);
    const store = SqliteStore.open(file);
    try {
      expect(await totalsBy(store, 'tool')).toEqual({ '(unknown)': EXPECTED_TOTAL });
      await importDirs(store, dir);
      for (const dim of ['tool', 'skill', 'mcpServer', 'file'] as const)
        expect(await totalsBy(store, dim)).toEqual(expectedBy(dim));
    } finally {
      await store.close();
    }
  });

  it('keeps (unknown) for calls whose transcript is gone', async () => {
    const dir = copyFixture(FIXTURE);
    const file = await oldLedger(dir);
    const sub = fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .find((f) => f.includes('subagents') && f.endsWith('.jsonl'));
    if (sub === undefined) throw new Error('the fixture has no subagent transcript');
    fs.rmSync(path.join(dir, sub));
    const store = SqliteStore.open(file);
    try {
      await importDirs(store, dir);
      const byTool = await totalsBy(store, 'tool');
      // The subagent's three calls (input 7 + 4 + 2), and nothing else.
      expect(byTool['(unknown)']).toMatchObject({ input: 13, responses: 3 });
      expect(byTool.Read).toMatchObject({ input: 5 + 1, responses: 2 });
    } finally {
      await store.close();
    }
  });
});
