/**
 * How SQLite reads a report by tool, skill, MCP server or file from what it keeps at write time: a
 * date-only report reads the rollup by its key (no scan of usage), another filter joins each usage
 * row to its stored links by key, and re-linking a changed session reads that session's rows in
 * thread order from the `usage_thread` index (never a scan of every usage row). (Speed is measured in bench/, not here.)
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  driverJoins,
  driverRowsSql,
  sessionBucketsSql,
  sessionRowsSql,
} from '../../src/ledger/call-driver-sql.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import { cleanupTemp, tempDir } from '../helpers/ledger.js';

afterEach(cleanupTemp);

function planOf(db: Database.Database, sql: string): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail);
}

describe('the call-activity reads on SQLite', () => {
  it('reads the rollups by key, joins links by key, and re-links a session in index order', async () => {
    const file = path.join(tempDir(), 'ledger.db');
    await SqliteStore.open(file).close();
    const db = new Database(file, { readonly: true });
    try {
      for (const table of ['activity_rollup', 'activity_rollup_day']) {
        const unit = table === 'activity_rollup' ? 'bucket' : 'day';
        expect(
          planOf(db, `SELECT * FROM ${table} WHERE kind = 'tool' AND ${unit} >= 1 AND ${unit} < 9`),
        ).toEqual([`SEARCH ${table} USING PRIMARY KEY (kind=? AND ${unit}>? AND ${unit}<?)`]);
      }
      const joined = planOf(
        db,
        `SELECT ca_tool.value, sum(u.input_tokens) FROM usage u ${driverJoins(['tool'], 'CROSS JOIN')} WHERE u.project = 'p' GROUP BY 1`,
      );
      expect(joined.some((d) => /SEARCH ca_tool USING PRIMARY KEY \(usage_id=\? AND kind=\?\)/.test(d))).toBe(
        true,
      );
      expect(joined.some((d) => d.startsWith('SCAN ca_tool'))).toBe(false);
      const relink = planOf(db, driverRowsSql('', 'activity_dirty', 'CROSS JOIN'));
      expect(
        relink.some((d) =>
          /SEARCH u USING (COVERING )?INDEX usage_thread \(source=\? AND session_id=\?\)/.test(d),
        ),
      ).toBe(true);
      expect(relink.some((d) => d.startsWith('SCAN u'))).toBe(false);
      for (const sql of [
        sessionRowsSql('activity_dirty', 'CROSS JOIN'),
        sessionBucketsSql('activity_dirty', 'CROSS JOIN'),
      ])
        expect(planOf(db, sql).some((d) => d.startsWith('SCAN u'))).toBe(false);
    } finally {
      db.close();
    }
  });
});
