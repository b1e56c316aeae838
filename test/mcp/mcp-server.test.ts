/**
 * `tokenledger mcp` through a real MCP client session: the SDK's Client over stdio, spawning the
 * built CLI (`node bin/tokenledger.js mcp --db …`) with HOME, CLAUDE_CONFIG_DIR and TOKENLEDGER_HOME
 * in temp dirs, a transcript written there, and a task attributed with `tokenledger task start`.
 * Every number is checked against the CLI's own reports on the same ledger.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentMetaJson, assistantLine } from '../../src/synthetic/transcript-lines.js';
import { BIN } from '../helpers/built-cli.js';
import { useSandbox } from '../helpers/cli.js';

const SONNET = 'claude-sonnet-4-5-20250929';
const HAIKU = 'claude-haiku-4-5-20251001';
const SESSION = '3c9a0000-0000-4000-8000-0000000000a1';
const OTHER_SESSION = '3c9a0000-0000-4000-8000-0000000000b2';

const cli = useSandbox('tl-mcp-', { per: 'file', dirs: ['claude', 'tl', 'projects/app', 'projects/other'] });
let db: string;
let tokenUsage: string;
let project: string;
let client: Client;
let stderr = '';
/** Transport errors, e.g. a line on stdout that is not protocol. */
const clientErrors: Error[] = [];
let n = 0;

/** Runs the CLI on the same ledger and parses its JSON output. */
function onLedger<T>(args: string[]): T {
  return cli.json<T>([...args, '--db', db]);
}

/** Appends one response stamped now to a session's main transcript, or to one of its subagents'. */
function respond(
  dir: string,
  session: string,
  o: { input: number; output: number; model: string; agentId?: string },
): void {
  n++;
  const main = path.join(cli.claude, 'projects', dir.replace(/[^a-zA-Z0-9]/g, '-'), `${session}.jsonl`);
  const file =
    o.agentId === undefined
      ? main
      : path.join(path.dirname(main), session, 'subagents', `agent-${o.agentId}.jsonl`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(
    file,
    `${assistantLine({
      env: {
        sessionId: session,
        cwd: dir,
        gitBranch: 'main',
        version: '2.1.330',
        isSidechain: o.agentId !== undefined,
        agentId: o.agentId,
      },
      uuid: `u-mcp-${n}`,
      parentUuid: null,
      timestamp: new Date().toISOString(),
      messageId: `msg_mcp_${n}`,
      requestId: `req_mcp_${n}`,
      model: o.model,
      block: { type: 'text', text: 'ok' },
      blockIndex: 0,
      usage: { input: o.input, output: o.output, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0 },
      output: o.output,
      stopReason: 'end_turn',
    })}\n`,
  );
}

interface ToolAnswer {
  isError: boolean;
  json: Record<string, unknown>;
  texts: string[];
}

async function call(name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
  const result = await client.callTool({ name, arguments: args });
  const content = (result.content ?? []) as { type: string; text?: string }[];
  const texts = content.filter((c) => c.type === 'text').map((c) => c.text ?? '');
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(texts[0] ?? '') as Record<string, unknown>;
  } catch {
    // a plain-text error from the SDK
  }
  if (result.structuredContent !== undefined) expect(result.structuredContent).toEqual(json);
  return { isError: result.isError === true, json, texts };
}

function metricsLines(): Record<string, unknown>[] {
  const file = path.join(cli.tlHome, 'metrics.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(async () => {
  db = cli.path('ledger', 'ledger.db');
  tokenUsage = cli.path('token-usage');
  project = cli.path('projects', 'app');
  const other = cli.path('projects', 'other');

  // T-1 gets the app project's usage from now on: the main thread (sonnet) and a code-reviewer subagent (haiku).
  onLedger(['task', 'start', 'T-1', '--project', project, '--title', 'Add login', '--json']);
  respond(project, SESSION, { input: 1000, output: 200, model: SONNET });
  respond(project, SESSION, { input: 500, output: 50, model: HAIKU, agentId: 'rev1' });
  const sub = path.join(cli.claude, 'projects', project.replace(/[^a-zA-Z0-9]/g, '-'), SESSION, 'subagents');
  fs.writeFileSync(path.join(sub, 'agent-rev1.meta.json'), agentMetaJson('code-reviewer', 'toolu_1', HAIKU));
  // Usage no task holds.
  respond(other, OTHER_SESSION, { input: 300, output: 30, model: SONNET });

  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', '--db', db, '--root', tokenUsage],
    env: cli.env(),
    cwd: project,
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  client = new Client({ name: 'tokenledger-test', version: '1.0.0' });
  client.onerror = (error) => clientErrors.push(error);
  await client.connect(transport);
}, 60_000);

