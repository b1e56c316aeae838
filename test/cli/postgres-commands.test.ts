/**
 * The commands on a PostgreSQL ledger (`--db postgres://…` and `TOKENLEDGER_DB`): `import` (on worker
 * threads too: they open the database, not a file), `daily --json`, `report --by task,stage`,
 * `report --by machine,user` and `status` give what the same commands give on a SQLite file, and
 * nothing is written where a file ledger would be. Runs against a fresh database (see
 * test/helpers/postgres.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSandbox } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/ledger.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/postgres.js';

const available = await postgresAvailable();
const cli = useSandbox('tl-pg-cli-', { per: 'file', dirs: ['claude', 'tl'] });

describe.skipIf(!available)('commands on a PostgreSQL ledger', () => {
  let db: TestDatabase | undefined;
  let file = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    for (const name of ['layout-nested-subagents', 'fork', 'cost-state'])
      fs.cpSync(path.join(FIXTURES, name), cli.path('claude'), {
        recursive: true,
        filter: (src) => path.basename(src) !== 'expected.json',
      });
    file = cli.path('ledger.db');
  });

  afterAll(async () => {
    await db?.drop();
  }, 60_000);

  it('imports on worker threads, and reports what SQLite reports', () => {
    const url = db?.url ?? '';
    const pg = JSON.parse(cli.ok(['import', '--json', '--threads', '2', '--db', url])) as {
      records: number;
      added: number;
      ledger: string;
    };
    const sqlite = JSON.parse(cli.ok(['import', '--json', '--threads', '2', '--db', file])) as typeof pg;
    expect(pg.added).toBeGreaterThan(0);
    expect({ ...pg, ledger: '' }).toMatchObject({ ...sqlite, ledger: '', durationMs: expect.any(Number) });
    expect(pg.ledger).toBe(url);
    for (const args of [
      ['daily', '--json'],
      ['report', '--by', 'task,stage', '--json'],
      ['report', '--by', 'machine,user', '--json'],
      ['session', '--json'],
    ])
      expect(cli.ok(args, { env: { TOKENLEDGER_DB: url } }), args.join(' ')).toBe(
        cli.ok([...args, '--db', file]),
      );
    const status = cli.ok(['status', '--db', url]);
    expect(status).toContain(`Ledger:       ${url}`);
    expect(status).toMatch(/Holds: {8}\d+ API calls/);
    // Nothing was made where a file ledger would be.
    expect(fs.existsSync(cli.path('tl', 'ledger.db'))).toBe(false);
  });
});
