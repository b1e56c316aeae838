/**
 * MCP tool `review` through a real MCP client session (the SDK's Client over stdio, spawning the
 * built CLI): on a planted ledger and a fixture repository it answers exactly what `tokenledger
 * review --json` prints, and with `check` what `review check ID --json` prints.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ReviewResult } from '../../src/app/review-proposals.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import { BIN } from '../helpers/built-cli.js';
import { useSandbox } from '../helpers/cli.js';
import { DAY, expensiveSmallWork, fixtureRepo, plantTasks } from '../helpers/planted-review.js';

const cli = useSandbox('tl-mcp-review-', { per: 'file' });
let client: Client;
let db = '';
let repo = '';

beforeAll(async () => {
  db = cli.path('ledger.db');
  repo = fixtureRepo(cli.path('repo'));
  const store = SqliteStore.open(db);
  try {
    const now = Date.now();
    await plantTasks(store, expensiveSmallWork(now - 6 * DAY, now - 3 * DAY));
  } finally {
    await store.close();
  }
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', '--db', db, '--no-import'],
    env: cli.env(),
    cwd: repo,
    stderr: 'pipe',
  });
  client = new Client({ name: 'tokenledger-test', version: '1.0.0' });
  await client.connect(transport);
}, 60_000);

afterAll(async () => {
  await client?.close();
});

it('answers what review --json and review check --json print', async () => {
  const answer = await client.callTool({ name: 'review', arguments: {} });
  expect(answer.isError).toBeUndefined();
  const viaCli = cli.json<ReviewResult>(['review', '--json', '--db', db, '--no-import', '--repo', repo]);
  expect(answer.structuredContent).toEqual(viaCli);
  expect(viaCli.recommendations.length).toBeGreaterThan(0);

  const id = viaCli.recommendations[0]?.id ?? '';
  const check = await client.callTool({ name: 'review', arguments: { check: id, repo } });
  expect(check.structuredContent).toEqual(
    cli.json(['review', 'check', id, '--json', '--db', db, '--no-import', '--repo', repo]),
  );
  expect(check.structuredContent).toMatchObject({ id, status: 'not_applied' });

  const bad = await client.callTool({ name: 'review', arguments: { check: 'nope' } });
  expect(bad.isError).toBe(true);
}, 60_000);
