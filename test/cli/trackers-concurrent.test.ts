/**
 * Two SubagentStop hooks ending the same task at the same moment with the same numbers (real CLI
 * processes, a slow stand-in `bd` so both are writing at once) write the task's numbers once between
 * them: one beads comment, one workflow metrics line, one `onTaskEnd` run; on a SQLite file and on
 * a PostgreSQL ledger.
 */
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantLine } from '../../src/synthetic/transcript-lines.js';
import { useSandbox } from '../helpers/cli.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/postgres.js';

const BEADS = fileURLToPath(new URL('../fixtures/beads/', import.meta.url));
const TASK = 'tl-a1b2';
const available = await postgresAvailable();
const cli = useSandbox('tl-trackers-race-', { per: 'file', dirs: ['claude', 'tl', 'bin'] });
let db: TestDatabase | undefined;

beforeAll(async () => {
  if (available) db = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

function project(name: string): string {
  const dir = path.join(cli.root, 'projects', name);
  fs.mkdirSync(path.join(dir, '.claude'), { recursive: true });
  fs.mkdirSync(path.join(dir, '.beads'));
  for (const f of ['config.yaml', 'issues.jsonl'])
    fs.copyFileSync(path.join(BEADS, f), path.join(dir, '.beads', f));
  return dir;
}

function sessionOf(dir: string): string {
  const hex = Buffer.from(path.basename(dir)).toString('hex').padEnd(12, '0').slice(0, 12);
  return `7b5d0000-0000-4000-8000-${hex}`;
}

function transcriptOf(dir: string): string {
  return path.join(cli.claude, 'projects', dir.replace(/[^a-zA-Z0-9]/g, '-'), `${sessionOf(dir)}.jsonl`);
}

function jsonl(file: string): unknown[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}

/** The task's session declared, and a subagent of it that used 120 input tokens: its SubagentStop input. */
function subagentWorked(dir: string, env: Record<string, string>): string {
  const base = { session_id: sessionOf(dir), transcript_path: transcriptOf(dir), cwd: dir };
  const start = cli.run(['hook'], {
    input: JSON.stringify({ ...base, hook_event_name: 'SessionStart', source: 'startup' }),
    env: { ...env, TOKENLEDGER_TASK: TASK },
  });
  expect(start.status, start.stderr).toBe(0);
  const agentId = 'a00000r1';
  const file = path.join(
    path.dirname(transcriptOf(dir)),
    sessionOf(dir),
    'subagents',
    `agent-${agentId}.jsonl`,
  );
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const line = assistantLine({
    env: { sessionId: sessionOf(dir), cwd: dir, gitBranch: 'main', version: '2.1.330', isSidechain: true },
    uuid: `u-race-${path.basename(dir)}`,
    parentUuid: null,
    timestamp: new Date().toISOString(),
    messageId: `msg_race_${path.basename(dir)}`,
    requestId: `req_race_${path.basename(dir)}`,
    model: 'claude-sonnet-4-5-20250929',
    block: { type: 'text', text: 'ok' },
    blockIndex: 0,
    usage: { input: 120, output: 0, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0 },
    output: 0,
    stopReason: 'end_turn',
  });
  fs.writeFileSync(file, `${JSON.stringify({ ...(JSON.parse(line) as object), agentId })}\n`);
  return JSON.stringify({
    ...base,
    hook_event_name: 'SubagentStop',
    agent_id: agentId,
    agent_type: 'general-purpose',
    agent_transcript_path: file,
  });
}

async function hook(input: string, env: Record<string, string>): Promise<number | null> {
  const child = cli.spawn(['hook'], { env });
  child.stdout.resume();
  child.stderr.resume();
  child.stdin.end(input);
  const [code] = (await once(child, 'close')) as [number | null];
  return code;
}

async function endsAtOnce(name: string, ledger: Record<string, string>): Promise<void> {
  const dir = project(name);
  const bdLog = cli.path(`bd-${name}.jsonl`);
  const commandLog = cli.path(`command-${name}.jsonl`);
  const recorder = cli.path('record.mjs');
  fs.writeFileSync(
    recorder,
    'import fs from "node:fs";\nconst [log, id] = process.argv.slice(2);\nawait new Promise((r) => setTimeout(r, 800));\nfs.appendFileSync(log, JSON.stringify(id) + "\\n");\n',
  );
  const bd = path.join(cli.path('bin'), 'bd');
  if (!fs.existsSync(bd)) fs.symlinkSync(path.join(BEADS, 'bd-stand-in.mjs'), bd);
  fs.writeFileSync(
    path.join(cli.tlHome, 'config.json'),
    JSON.stringify({
      hook: { timeoutMs: 30_000 },
      onTaskEnd: { command: [process.execPath, recorder, commandLog, '{id}'] },
    }),
  );
  const env = {
    ...ledger,
    PATH: `${cli.path('bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    BD_STAND_IN_LOG: bdLog,
    BD_STAND_IN_FIXTURES: BEADS,
    BD_STAND_IN_COMMENT_MS: '800',
  };
  const input = subagentWorked(dir, env);
  expect(await Promise.all([hook(input, env), hook(input, env)])).toEqual([0, 0]);

  const comments = () =>
    jsonl(bdLog).filter((c) => Array.isArray(c) && c[0] === 'comments' && c[1] === 'add' && c[2] === TASK);
  const metrics = path.join(dir, '.claude', 'workflow-metrics.jsonl');
  expect(comments()).toHaveLength(1);
  expect(jsonl(metrics)).toEqual([expect.objectContaining({ task: TASK, event: 'subagent_stop' })]);
  expect(jsonl(commandLog)).toEqual([TASK]);
  // And again, one at a time: the same numbers add nothing.
  expect(await hook(input, env)).toBe(0);
  expect(comments()).toHaveLength(1);
  expect(jsonl(metrics)).toHaveLength(1);
  expect(jsonl(commandLog)).toHaveLength(1);
}

describe('two ends of the same task at once', () => {
  it(
    'on a SQLite ledger write one comment, one metrics line and one onTaskEnd run',
    () => endsAtOnce('race-sqlite', { TOKENLEDGER_DB: cli.path('ledger.db') }),
    60_000,
  );

  it.skipIf(!available)(
    'on a PostgreSQL ledger write one comment, one metrics line and one onTaskEnd run',
    () => endsAtOnce('race-pg', { TOKENLEDGER_DB: db?.url ?? '' }),
    60_000,
  );
});
