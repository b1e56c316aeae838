/**
 * Tasks, attribution, hooks and the status line on a PostgreSQL ledger give what they give on a
 * SQLite file: every step runs on both (see test/helpers/postgres-twins.ts), over the same
 * transcripts, and prints the same (timestamps and the ledger's name aside).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSandbox } from '../helpers/cli.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/postgres.js';
import { twins } from '../helpers/postgres-twins.js';
import { agentTranscript, HAIKU, mainTranscript, respond } from '../helpers/transcript-writer.js';

const available = await postgresAvailable();
const cli = useSandbox('tl-pg-tasks-', { per: 'file', dirs: ['claude', 'tl', 'projects'] });
let db: TestDatabase | undefined;
const both = twins(
  cli,
  () => db?.url ?? '',
  () => cli.path('ledger.db'),
);

function project(name: string): string {
  const dir = cli.path('projects', name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function session(k: number): string {
  return `7a5c0000-0000-4000-8000-${String(k).padStart(12, '0')}`;
}

describe.skipIf(!available)('tasks and hooks on a PostgreSQL ledger', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    fs.writeFileSync(
      path.join(cli.tlHome, 'config.json'),
      JSON.stringify({ stages: { 'code-reviewer': 'review' } }),
    );
  });

  afterAll(async () => {
    await db?.drop();
  }, 60_000);

  it('task start/estimate/stop/show/list, variance and attribute', () => {
    const alpha = project('alpha');
    const beta = project('beta');
    const before = Date.now() - 60_000;
    respond(cli.claude, { dir: alpha, session: session(1), input: 7, at: before });
    both.same([
      'task',
      'start',
      'T-A',
      '--project',
      alpha,
      '--parent',
      'PLAN-1',
      '--title',
      'Alpha',
      '--estimate',
      '50k',
      '--json',
    ]);
    both.same([
      'task',
      'start',
      'T-B',
      '--project',
      beta,
      '--parent',
      'PLAN-1',
      '--stage',
      'implementation',
      '--label',
      'category=tooling',
      '--json',
    ]);
    both.same(['task', 'estimate', 'T-B', '20k', '$0.50', '--json']);
    both.same(['task', 'estimate', 'PLAN-1', '100k', '--json']);
    const now = Date.now();
    respond(cli.claude, { dir: alpha, session: session(1), input: 30_000, output: 500, at: now });
    respond(cli.claude, { dir: beta, session: session(2), input: 25_000, output: 100, at: now });
    respond(cli.claude, {
      dir: beta,
      session: session(2),
      input: 900,
      model: HAIKU,
      agentId: 'b1',
      at: now + 1,
    });
    const stopped = both.same(['task', 'stop', '--project', alpha, '--json']);
    expect(stopped).toContain('T-A');
    both.same(['task', 'stop', 'T-B', '--json']);
    for (const id of ['PLAN-1', 'T-A', 'T-B']) {
      const show = JSON.parse(both.same(['task', 'show', id, '--json'])) as {
        totals: { inputTokens: number };
      };
      expect(show.totals.inputTokens, id).toBeGreaterThan(0);
    }
    both.same(['task', 'show', 'T-B']);
    const list = both.same(['task', 'list', '--json']);
    expect(list).toContain('PLAN-1');
    both.same(['task', 'list']);
    both.same(['variance', '--json']);
    both.same(['variance', '--by', 'label:category', '--json']);
    both.same(['variance', '--by', 'parent']);
    both.same(['report', '--by', 'task,stage,label:category', '--json']);
    both.same(['attribute', '--json']);
    both.same(['report', '--by', 'task,stage,agent', '--json']);
  });

  it('hooks attribute a session to its task and stage, subagents too; the status line reads the ledger', () => {
    const dir = project('hooked');
    const s = session(3);
    const event = (name: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        session_id: s,
        transcript_path: mainTranscript(cli.claude, dir, s),
        cwd: dir,
        hook_event_name: name,
        ...extra,
      });
    const ctx = {
      TOKENLEDGER_TASK: 'T-H',
      TOKENLEDGER_STAGE: 'analysis',
      TOKENLEDGER_LABELS: 'category=hooks',
    };
    const quiet = (input: string, env: Record<string, string> = ctx) => {
      const out = both.same(['hook'], { input, env, cwd: dir });
      expect(out).toBe('');
    };
    respond(cli.claude, { dir, session: s, input: 3, at: Date.now() - 3_600_000 });
    quiet(event('SessionStart', { source: 'startup' }));
    const t = Date.now();
    respond(cli.claude, { dir, session: s, input: 40, at: t });
    quiet(event('SubagentStart', { agent_id: 'c0de', agent_type: 'code-reviewer' }));
    respond(cli.claude, { dir, session: s, input: 50, model: HAIKU, agentId: 'c0de', at: t + 1 });
    quiet(
      event('SubagentStop', {
        agent_id: 'c0de',
        agent_type: 'code-reviewer',
        agent_transcript_path: agentTranscript(cli.claude, dir, s, 'c0de'),
      }),
    );
    quiet(event('Stop'));
    quiet(event('SessionEnd', { reason: 'other' }));
    const report = JSON.parse(both.same(['report', '--by', 'task,stage,agent', '--json', '--no-import'])) as {
      rows: { task: string | null; inputTokens: number }[];
    };
    expect(report.rows.filter((r) => r.task === 'T-H').reduce((sum, r) => sum + r.inputTokens, 0)).toBe(90);
    both.same(['task', 'show', 'T-H', '--json', '--no-import']);
    both.same(['report', '--by', 'task,stage,label:category', '--json', '--no-import']);
    const status = JSON.stringify({
      hook_event_name: 'Status',
      session_id: s,
      transcript_path: mainTranscript(cli.claude, dir, s),
      cwd: dir,
      model: { id: 'claude-sonnet-4-5-20250929', display_name: 'Sonnet 4.5' },
      workspace: { current_dir: dir, project_dir: dir },
      version: '2.1.330',
      cost: { total_cost_usd: 99.99, total_duration_ms: 1000 },
    });
    const line = both.same(['statusline'], { input: status, cwd: dir });
    expect(line.split('\n')).toHaveLength(2);
  });
});
