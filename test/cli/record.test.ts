/**
 * `tokenledger record` and `tokenledger files sync` through the built CLI: stdin and file input,
 * JSON alone on stdout, exit codes, the `.token-usage/` tree, and reports that include declared
 * usage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { useSandbox } from '../helpers/cli.js';

const cli = useSandbox('tl-record-cli-', { dirs: ['claude', 'tl', 'proj/.git'], cwd: 'proj' });
let proj: string;

beforeEach(() => {
  proj = cli.path('proj');
});

const REQUEST = {
  mode: 'log_and_summarize',
  task_id: 'create-usage-tracker',
  timestamp: '2025-11-28T14:30:00Z',
  user_request_summary: 'Create usage-tracker agent for token tracking and optimization.',
  entries: [
    {
      agent: 'build-lead',
      model: 'opus',
      input_tokens: 25000,
      output_tokens: 8000,
      total_tokens: 33000,
      estimated_cost: 1.05,
    },
  ],
};

describe('tokenledger record', () => {
  it('reads stdin, prints only the seed 5.1 JSON, and writes the seed 6.1 task file', () => {
    const r = cli.run(['record'], { input: JSON.stringify(REQUEST) });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      status: 'recorded',
      task_id: 'create-usage-tracker',
      summary: 'create-usage-tracker: 33,000 tokens ($1.05) across 1 agent; build-lead on opus used 100%.',
    });
    const file = path.join(proj, '.token-usage', 'tasks', 'usage-2025-11-28-1430-create-usage-tracker.json');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      task_id: 'create-usage-tracker',
      timestamp: '2025-11-28T14:30:00Z',
      user_request_summary: 'Create usage-tracker agent for token tracking and optimization.',
      entries: REQUEST.entries,
      totals: {
        total_tokens: 33000,
        by_model: { opus: 33000 },
        by_agent: { 'build-lead': 33000 },
        estimated_cost: 1.05,
      },
      source: 'declared',
    });
    // Declared usage is in the ledger: reports show it.
    const report = cli.run(['report', '--by', 'task,agent', '--json', '--no-import']);
    expect(report.status).toBe(0);
    const rows = JSON.parse(report.stdout).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      task: 'create-usage-tracker',
      agent: 'build-lead',
      inputTokens: 25000,
      outputTokens: 8000,
      totalCost: 1.05,
    });
  });

  it('reads a file argument, and answers an invalid request with status error and exit 1', () => {
    const good = path.join(cli.root, 'req.json');
    fs.writeFileSync(good, JSON.stringify({ ...REQUEST, mode: 'log_only' }));
    const ok = cli.run(['record', good]);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ status: 'recorded', task_id: 'create-usage-tracker' });

    const bad = cli.run(['record', '-'], {
      input: JSON.stringify({ ...REQUEST, entries: [{ ...REQUEST.entries[0], total_tokens: 1 }] }),
    });
    expect(bad.status).toBe(1);
    const answer = JSON.parse(bad.stdout);
    expect(answer.status).toBe('error');
    expect(answer.reason).toContain('entries[0].total_tokens: 1 does not equal input_tokens + output_tokens');
    expect(bad.stderr).toContain('does not equal');

    const missing = cli.run(['record', path.join(cli.root, 'nope.json')]);
    expect(missing.status).toBe(1);
    expect(JSON.parse(missing.stdout).reason).toMatch(/cannot read .*nope\.json \(ENOENT\)/);
  });

  it('files sync rewrites the tree with the same bytes, and --json reports what it did', () => {
    cli.run(['record'], { input: JSON.stringify(REQUEST) });
    const tree = path.join(proj, '.token-usage');
    const snapshot = () =>
      Object.fromEntries(
        (fs.readdirSync(tree, { recursive: true }) as string[])
          .filter((f) => fs.statSync(path.join(tree, f)).isFile())
          .sort()
          .map((f) => [f, fs.readFileSync(path.join(tree, f), 'utf8')]),
      );
    const before = snapshot();
    fs.rmSync(tree, { recursive: true });
    const sync = cli.run(['files', 'sync', '--json']);
    expect(sync.status).toBe(0);
    const summary = JSON.parse(sync.stdout);
    expect(summary).toMatchObject({ root: tree, tasks: 1, days: 1, unchanged: 0 });
    expect(snapshot()).toEqual(before);
    const again = JSON.parse(cli.run(['files', 'sync', '--json']).stdout);
    expect(again.written).toEqual([]);
    const human = cli.run(['files', 'sync']);
    expect(human.stdout).toMatch(/1 task file\(s\), 1 day\(s\), 0 review\(s\); 0 written/);
  });
});
