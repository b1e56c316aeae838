/**
 * MCP tool `budget_status` through a real MCP client session (the SDK's Client over stdio, spawning
 * the built CLI): the budgets `tokenledger budget status --json` prints, from the same ledger.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetReport } from '../../src/app/budget-status.js';
import { BIN } from '../helpers/built-cli.js';
import { useSandbox } from '../helpers/cli.js';
import { respond } from '../helpers/transcript-writer.js';

const SESSION = '3c9a0000-0000-4000-8000-0000000000c3';
const cli = useSandbox('tl-mcp-budget-', { per: 'file', dirs: ['claude', 'tl', 'proj'] });
let client: Client;

beforeAll(async () => {
  const proj = cli.path('proj');
  respond(cli.claude, { dir: proj, session: SESSION, input: 2990, output: 10 });
  cli.ok(['budget', 'set', 'daily', '4k', '--per', 'day']);
  cli.ok(['budget', 'set', 'proj', '$10', '--per', 'month', '--project', proj]);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp'],
    env: cli.env(),
    cwd: proj,
    stderr: 'pipe',
  });
  client = new Client({ name: 'tokenledger-test', version: '1.0.0' });
  await client.connect(transport);
}, 60_000);

afterAll(async () => {
  await client?.close();
});

/** What does not depend on the moment it was asked. */
function stable(r: BudgetReport) {
  return r.budgets.map(({ forecast, ...rest }) => ({ ...rest, basisFrom: forecast.basis.from }));
}

describe('MCP budget_status', () => {
  it('answers what `budget status --json` prints, after importing new transcripts', async () => {
    const result = await client.callTool({ name: 'budget_status', arguments: {} });
    expect(result.isError).not.toBe(true);
    const content = result.content as { type: string; text: string }[];
    const answer = JSON.parse(content[0]?.text ?? '') as BudgetReport;
    expect(result.structuredContent).toEqual(answer);
    expect(answer.budgets.map((b) => [b.name, b.spent, b.reached])).toEqual([
      ['daily', 3000, [50, 75]],
      ['proj', expect.closeTo((2990 * 3 + 10 * 15) / 1e6, 12), []],
    ]);
    const cliAnswer = cli.json<BudgetReport>(['budget', 'status', '--json', '--no-import']);
    expect(stable(answer)).toEqual(stable(cliAnswer));
    expect(answer.meta).toMatchObject({ timezone: 'UTC', weekStart: 'sunday' });

    const bad = await client.callTool({ name: 'budget_status', arguments: { timezone: 'Mars/Olympus' } });
    expect(bad.isError).toBe(true);
    expect((bad.structuredContent as { error: string }).error).toContain(
      '"Mars/Olympus" is not a known time zone',
    );
  });
});
