/**
 * MCP tool `tasks` through a real MCP client session (the SDK's Client over stdio, spawning the built
 * CLI) on a ledger with planted tasks: it answers exactly what `tokenledger task list --json` and
 * `task show ID --json` print, with and without the days and project filters, and a bad argument is
 * that call's error, not the session's end.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/built-cli.js';
import { useSandbox } from '../helpers/cli.js';
import { writePlantedLedger } from '../helpers/planted-cohorts.js';

const cli = useSandbox('tl-mcp-tasks-', { per: 'file', dirs: ['tl'] });
let db: string;
let client: Client;

beforeAll(async () => {
  db = cli.path('ledger.db');
  const dir = writePlantedLedger(cli.path('planted'), {
    seed: 7,
    sigma: 0.2,
    cohorts: [
      { prefix: 'A', tasks: 30, labels: { workflow: 'v1' }, scale: 1, estimateTokens: 50_000 },
      { prefix: 'B', tasks: 10, labels: { workflow: 'v2' }, scale: 0.6 },
    ],
  });
  cli.ok(['import-jsonl', dir, '--db', db]);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', '--db', db, '--no-import'],
    env: cli.env(),
    stderr: 'pipe',
  });
  client = new Client({ name: 'tokenledger-test', version: '1.0.0' });
  await client.connect(transport);
}, 60_000);

afterAll(async () => {
  await client?.close();
});

async function call(args: Record<string, unknown>) {
  const result = await client.callTool({ name: 'tasks', arguments: args });
  const text = ((result.content ?? []) as { text?: string }[])[0]?.text ?? '';
  return { isError: result.isError === true, json: JSON.parse(text) as Record<string, unknown> };
}

function printed(args: readonly string[]): Record<string, unknown> {
  return cli.json<Record<string, unknown>>([...args, '--db', db, '--no-import', '--json', '-z', 'UTC']);
}

interface ListedTask {
  id: string;
  actualTokens: number;
}

describe('MCP tool tasks', () => {
  it('answers what task list --json prints, narrowed by days and project as the command narrows', async () => {
    const all = await call({ timezone: 'UTC' });
    expect(all.isError).toBe(false);
    expect(all.json).toEqual(printed(['task', 'list']));
    const tasks = all.json.tasks as ListedTask[];
    expect(tasks).toHaveLength(40);
    // The tasks start 2026-11-02 09:00 UTC, an hour apart: the second day holds some of them only.
    const day = await call({ since: '2026-11-03', until: '2026-11-03', timezone: 'UTC' });
    expect(day.json).toEqual(printed(['task', 'list', '--since', '2026-11-03', '--until', '2026-11-03']));
    const some = day.json.tasks as ListedTask[];
    expect(some.length).toBeGreaterThan(0);
    expect(some.length).toBeLessThan(40);
    expect(day.json.filters).toEqual({ since: '2026-11-03', until: '2026-11-03', project: null });
    const elsewhere = await call({ project: '/nowhere', timezone: 'UTC' });
    expect(elsewhere.json).toEqual(printed(['task', 'list', '--project', '/nowhere']));
    expect(elsewhere.json.tasks).toEqual([]);
  });

  it('gives one task broken down with id, and errors that name the argument', async () => {
    const id = 'A-1';
    const shown = await call({ id, timezone: 'UTC' });
    expect(shown.isError).toBe(false);
    expect(shown.json).toEqual(printed(['task', 'show', id]));
    expect((shown.json.task as { id: string }).id).toBe(id);
    const missing = await call({ id: 'NOPE' });
    expect(missing.isError).toBe(true);
    expect(String(missing.json.error)).toContain('NOPE');
    const bad = await call({ since: 'yesterday' });
    expect(bad.isError).toBe(true);
    expect(String(bad.json.error)).toMatch(/^since "yesterday"/);
    expect((await call({})).isError).toBe(false);
  });
});