afterAll(async () => {
  await client?.close();
});

describe('tokenledger mcp', () => {
  it('lists the tools with their input schemas', async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual([
      'anomalies',
      'budget_status',
      'compare',
      'estimate',
      'log_task_tokens',
      'query_usage',
      'record_usage',
      'review',
      'tasks',
      'usage_report',
    ]);
    for (const t of tools) {
      expect(t.inputSchema.type).toBe('object');
      expect(t.description?.length ?? 0).toBeGreaterThan(20);
    }
    const log = byName.get('log_task_tokens')?.inputSchema;
    expect(Object.keys(log?.properties ?? {}).sort()).toEqual([
      'agent_id',
      'create',
      'estimated_tokens',
      'task_id',
    ]);
    expect(log?.required).toEqual(['task_id']);
    const record = byName.get('record_usage')?.inputSchema;
    expect(Object.keys(record?.properties ?? {}).sort()).toEqual([
      'days',
      'entries',
      'mode',
      'task_id',
      'timestamp',
      'user_request_summary',
    ]);
    expect(record?.required).toEqual(['mode']);
    expect(record?.properties?.mode).toMatchObject({
      enum: ['log_only', 'log_and_summarize', 'review_period'],
    });
    expect(Object.keys(byName.get('query_usage')?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['by', 'since', 'until', 'task']),
    );
    expect(Object.keys(byName.get('usage_report')?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['period', 'days', 'since', 'until', 'top']),
    );
  });

  it('log_task_tokens: the task’s actual tokens against the estimate, saved, and a metrics line', async () => {
    const before = metricsLines().length;
    const r = await call('log_task_tokens', { task_id: 'T-1', estimated_tokens: 1000 });
    expect(r.isError).toBe(false);
    // 1000 + 200 (main thread) + 500 + 50 (code-reviewer)
    expect(r.json).toMatchObject({
      task_id: 'T-1',
      agent_id: null,
      estimated: 1000,
      actual: 1750,
      variance: '+75%',
      api_calls: 2,
      overrun: false,
    });
    expect(r.json.cost_usd).toBeGreaterThan(0);
    const show = onLedger<{
      task: { estimate: { tokens: number } };
      totals: { totalTokens: number; totalCost: number };
    }>(['task', 'show', 'T-1', '--json']);
    expect(show.totals.totalTokens).toBe(1750);
    expect(r.json.cost_usd).toBeCloseTo(show.totals.totalCost, 6);
    expect(show.task.estimate.tokens).toBe(1000);
    const lines = metricsLines();
    expect(lines.length).toBe(before + 1);
    expect(lines.at(-1)).toMatchObject({
      event: 'log_task_tokens',
      task: 'T-1',
      estimated: 1000,
      actual: 1750,
      variance: '+75%',
      date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
  });

  it('log_task_tokens narrows to one agent, by type or id, and keeps the saved estimate', async () => {
    const reviewer = await call('log_task_tokens', { task_id: 'T-1', agent_id: 'code-reviewer' });
    expect(reviewer.json).toMatchObject({
      agent_id: 'code-reviewer',
      estimated: 1000,
      actual: 550,
      variance: '-45%',
    });
    const byId = await call('log_task_tokens', {
      task_id: 'T-1',
      agent_id: 'rev1',
      estimated_tokens: '0.5k',
    });
    expect(byId.json).toMatchObject({ estimated: 500, actual: 550, variance: '+10%' });
    const main = await call('log_task_tokens', { task_id: 'T-1', agent_id: 'main' });
    expect(main.json).toMatchObject({ actual: 1200, variance: '+140%' });
    expect(metricsLines().at(-1)).toMatchObject({ task: 'T-1', agent: 'main', actual: 1200, estimated: 500 });
    const nobody = await call('log_task_tokens', { task_id: 'T-1', agent_id: 'planner' });
    expect(nobody.json).toMatchObject({ actual: 0 });
    expect(String(nobody.json.note)).toContain('code-reviewer');
  });

  it('log_task_tokens on an id the ledger never heard of is an error, and creates nothing', async () => {
    const before = metricsLines().length;
    for (const args of [{ task_id: 'T-NEVER' }, { task_id: 'T-NEVER', estimated_tokens: 20000 }]) {
      const r = await call('log_task_tokens', args);
      expect(r.isError).toBe(true);
      expect(r.json.error).toContain('the ledger has never heard of task T-NEVER');
      expect(r.json.error).toContain('pass create: true');
    }
    expect(metricsLines().length).toBe(before);
    const tasks = onLedger<{ tasks: { id: string }[] }>(['task', 'list', '--json', '--no-import']).tasks;
    expect(tasks.map((t) => t.id)).not.toContain('T-NEVER');
  });

  it('log_task_tokens with create: true makes an open task; without usage yet there is no variance, not -100%', async () => {
    const r = await call('log_task_tokens', { task_id: 'T-EMPTY', estimated_tokens: 20000, create: true });
    expect(r.isError).toBe(false);
    expect(r.json).toMatchObject({
      task_id: 'T-EMPTY',
      estimated: 20000,
      actual: 0,
      variance: null,
      ratio: null,
      task: { status: 'open' },
    });
    expect(String(r.json.note)).toContain(
      'Task T-EMPTY was new to the ledger; it was created with this estimate.',
    );
    expect(String(r.json.note)).toContain(
      'No usage is attributed to task T-EMPTY yet, so actual is 0 and there is no variance yet.',
    );
    expect(metricsLines().at(-1)).toMatchObject({
      task: 'T-EMPTY',
      estimated: 20000,
      actual: 0,
      variance: null,
    });
    // Known now: a second call needs no create.
    const again = await call('log_task_tokens', { task_id: 'T-EMPTY' });
    expect(again.isError).toBe(false);
    expect(again.json).toMatchObject({ estimated: 20000, variance: null });
  });

  it('query_usage by model and day gives exactly what `report --by model,day --json` gives', async () => {
    const r = await call('query_usage', { by: ['model', 'day'] });
    expect(r.isError).toBe(false);
    const report = onLedger<{ rows: unknown[]; totals: Record<string, unknown> }>([
      'report',
      '--by',
      'model,day',
      '--json',
    ]);
    expect(r.json.rows).toEqual(report.rows);
    expect(r.json.totals).toEqual(report.totals);
    expect(r.json.totals).toMatchObject({ inputTokens: 1800, outputTokens: 280, totalTokens: 2080 });
    const byModel = await call('query_usage', { by: 'model' });
    expect(byModel.json.rows).toEqual(
      onLedger<{ rows: unknown[] }>(['report', '--by', 'model', '--json']).rows,
    );
  });

  it('query_usage by tool and file gives exactly what `report --by tool,file --json` gives, note included', async () => {
    const r = await call('query_usage', { by: ['tool', 'mcp-server', 'skill', 'file'] });
    expect(r.isError).toBe(false);
    const report = onLedger<{ rows: unknown[]; totals: Record<string, unknown>; meta: { note?: string } }>([
      'report',
      '--by',
      'tool,mcp-server,skill,file',
      '--json',
    ]);
    expect(r.json.rows).toEqual(report.rows);
    expect(r.json.totals).toEqual(report.totals);
    expect(r.json.meta).toMatchObject({ note: report.meta.note });
    expect(report.meta.note).toContain('more than the total');
  });

  it('query_usage filters by task (with its subtree) and groups by agent and stage', async () => {
    const r = await call('query_usage', { by: ['task', 'agent'], task: 'T-1' });
    const rows = (r.json.rows as { task: string; agent: string; totalTokens: number }[]).map((x) => [
      x.task,
      x.agent,
      x.totalTokens,
    ]);
    expect(rows.sort()).toEqual([
      ['T-1', 'code-reviewer', 550],
      ['T-1', 'main', 1200],
    ]);
    expect(r.json.totals).toMatchObject({ totalTokens: 1750 });
  });

  it('usage_report totals are those of `daily --json` for the same days', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const r = await call('usage_report', { period: 'today' });
    expect(r.isError).toBe(false);
    const daily = onLedger<{ totals: Record<string, unknown> }>([
      'daily',
      '--since',
      today,
      '--until',
      today,
      '--json',
    ]);
    expect(r.json.totals).toEqual(daily.totals);
    expect(r.json.totals).toMatchObject({ totalTokens: 2080, responses: 3 });
    expect(r.json.period).toMatchObject({ name: 'today', since: today, until: today, timezone: 'UTC' });
    expect((r.json.topTasks as { task: string; totalTokens: number; title: string }[])[0]).toMatchObject({
      task: 'T-1',
      title: 'Add login',
      totalTokens: 1750,
    });
    expect(r.json.unattributed).toMatchObject({ totalTokens: 330 });
    expect(
      (r.json.byModel as { model: string; totalTokens: number }[])
        .map((m) => [m.model, m.totalTokens])
        .sort(),
    ).toEqual([
      [HAIKU, 550],
      [SONNET, 1530],
    ]);
    expect(r.texts[1]).toMatch(/^Usage today \(\d{4}-\d{2}-\d{2}, UTC\): 2,080 tokens/);
    const all = await call('usage_report', { period: 'all' });
    expect(all.json.totals).toEqual(onLedger<{ totals: unknown }>(['daily', '--json']).totals);
  });

  it('record_usage records a seed 000 request and answers with the §5 JSON', async () => {
    const r = await call('record_usage', {
      mode: 'log_and_summarize',
      task_id: 'T-R1',
      timestamp: new Date().toISOString(),
      user_request_summary: 'Add a login page.',
      entries: [
        {
          agent: 'build-lead',
          model: 'opus',
          input_tokens: 12000,
          output_tokens: 3000,
          total_tokens: 15000,
          estimated_cost: 0.45,
        },
      ],
    });
    expect(r.isError).toBe(false);
    expect(r.json).toEqual({ status: 'recorded', task_id: 'T-R1', summary: expect.any(String) });
    expect(String(r.json.summary)).toContain('15,000 tokens');
    // The declared usage is in the ledger now.
    const q = await call('query_usage', { by: ['task', 'agent'], task: 'T-R1' });
    expect(q.json.rows).toEqual([
      expect.objectContaining({ task: 'T-R1', agent: 'build-lead', totalTokens: 15000 }),
    ]);
    // log_task_tokens counts the declared usage of a task that was never started.
    const logged = await call('log_task_tokens', { task_id: 'T-R1', estimated_tokens: 10000 });
    expect(logged.json).toMatchObject({ task_id: 'T-R1', estimated: 10000, actual: 15000, variance: '+50%' });
    expect(logged.json.by_model).toEqual([expect.objectContaining({ model: 'opus', tokens: 15000 })]);
    // And its task file went under --root.
    expect(fs.readdirSync(path.join(tokenUsage, 'tasks')).some((f) => f.endsWith('-T-R1.json'))).toBe(true);
  });

  it('record_usage answers {status: "error", reason} for a bad request, without an SDK schema rejection', async () => {
    const negative = await call('record_usage', {
      mode: 'log_only',
      task_id: 'T-R2',
      entries: [{ agent: 'ui-impl', model: 'sonnet', input_tokens: -5, output_tokens: 10 }],
    });
    expect(negative.isError).toBe(true);
    expect(negative.json).toEqual({ status: 'error', reason: expect.stringContaining('-5 is negative') });
    expect(String(negative.json.reason)).toContain('entries[0].input_tokens');
    const wrongType = await call('record_usage', { mode: 'log_only', task_id: 'T-R3', entries: 'many' });
    expect(wrongType.json).toMatchObject({ status: 'error', reason: expect.stringContaining('entries') });
    const noMode = await call('record_usage', { task_id: 'T-R4' });
    expect(noMode.json).toMatchObject({ status: 'error', reason: expect.stringContaining('mode') });
    const q = await call('query_usage', { by: ['task'], task: 'T-R2' });
    expect(q.json.rows).toEqual([]);
  });

  it('a failing call is that call’s error, and the server goes on', async () => {
    const bad = [
      await call('log_task_tokens', { task_id: 'a/b' }),
      await call('log_task_tokens', { task_id: 'T-1', estimated_tokens: -3 }),
      await call('query_usage', { by: ['colour'] }),
      await call('query_usage', { by: ['model'], since: 'yesterday' }),
      await call('query_usage', { by: 5 }),
      await call('query_usage', { by: [] }),
      await call('usage_report', { timezone: 'Mars/Olympus' }),
      await call('no_such_tool', {}),
    ];
    for (const r of bad) expect(r.isError, JSON.stringify(r)).toBe(true);
    expect(bad[0]?.json.error).toContain('path separator');
    expect(bad[2]?.json.error).toContain('unknown dimension "colour"');
    expect(bad[3]?.json.error).toContain('since "yesterday" is not a date');
    expect(bad[4]?.texts[0]).toContain('Invalid arguments for tool query_usage');
    expect(bad[5]?.json.error).toContain('unknown dimension (none given)');
    expect(bad[6]?.json.error).toContain('timezone "Mars/Olympus"');
    const after = await call('query_usage', { by: ['model'] });
    expect(after.isError).toBe(false);
    expect(after.json.totals).toMatchObject({ totalTokens: 2080 + 15000 });
    // Calls sent at once are answered, one after the other.
    const together = await Promise.all([
      call('usage_report', { period: 'all' }),
      call('log_task_tokens', { task_id: 'T-1' }),
      call('query_usage', { by: 'task' }),
    ]);
    expect(together.map((r) => r.isError)).toEqual([false, false, false]);
    expect(together[1]?.json).toMatchObject({ actual: 1750 });
    expect(stderr).toContain('tokenledger mcp: serving on stdio');
    expect(clientErrors).toEqual([]);
  });
});
