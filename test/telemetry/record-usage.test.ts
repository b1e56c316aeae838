/**
 * `recordUsage` (seed 000's contract) against a real SQLite ledger and a real `.token-usage/` tree
 * in temp dirs: answers, ledger totals, the captured-wins rule, missing fields and their
 * reconciliation, bad input that writes nothing partial, the spool on a locked ledger, and
 * `files sync` giving the same bytes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordUsage } from '../../src/api/record-usage.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import { syncTree } from '../../src/outputs/token-usage-tree/sync-tree.js';
import { createPricer } from '../../src/pricing/create-pricer.js';
import { World } from '../attribution/world.js';

let dir: string;
let proj: string;
let ledger: string;
let env: NodeJS.ProcessEnv;
const NOW = new Date('2026-11-22T15:00:00Z');

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-record-'));
  proj = path.join(dir, 'proj');
  fs.mkdirSync(path.join(proj, '.git'), { recursive: true });
  ledger = path.join(dir, 'ledger.db');
  env = { TOKENLEDGER_HOME: path.join(dir, 'home'), TOKENLEDGER_CONFIG: path.join(dir, 'no-config.json') };
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function record(input: unknown, extra: { now?: Date; busyTimeoutMs?: number } = {}) {
  return recordUsage(input, {
    ledger,
    cwd: proj,
    env,
    now: () => extra.now ?? NOW,
    ...(extra.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: extra.busyTimeoutMs }),
  });
}

const entry = (agent: string, model: string, input: number, output: number, cost: number | null = null) => ({
  agent,
  model,
  input_tokens: input,
  output_tokens: output,
  total_tokens: input + output,
  estimated_cost: cost,
});

const request = (
  taskId: string,
  entries: unknown[],
  mode = 'log_only',
  timestamp = '2026-11-22T14:30:00Z',
) => ({
  mode,
  task_id: taskId,
  timestamp,
  user_request_summary: 'Add a login page.\nWith tests.',
  entries,
});

async function byTask(): Promise<Record<string, { input: number; output: number; cost: number }>> {
  const store = SqliteStore.open(ledger);
  try {
    const out: Record<string, { input: number; output: number; cost: number }> = {};
    for (const r of await store.groups({ dimensions: ['task'], filter: {} })) {
      const k = r.values.task ?? '-';
      const o = out[k] ?? { input: 0, output: 0, cost: 0 };
      o.input += r.input;
      o.output += r.output;
      o.cost += r.reportedCost;
      out[k] = o;
    }
    return out;
  } finally {
    await store.close();
  }
}

function tree(): Record<string, string> {
  const root = path.join(proj, '.token-usage');
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(root, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(root);
  return out;
}

describe('recordUsage: logging modes', () => {
  it('answers seed 5.1 exactly and writes the task file of seed 6.1', async () => {
    const r = await record(request('T-12', [entry('build-lead', 'opus', 25000, 8000, 1.05)]));
    expect(r.response).toEqual({ status: 'recorded', task_id: 'T-12' });
    expect(r.exitCode).toBe(0);
    const files = tree();
    expect(Object.keys(files).sort()).toEqual([
      'tasks/usage-2026-11-22-1430-T-12.json',
      'usage-2026-11-22.md',
    ]);
    expect(JSON.parse(files['tasks/usage-2026-11-22-1430-T-12.json'] ?? '')).toEqual({
      task_id: 'T-12',
      timestamp: '2026-11-22T14:30:00Z',
      user_request_summary: 'Add a login page.\nWith tests.',
      entries: [entry('build-lead', 'opus', 25000, 8000, 1.05)],
      totals: {
        total_tokens: 33000,
        by_model: { opus: 33000 },
        by_agent: { 'build-lead': 33000 },
        estimated_cost: 1.05,
      },
      source: 'declared',
    });
    expect(await byTask()).toEqual({ 'T-12': { input: 25000, output: 8000, cost: 1.05 } });
  });

  it('log_and_summarize returns a summary computed from the numbers', async () => {
    const r = await record(
      request(
        'T-1',
        [entry('build-lead', 'opus', 10000, 2000, 0.3), entry('ui-impl', 'sonnet', 2500, 500, 0.02)],
        'log_and_summarize',
      ),
    );
    expect(r.response).toEqual({
      status: 'recorded',
      task_id: 'T-1',
      summary: 'T-1: 15,000 tokens ($0.32) across 2 agents; build-lead on opus used 80%.',
    });
  });

  it('re-recording a task replaces its entries instead of adding them', async () => {
    await record(request('T-1', [entry('a', 'opus', 100, 10, 0.1)]));
    await record(request('T-1', [entry('a', 'opus', 100, 10, 0.1)]));
    expect(await byTask()).toEqual({ 'T-1': { input: 100, output: 10, cost: 0.1 } });
    await record(request('T-1', [entry('a', 'opus', 300, 30, 0.3), entry('b', 'haiku', 5, 5, 0.01)]));
    const t = await byTask();
    expect(t['T-1']?.input).toBe(305);
    expect(t['T-1']?.output).toBe(35);
    expect(t['T-1']?.cost).toBeCloseTo(0.31, 10);
  });

  it('sums duplicate agent × model entries of one request', async () => {
    await record(request('T-1', [entry('a', 'opus', 100, 10, 0.1), entry('a', 'opus', 50, 5, 0.05)]));
    const t = await byTask();
    expect(t['T-1']?.input).toBe(150);
    expect(t['T-1']?.output).toBe(15);
  });
});

describe('recordUsage: captured usage wins', () => {
  it('drops the declared rows once captured usage is attributed to the task, and notes the mismatch', async () => {
    await record(request('T-7', [entry('build-lead', 'opus', 1000, 100, 0.5)]));
    expect(await byTask()).toEqual({ 'T-7': { input: 1000, output: 100, cost: 0.5 } });

    const world = new World();
    try {
      fs.rmSync(ledger, { force: true });
      // The world's ledger is where both go: declare again there, then capture.
      ledger = path.join(world.root, 'ledger.db');
      await record(request('T-7', [entry('build-lead', 'opus', 1000, 100, 0.5)]));
      const at = Date.parse('2026-11-22T14:40:00Z');
      await world.store.openSpan({
        scope: 'session',
        sessionId: 's1',
        fromTs: at - 1000,
        taskId: 'T-7',
        source: 'task',
      });
      world.call({ session: 's1', cwd: proj, at, input: 4000 });
      world.call({ session: 's1', cwd: proj, at: at + 1, input: 2000 });
      await world.import();
      // Captured: 6000 input + 2 output; the declaration no longer counts.
      expect(await world.inputBy(['task'])).toEqual({ 'T-7': 6000 });
      const [task] = await world.store.declaredTasks({ taskIds: ['T-7'] });
      expect(task?.captured).toBe(true);

      // The next call reconciles: the task file shows the captured usage, the error log the mismatch.
      await record(request('T-8', [entry('x', 'haiku', 1, 1, 0.001)]));
      const files = tree();
      const taskFile = JSON.parse(files['tasks/usage-2026-11-22-1430-T-7.json'] ?? '{}');
      expect(taskFile.source).toBe('captured');
      expect(taskFile.totals.total_tokens).toBe(6002);
      expect(files['errors-2026-11-22.md']).toContain('declared 1100 tokens, captured 6002 tokens (+446%');

      // Usage attributed elsewhere: the declaration counts again.
      await world.store.closeSpans({ scope: 'session', sessionId: 's1' }, at - 500);
      await world.store.attributePending({});
      expect(await world.inputBy(['task'])).toEqual({ 'T-7': 1000, 'T-8': 1, '-': 6000 });
    } finally {
      await world.close();
    }
  });
});

describe('recordUsage: the tree holds the captured usage of the project', () => {
  it("writes the day's captured usage, of tasks and of none, and the captured tasks' files", async () => {
    const world = new World();
    try {
      ledger = path.join(world.root, 'ledger.db');
      const at = Date.parse('2026-11-22T10:00:00Z');
      await world.store.saveTask({ id: 'T-7', title: 'Add the login page.' });
      await world.store.openSpan({
        scope: 'session',
        sessionId: 's1',
        fromTs: at - 1000,
        taskId: 'T-7',
        source: 'task',
      });
      world.call({ session: 's1', cwd: proj, at, input: 4000 }); // T-7, in the project
      world.call({ session: 's2', cwd: path.join(proj, 'sub'), at: at + 1, input: 2000 }); // no task, in the project
      world.call({ session: 's3', cwd: path.join(dir, 'elsewhere'), at: at + 2, input: 1000 }); // another project
      world.call({ session: 's4', cwd: `${proj}-other`, at: at + 3, input: 500 }); // a sibling, not inside
      await world.import();

      await record(request('T-8', [entry('build-lead', 'opus', 1000, 100, 0.05)]));
      const files = tree();
      expect(Object.keys(files).sort()).toEqual([
        'tasks/usage-2026-11-22-1000-T-7.json',
        'tasks/usage-2026-11-22-1430-T-8.json',
        'usage-2026-11-22.md',
      ]);
      // Sonnet 4.5: $3 per million input tokens, $15 per million output tokens; each call has 1 output token.
      expect(JSON.parse(files['tasks/usage-2026-11-22-1000-T-7.json'] ?? '')).toEqual({
        task_id: 'T-7',
        timestamp: '2026-11-22T10:00:00Z',
        user_request_summary: 'Add the login page.',
        entries: [entry('main', 'claude-sonnet-4-5-20250929', 4000, 1, 0.012015)],
        totals: {
          total_tokens: 4001,
          by_model: { 'claude-sonnet-4-5-20250929': 4001 },
          by_agent: { main: 4001 },
          estimated_cost: 0.012015,
        },
        source: 'captured',
      });
      expect(files['usage-2026-11-22.md']).toContain(`## Totals

| Agent | Model | Input | Output | Total | Cost |
|-------|-------|-------|--------|-------|------|
| build-lead | opus | 1,000 | 100 | 1,100 | $0.05 |
| main | claude-sonnet-4-5-20250929 | 6,000 | 2 | 6,002 | $0.02 |

Unattributed (no task): 2,001 tokens, $0.0060.

## Top Expensive Tasks

1. **T-8**: Largest share: build-lead on opus (100% of tokens). 1,100 tokens, $0.05.
2. **T-7**: Largest share: main on claude-sonnet-4-5-20250929 (100% of tokens). 4,001 tokens, $0.01.
`);
    } finally {
      await world.close();
    }
  });
});

describe('recordUsage: missing data (seed 8.2, 8.3)', () => {
  it('marks missing fields, logs them, and resolves them when a later call supplies them', async () => {
    const first = await record({
      mode: 'log_only',
      task_id: 'T-3',
      timestamp: '2026-11-22T10:00:00Z',
      entries: [{ agent: 'api-impl', model: 'unpriced-model', input_tokens: 700, output_tokens: 300 }],
    });
    expect(first.response).toEqual({ status: 'recorded', task_id: 'T-3' });
    expect(first.warnings).toEqual(
      expect.arrayContaining([
        'user_request_summary: missing, recorded as "unavailable"',
        'entries[0].estimated_cost: missing, recorded as null',
      ]),
    );
    let files = tree();
    const taskFile = JSON.parse(files['tasks/usage-2026-11-22-1000-T-3.json'] ?? '{}');
    expect(taskFile.user_request_summary).toBe('unavailable');
    // total_tokens follows from input + output at once; the cost of an unpriced model cannot.
    expect(taskFile.entries[0]).toEqual({
      agent: 'api-impl',
      model: 'unpriced-model',
      input_tokens: 700,
      output_tokens: 300,
      total_tokens: 1000,
      estimated_cost: null,
    });
    const errors = files['errors-2026-11-22.md'] ?? '';
    expect(errors).toContain('estimated_cost of api-impl on unpriced-model was not sent');
    expect(errors).toMatch(/estimated_cost[^\n]*pending/);
    expect(errors).toMatch(/total_tokens[^\n]*resolved/);

    await record({
      mode: 'log_only',
      task_id: 'T-3',
      user_request_summary: 'Build the API.',
      entries: [{ agent: 'api-impl', model: 'unpriced-model', estimated_cost: 0.07 }],
    });
    files = tree();
    expect(JSON.parse(files['tasks/usage-2026-11-22-1000-T-3.json'] ?? '{}').entries[0].estimated_cost).toBe(
      0.07,
    );
    expect(files['errors-2026-11-22.md']).not.toMatch(/\| pending \|/);
    expect(files['errors-2026-11-22.md']).toContain('supplied by a later call');
  });

  it('gives a request without task_id its own task, never merged with another', async () => {
    const a = await record({ mode: 'log_only', entries: [entry('a', 'opus', 1, 1, 0.01)] });
    const b = await record(
      { mode: 'log_only', entries: [entry('a', 'opus', 2, 2, 0.02)] },
      { now: new Date(NOW.getTime() + 1) },
    );
    expect(a.response).toEqual({ status: 'recorded', task_id: 'unavailable' });
    expect(b.response).toEqual({ status: 'recorded', task_id: 'unavailable' });
    const tasks = Object.keys(await byTask());
    expect(tasks).toHaveLength(2);
    for (const t of tasks) expect(t).toMatch(/^unavailable-[0-9a-f]{16}$/);
  });
});

describe('recordUsage: bad input', () => {
  const bad: [string, unknown, RegExp][] = [
    [
      'a negative count',
      request('T', [{ ...entry('a', 'opus', 1, 1), input_tokens: -5 }]),
      /input_tokens: -5 is negative/,
    ],
    [
      'a wrong type',
      request('T', [{ ...entry('a', 'opus', 1, 1), output_tokens: '3' }]),
      /output_tokens: "3" is not a number/,
    ],
    [
      'a total that does not add up',
      request('T', [{ ...entry('a', 'opus', 1, 1), total_tokens: 5 }]),
      /does not equal input_tokens \+ output_tokens/,
    ],
    [
      'an unknown mode',
      { ...request('T', [entry('a', 'opus', 1, 1)]), mode: 'log_everything' },
      /"log_everything" is not a mode/,
    ],
    [
      'an oversized payload',
      JSON.stringify(request('T', [entry('a', 'x'.repeat(2 * 1024 * 1024), 1, 1)])),
      /over the limit/,
    ],
    ['invalid JSON', '{"mode": "log_only", ', /invalid JSON/],
  ];
  for (const [what, input, reason] of bad) {
    it(`rejects ${what}: status error, exit 1, nothing recorded`, async () => {
      const r = await record(input);
      expect(r.response.status).toBe('error');
      expect(r.exitCode).toBe(1);
      expect(r.response.status === 'error' ? r.response.reason : '').toMatch(reason);
      expect(await byTask()).toEqual({});
      const files = tree();
      expect(Object.keys(files).filter((f) => f.startsWith('tasks/'))).toEqual([]);
      // Seed 8.1: the failure is logged.
      expect(files['errors-2026-11-22.md']).toContain('malformed telemetry rejected, nothing recorded');
    });
  }

  it('never writes outside the root, whatever the task id, and keeps the id inside the file', async () => {
    const ids = [
      '../../x',
      '/etc/passwd',
      'a\u0000b',
      'ü'.repeat(300),
      '日本語のタスク',
      '..',
      'C:\\temp\\x',
      '.hidden',
    ];
    for (const id of ids) {
      const r = await record(request(id, [entry('a', 'opus', 1, 1, 0.01)]));
      expect(r.response).toEqual({ status: 'recorded', task_id: id });
    }
    const root = path.join(proj, '.token-usage');
    const files = Object.keys(tree()).filter((f) => f.startsWith('tasks/'));
    expect(files).toHaveLength(ids.length);
    for (const f of files) {
      expect(path.resolve(root, f).startsWith(`${root}/tasks/`)).toBe(true);
      expect(path.basename(f)).toMatch(/^usage-2026-11-22-1430-[A-Za-z0-9_-]{1,64}\.json$/);
    }
    const kept = files.map((f) => JSON.parse(tree()[f] ?? '{}').task_id).sort();
    expect(kept).toEqual([...ids].sort());
    expect(fs.readdirSync(dir).sort()).toEqual(
      ['ledger.db', 'ledger.db-shm', 'ledger.db-wal', 'proj'].filter((n) => fs.existsSync(path.join(dir, n))),
    );
  });
});

describe('recordUsage: review_period', () => {
  it('writes the review and answers seed 5.2 with its path and recommendations', async () => {
    await record(request('T-1', [entry('build-lead', 'claude-opus-4-1', 400000, 2000, null)]));
    const r = await record({ mode: 'review_period', days: 7, timestamp: '2026-11-22T16:00:00Z' });
    expect(r.exitCode).toBe(0);
    expect(r.response.status).toBe('report_generated');
    if (r.response.status !== 'report_generated') return;
    expect(r.response.report_path).toBe(
      path.join(proj, '.token-usage', 'reports', 'usage-review-2026-11-22.md'),
    );
    const text = fs.readFileSync(r.response.report_path, 'utf8');
    expect(text.startsWith('# Usage Review: 2026-11-22\n')).toBe(true);
    // build-lead declared 400,000 prompt tokens on opus 4.1 for 2,000 output tokens: mostly reading.
    // Opus 4.1: 0.4M × $15 + 0.002M × $75 = $6.15. The same tokens at sonnet 4.5 prices, whose
    // long-context rates apply above 200k input: 0.4M × $6 + 0.002M × $22.5 = $2.445. Saving $3.71.
    expect(r.response.recommendations).toEqual([
      expect.objectContaining({
        type: 'model_selection',
        description: expect.stringContaining('Run build-lead on sonnet instead of opus'),
      }),
    ]);
    expect(text).toContain('Estimated saving: $3.71');
    for (const rec of r.response.recommendations) {
      expect(Object.keys(rec)).toEqual(['type', 'description', 'proposed_change']);
      expect(text).toContain(rec.description.split('\n')[0] ?? '');
    }
  });
});

describe('recordUsage: a locked ledger', () => {
  it('spools instead of blocking, writes the task file, and the next call adds it to the ledger', async () => {
    await record(request('T-0', [entry('a', 'opus', 1, 1, 0.01)]));
    const holder = new Database(ledger);
    holder.pragma('busy_timeout = 0');
    holder.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    const r = await record(request('T-9', [entry('a', 'opus', 90, 9, 0.09)]), { busyTimeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.response).toEqual({ status: 'recorded', task_id: 'T-9' });
    expect(r.warnings.join('\n')).toMatch(/waits in .*ledger\.db\.spool/);
    expect(fs.readdirSync(`${ledger}.spool`)).toHaveLength(1);
    expect(Object.keys(tree())).toContain('tasks/usage-2026-11-22-1430-T-9.json');
    holder.exec('ROLLBACK');
    holder.close();

    await record(request('T-10', [entry('a', 'opus', 5, 5, 0.05)]));
    expect(fs.readdirSync(`${ledger}.spool`)).toEqual([]);
    const t = await byTask();
    expect(Object.keys(t).sort()).toEqual(['T-0', 'T-10', 'T-9']);
    expect(t['T-9']).toEqual({ input: 90, output: 9, cost: 0.09 });
    expect(tree()['errors-2026-11-22.md']).toContain('the usage waited in the spool');
  });
});

describe('files sync', () => {
  it('regenerates the same bytes from the ledger, and rewrites nothing when nothing changed', async () => {
    await record(request('T-1', [entry('build-lead', 'opus', 25000, 8000, 1.05)]));
    await record(
      request('T-2', [entry('ui-impl', 'sonnet', 3000, 1000)], 'log_only', '2026-11-21T09:05:00Z'),
    );
    const before = tree();
    const root = path.join(proj, '.token-usage');
    fs.rmSync(root, { recursive: true });
    const store = SqliteStore.open(ledger);
    try {
      const first = await syncTree(store, createPricer(), { root, project: proj });
      expect(tree()).toEqual(before);
      expect(first.written.length).toBe(Object.keys(before).length);
      const again = await syncTree(store, createPricer(), { root, project: proj });
      expect(again.written).toEqual([]);
      expect(again.unchanged.length).toBe(Object.keys(before).length);
      // Another project's tree does not list these tasks.
      const other = await syncTree(store, createPricer(), {
        root: path.join(dir, 'other'),
        project: path.join(dir, 'elsewhere'),
      });
      expect(other.tasks).toBe(0);
    } finally {
      await store.close();
    }
  });
});
