/**
 * MCP tools `compare` and `estimate` through a real MCP client session (the SDK's Client over stdio,
 * spawning the built CLI) on a ledger with planted cohorts: they answer exactly what `tokenledger
 * compare --json` and `estimate --json` print (compare with the verdict as text), and a bad filter is
 * that call's error, not the session's end.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/built-cli.js';
import { useSandbox } from '../helpers/cli.js';
import { writePlantedLedger } from '../helpers/planted-cohorts.js';

const cli = useSandbox('tl-mcp-compare-', { per: 'file', dirs: ['tl'] });
let db: string;
let client: Client;

beforeAll(async () => {
  db = cli.path('ledger.db');
  const dir = writePlantedLedger(cli.path('planted'), {
    seed: 11,
    sigma: 0.2,
    cohorts: [
      { prefix: 'A', tasks: 20, labels: { workflow: 'v1' }, scale: 1, estimateTokens: 50_000 },
      { prefix: 'B', tasks: 20, labels: { workflow: 'v2' }, scale: 0.6 },
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

describe('MCP tool compare', () => {
  it('answers what compare --json prints, with the verdict as text', async () => {
    const args = { a: 'label:workflow=v1', b: 'label:workflow=v2', seed: 5 };
    const result = await client.callTool({ name: 'compare', arguments: args });
    const texts = ((result.content ?? []) as { type: string; text?: string }[]).map((c) => c.text ?? '');
    const cliJson = cli.json<Record<string, unknown>>([
      'compare',
      '--a',
      args.a,
      '--b',
      args.b,
      '--seed',
      '5',
      '--db',
      db,
      '--no-import',
      '--json',
    ]);
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(cliJson);
    expect(JSON.parse(texts[0] ?? '')).toEqual(cliJson);
    expect(texts[1]).toBe(cliJson.verdict);
    expect(texts[1]).toMatch(/^B costs \d+% less per task \(95% CI \d+–\d+%, n=20\/20\)\.$/);
  });

  it('a bad filter is the call’s error, naming the part and the keys', async () => {
    const result = await client.callTool({ name: 'compare', arguments: { a: 'all', b: 'workflow=v2' } });
    expect(result.isError).toBe(true);
    const text = ((result.content ?? []) as { text?: string }[])[0]?.text ?? '';
    expect((JSON.parse(text) as { error: string }).error).toMatch(
      /^b "workflow=v2": the part "workflow=v2" has no key \(key:value\)\. .*label:KEY=VALUE, stage:NAME/,
    );
    const again = await client.callTool({ name: 'compare', arguments: { a: 'all', b: 'all' } });
    expect(again.isError).toBeFalsy();
  });
});

describe('MCP tool estimate', () => {
  it('answers what estimate --json prints', async () => {
    const result = await client.callTool({
      name: 'estimate',
      arguments: { labels: ['workflow=v1'], by: 'label:workflow' },
    });
    const cliJson = cli.json<{
      categories: { category: string; tasks: number; multiplier: number | null }[];
    }>(['estimate', '--label', 'workflow=v1', '--by', 'label:workflow', '--db', db, '--no-import', '--json']);
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(cliJson);
    expect(cliJson.categories.map((c) => [c.category, c.tasks])).toEqual([['v1', 20]]);
    expect(cliJson.categories[0]?.multiplier ?? 0).toBeGreaterThan(0);
    const bad = await client.callTool({ name: 'estimate', arguments: { by: 'colour' } });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toContain('use label:KEY (e.g. label:category) or stage');
  });
});
