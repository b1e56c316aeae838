/**
 * `tokenledger record` and `tokenledger files sync` through the built CLI: stdin and file input,
 * JSON alone on stdout, exit codes, the `.token-usage/` tree, and reports that include declared
 * usage.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/built-cli.js';

let root: string;
let proj: string;

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-record-cli-')));
  proj = path.join(root, 'proj');
  for (const d of [
    path.join(root, 'claude'),
    path.join(root, 'tl'),
    path.join(root, 'home'),
    path.join(proj, '.git'),
  ])
    fs.mkdirSync(d, { recursive: true });
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function tl(args: string[], input?: string) {
  return spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    cwd: proj,
    input: input ?? '',
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: path.join(root, 'home'),
      CLAUDE_CONFIG_DIR: path.join(root, 'claude'),
      TOKENLEDGER_HOME: path.join(root, 'tl'),
      TZ: 'UTC',
    },
  });
}

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
    const r = tl(['record'], JSON.stringify(REQUEST));
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
    const report = tl(['report', '--by', 'task,agent', '--json', '--no-import']);
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
    const good = path.join(root, 'req.json');
    fs.writeFileSync(good, JSON.stringify({ ...REQUEST, mode: 'log_only' }));
    const ok = tl(['record', good]);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ status: 'recorded', task_id: 'create-usage-tracker' });

    const bad = tl(
      ['record', '-'],
      JSON.stringify({ ...REQUEST, entries: [{ ...REQUEST.entries[0], total_tokens: 1 }] }),
    );
    expect(bad.status).toBe(1);
    const answer = JSON.parse(bad.stdout);
    expect(answer.status).toBe('error');
    expect(answer.reason).toContain('entries[0].total_tokens: 1 does not equal input_tokens + output_tokens');
    expect(bad.stderr).toContain('does not equal');

    const missing = tl(['record', path.join(root, 'nope.json')]);
    expect(missing.status).toBe(1);
    expect(JSON.parse(missing.stdout).reason).toMatch(/cannot read .*nope\.json \(ENOENT\)/);
  });

  it('files sync rewrites the tree with the same bytes, and --json reports what it did', () => {
    tl(['record'], JSON.stringify(REQUEST));
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
    const sync = tl(['files', 'sync', '--json']);
    expect(sync.status).toBe(0);
    const summary = JSON.parse(sync.stdout);
    expect(summary).toMatchObject({ root: tree, tasks: 1, days: 1, unchanged: 0 });
    expect(snapshot()).toEqual(before);
    const again = JSON.parse(tl(['files', 'sync', '--json']).stdout);
    expect(again.written).toEqual([]);
    const human = tl(['files', 'sync']);
    expect(human.stdout).toMatch(/1 task file\(s\), 1 day\(s\), 0 review\(s\); 0 written/);
  });
});
