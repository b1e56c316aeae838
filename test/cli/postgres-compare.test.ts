/**
 * `tokenledger compare` on a PostgreSQL ledger: the same planted cohorts and checks as on SQLite
 * (compare-scenario.ts), the same JSON as a SQLite ledger loaded from the same folder, and the
 * estimate checks (estimate-scenario.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSandbox } from '../helpers/cli.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/postgres.js';
import { checkCompare, loadPlanted } from './compare-scenario.js';
import { checkEstimate } from './estimate-scenario.js';

const available = await postgresAvailable();
const cli = useSandbox('tl-pg-compare-', { per: 'file', dirs: ['tl', 'project'] });
let db: TestDatabase | undefined;

describe.skipIf(!available)('compare on a PostgreSQL ledger', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  }, 60_000);

  it('finds the planted saving, gives no verdict where there is no difference, and agrees with SQLite', () => {
    const url = db?.url ?? '';
    loadPlanted(cli, url);
    checkCompare(cli, url);
    const file = cli.path('twin.db');
    loadPlanted(cli, file);
    const args = ['compare', '--a', 'label:workflow=v1', '--b', 'label:workflow=v2', '--no-import', '--json'];
    expect(cli.ok([...args, '--db', url])).toBe(cli.ok([...args, '--db', file]));
  }, 180_000);

  it('estimate, task start --estimate auto and forecast accuracy', () => {
    checkEstimate(cli, db?.url ?? '', cli.path('project'));
  }, 120_000);
});
