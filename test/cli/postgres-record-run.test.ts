/**
 * `record` (declared telemetry), `files sync`, `run` and `forget` on a PostgreSQL ledger give what
 * they give on a SQLite file. Each ledger has a Claude dir of its own, so the fake agent that `run`
 * wraps writes its transcript for that ledger only (see test/helpers/postgres-twins.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantLine } from '../../src/synthetic/transcript-lines.js';
import { useSandbox } from '../helpers/cli.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/postgres.js';
import { type Twin, twins } from '../helpers/postgres-twins.js';

const available = await postgresAvailable();
const cli = useSandbox('tl-pg-record-', {
  per: 'file',
  dirs: ['claude-pg', 'claude-sqlite', 'tl', 'proj/.git'],
  cwd: 'proj',
});
let db: TestDatabase | undefined;
const both = twins(
  cli,
  () => db?.url ?? '',
  () => cli.path('ledger.db'),
  (on: Twin) => ({ CLAUDE_CONFIG_DIR: cli.path(`claude-${on}`) }),
);

const SESSION = 'a9a0e54d-9e89-441f-a685-6a856f19ee86';
const OUTPUT = path.resolve(
  import.meta.dirname,
  '../../src/capture/claude/stream/__fixtures__/2.1.197-single-turn.output-json.json',
);

/** A fake `claude -p`: appends one response stamped now to its session's transcript, prints its JSON. */
const FAKE = `
import fs from 'node:fs';
import path from 'node:path';
const [line, output] = process.argv.slice(2);
const file = path.join(process.env.CLAUDE_CONFIG_DIR, 'projects', process.cwd().replace(/[^a-zA-Z0-9]/g, '-'), '${SESSION}.jsonl');
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.appendFileSync(file, fs.readFileSync(line, 'utf8').split('__NOW__').join(new Date().toISOString()) + '\\n');
process.stdout.write(fs.readFileSync(output));
`;

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
    {
      agent: 'reviewer',
      model: 'sonnet',
      input_tokens: 4000,
      output_tokens: 1000,
      total_tokens: 5000,
      estimated_cost: 0.03,
    },
  ],
};

describe.skipIf(!available)('record, run and forget on a PostgreSQL ledger', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  }, 60_000);

  it('record, then reports and files sync', () => {
    const answer = JSON.parse(both.same(['record'], { input: JSON.stringify(REQUEST) })) as {
      status: string;
    };
    expect(answer.status).toBe('recorded');
    const file = cli.path('request.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ ...REQUEST, task_id: 'second-task', timestamp: '2025-11-29T09:00:00Z' }),
    );
    both.same(['record', file]);
    const report = JSON.parse(both.same(['report', '--by', 'task,agent,model', '--json'])) as {
      rows: unknown[];
    };
    expect(report.rows.length).toBeGreaterThanOrEqual(4);
    both.same(['daily', '--json', '--since', '20251101']);
    both.same(['task', 'show', 'create-usage-tracker', '--json']);
    // The tree is the same bytes whichever ledger wrote it last.
    const tree = cli.path('proj', '.token-usage');
    both.run('pg', ['files', 'sync', '--json']);
    const fromPg = fs.readdirSync(tree, { recursive: true, encoding: 'utf8' }).sort();
    const bytes = fromPg.map((p) =>
      fs.statSync(path.join(tree, p)).isFile() ? fs.readFileSync(path.join(tree, p), 'utf8') : p,
    );
    both.same(['files', 'sync', '--json']);
    expect(fs.readdirSync(tree, { recursive: true, encoding: 'utf8' }).sort()).toEqual(fromPg);
    expect(
      fromPg.map((p) =>
        fs.statSync(path.join(tree, p)).isFile() ? fs.readFileSync(path.join(tree, p), 'utf8') : p,
      ),
    ).toEqual(bytes);
  });

  it('run records the wrapped command’s usage against a task', () => {
    const fake = cli.path('fake-claude.mjs');
    fs.writeFileSync(fake, FAKE);
    const line = cli.path('line.txt');
    fs.writeFileSync(
      line,
      assistantLine({
        env: {
          sessionId: SESSION,
          cwd: cli.path('proj'),
          gitBranch: 'main',
          version: '2.1.330',
          isSidechain: false,
        },
        uuid: 'u-run-1',
        parentUuid: null,
        timestamp: '__NOW__',
        messageId: 'msg_run_1',
        requestId: 'req_run_1',
        model: 'claude-sonnet-4-5-20250929',
        block: { type: 'text', text: 'ok' },
        blockIndex: 0,
        usage: { input: 500, output: 50, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0 },
        output: 50,
        stopReason: 'end_turn',
      }),
    );
    const out = both.both([
      'run',
      '--task',
      'T-RUN',
      '--stage',
      'implement',
      '--',
      process.execPath,
      fake,
      line,
      OUTPUT,
    ]);
    expect(out.status, out.stderr).toBe(0);
    expect(out.pg).toBe(out.sqlite);
    expect(out.pg).toBe(fs.readFileSync(OUTPUT, 'utf8'));
    const show = JSON.parse(both.same(['task', 'show', 'T-RUN', '--json'])) as {
      totals: { inputTokens: number };
      runs: { runs: number; numTurns: number };
    };
    expect(show.totals.inputTokens).toBe(500);
    expect(show.runs).toMatchObject({ runs: 1, numTurns: 1 });
    both.same(['report', '--by', 'task,stage,model', '--json']);
    both.same(['session', '--json']);
  });

  it('forget: dry run, then apply', () => {
    for (const args of [
      ['forget', '--task', 'T-RUN', '--json'],
      ['forget', '--source', 'telemetry', '--json'],
      ['forget', '--task', 'create-usage-tracker', '--source', 'telemetry'],
      ['forget', '--source', 'run', '--json'],
    ])
      both.same(args);
    both.same(['report', '--by', 'task,agent', '--json']);
    both.same(['forget', '--task', 'T-RUN', '--yes', '--json']);
    both.same(['forget', '--source', 'telemetry', '--task', 'second-task', '--yes', '--json']);
    both.same(['forget', '--source', 'claude', '--since', '20200101', '--yes', '--json']);
    const report = JSON.parse(both.same(['report', '--by', 'task,agent', '--json', '--no-import'])) as {
      rows: { task: string | null }[];
    };
    expect(report.rows.map((r) => r.task)).toEqual(['create-usage-tracker', 'create-usage-tracker']);
    both.same(['task', 'list', '--json', '--no-import']);
  });
});
