/**
 * `export --jsonl` and `import-jsonl` between a PostgreSQL ledger and SQLite files, both ways, and the
 * MCP server (`tokenledger mcp --db postgres://…`) through the official SDK client: what PostgreSQL
 * gives equals what SQLite gives (see test/helpers/postgres-twins.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/built-cli.js';
import { useSandbox } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/ledger.js';
import {
  createTestDatabase,
  createTestSchema,
  postgresAvailable,
  type TestDatabase,
  type TestSchema,
} from '../helpers/postgres.js';
import { normalize, twins } from '../helpers/postgres-twins.js';
import { respond } from '../helpers/transcript-writer.js';

const available = await postgresAvailable();
const cli = useSandbox('tl-pg-export-', { per: 'file', dirs: ['claude', 'tl', 'projects/app/.git'] });
let db: TestDatabase | undefined;
let copy: TestSchema | undefined;
const both = twins(
  cli,
  () => db?.url ?? '',
  () => cli.path('ledger.db'),
);
const SESSION = '3c9a0000-0000-4000-8000-0000000000a1';

const REPORTS = [
  ['daily', '--json'],
  ['report', '--by', 'task,stage,agent,model', '--json'],
  ['report', '--by', 'machine,user,project', '--json'],
  ['session', '--json'],
  ['task', 'list', '--json'],
  ['task', 'show', 'T-1', '--json'],
  ['variance', '--json'],
];

/** Every file under `dir` (relative) with its lines, sorted, timestamps taken out. */
function folder(dir: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const file = path.join(dir, f);
    if (fs.statSync(file).isFile())
      out[f] = fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .map((line) => normalize(line, dir))
        .sort();
  }
  return out;
}

describe.skipIf(!available)('export, import-jsonl and MCP on a PostgreSQL ledger', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    copy = await createTestSchema(db);
    for (const name of ['layout-nested-subagents', 'fork'])
      fs.cpSync(path.join(FIXTURES, name), cli.claude, {
        recursive: true,
        filter: (src) => path.basename(src) !== 'expected.json',
      });
    const app = cli.path('projects', 'app');
    both.same(['import', '--json']);
    both.same([
      'task',
      'start',
      'T-1',
      '--project',
      app,
      '--title',
      'Add login',
      '--estimate',
      '2k',
      '--json',
    ]);
    respond(cli.claude, { dir: app, session: SESSION, input: 1000, output: 200 });
    respond(cli.claude, { dir: app, session: SESSION, input: 500, output: 50, agentId: 'rev1' });
    both.same(['task', 'stop', 'T-1', '--json']);
    const request = {
      mode: 'log_and_summarize',
      task_id: 'T-1',
      timestamp: '2025-11-28T14:30:00Z',
      entries: [{ agent: 'lead', model: 'opus', input_tokens: 100, output_tokens: 20, total_tokens: 120 }],
    };
    both.same(['record'], { input: JSON.stringify(request), cwd: app });
  }, 120_000);

  afterAll(async () => {
    await copy?.drop();
    await db?.drop();
  }, 60_000);

  it('export from PostgreSQL imports into SQLite, and the other way round, with the same reports', () => {
    const fromPg = cli.path('export-pg');
    const fromSqlite = cli.path('export-sqlite');
    const pg = both.run('pg', ['export', '--jsonl', fromPg, '--json', '--no-import']);
    const sqlite = both.run('sqlite', ['export', '--jsonl', fromSqlite, '--json', '--no-import']);
    expect(pg.status, pg.stderr).toBe(0);
    expect(sqlite.status, sqlite.stderr).toBe(0);
    expect(normalize(normalize(pg.stdout, fromPg), both.ledger.pg)).toBe(
      normalize(normalize(sqlite.stdout, fromSqlite), both.ledger.sqlite),
    );
    expect(folder(fromPg)).toEqual(folder(fromSqlite));

    const intoSqlite = cli.path('from-pg.db');
    const intoPg = copy?.location.url ?? '';
    const a = cli.run(['import-jsonl', fromPg, '--json', '--db', intoSqlite]);
    const b = cli.run(['import-jsonl', fromSqlite, '--json', '--db', intoPg]);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    expect(normalize(normalize(b.stdout, intoPg), fromSqlite)).toBe(
      normalize(normalize(a.stdout, intoSqlite), fromPg),
    );
    for (const args of REPORTS) {
      const want = normalize(
        cli.ok([...args, '--no-import', '--db', both.ledger.sqlite]),
        both.ledger.sqlite,
      );
      expect(
        normalize(cli.ok([...args, '--no-import', '--db', intoSqlite]), intoSqlite),
        `${args.join(' ')} (SQLite from PostgreSQL)`,
      ).toBe(want);
      expect(
        normalize(cli.ok([...args, '--no-import', '--db', intoPg]), intoPg),
        `${args.join(' ')} (PostgreSQL from SQLite)`,
      ).toBe(want);
    }
    // Importing it again changes nothing.
    const again = JSON.parse(cli.ok(['import-jsonl', fromSqlite, '--json', '--db', intoPg])) as Record<
      string,
      unknown
    >;
    expect(again).toMatchObject({ merged: 0, unchanged: again.records });
  });

  it('the MCP tools answer on PostgreSQL what they answer on SQLite', async () => {
    const answers: Record<string, string[]> = {};
    for (const [on, ledger] of Object.entries(both.ledger)) {
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [BIN, 'mcp', '--db', ledger, '--root', cli.path(`token-usage-${on}`)],
        env: cli.env(),
        cwd: cli.path('projects', 'app'),
        stderr: 'pipe',
      });
      const client = new Client({ name: 'tokenledger-test', version: '1.0.0' });
      await client.connect(transport);
      try {
        const texts: string[] = [];
        for (const [name, args] of [
          ['query_usage', { by: ['model', 'day'] }],
          ['query_usage', { by: ['task', 'agent'], task: 'T-1' }],
          ['usage_report', { period: 'all' }],
          ['log_task_tokens', { task_id: 'T-1', estimated_tokens: 1000 }],
        ] as const) {
          const result = await client.callTool({ name, arguments: args });
          const content = (result.content ?? []) as { type: string; text?: string }[];
          expect(result.isError, `${name} on ${on}: ${content[0]?.text}`).not.toBe(true);
          texts.push(normalize(content.map((c) => c.text ?? '').join('\n'), ledger));
        }
        answers[on] = texts;
      } finally {
        await client.close();
      }
    }
    expect(answers.pg).toEqual(answers.sqlite);
    expect(answers.pg?.[3]).toContain('"task_id": "T-1"');
  }, 60_000);
});
