/**
 * How SQLite reads a report by tool, skill, MCP server or file: the window that links each call to
 * the previous call of its thread streams the `usage_thread` index (no sort of every usage row), and
 * each linked call joins back to its usage row by id. (Its speed is measured in bench/, not here.)
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { activityJoins } from '../../src/ledger/call-activity-sql.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import { cleanupTemp, tempDir } from '../helpers/ledger.js';

afterEach(cleanupTemp);

describe('the call-activity link on SQLite', () => {
  it('reads usage in thread order from its index and joins back by id', async () => {
    const file = path.join(tempDir(), 'ledger.db');
    await SqliteStore.open(file).close();
    const db = new Database(file, { readonly: true });
    try {
      const plan = (
        db
          .prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM usage u ${activityJoins(['tool'], '')}`)
          .all() as {
          detail: string;
        }[]
      ).map((r) => r.detail);
      expect(plan).toContain('SCAN usage USING COVERING INDEX usage_thread');
      expect(plan.filter((d) => d.includes('TEMP B-TREE FOR ORDER BY'))).toEqual([]);
      expect(plan.some((d) => /SEARCH u USING INTEGER PRIMARY KEY \(rowid=\?\)/.test(d))).toBe(true);
    } finally {
      db.close();
    }
  });
});
