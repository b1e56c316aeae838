#!/usr/bin/env node
// `npm run bench:hooks` (and the last section of `npm run bench`): `tokenledger hook` and
// `tokenledger statusline` on a 1 GiB ledger, for issue 3's criteria:
//
//   hook        p50 ≤ 100 ms per event (Stop, SubagentStop, UserPromptSubmit naming a task with
//               `taskPattern` set, SessionStart with TOKENLEDGER_TASK set), each after appending one or
//               two transcript lines, as Claude Code calls it
//   statusline  p50 ≤ 80 ms, after appending a response (Claude Code redraws it after each message)
//   64 at once  64 hook processes (Stop, SubagentStop, SessionEnd over 8 sessions) started together
//               while transcripts grow: all exit 0 with empty stdout, no failure in the error log,
//               every response exactly once and the totals equal to the ground truth
//
// Every hook and statusline call runs the command line `tokenledger hooks install` writes (and the
// statusLine command `hooks status` prints), through /bin/sh as Claude Code runs it, in this process's
// environment. Side by side in the same run: two floors, a bare `node -e 0` through sh as the
// environment is, and the same with NODE_EXTRA_CA_CERTS cleared as our commands do (when that variable
// is set, Node 20 parses certificate bundles at every start, nodejs/node#40524; figures are given as
// ratios over the second), and `ccusage statusline` (ccusage 20.0.24, offline) against tokenledger's statusline
// on the same history: bench/run.mjs's 1.2 GiB corpus plus the live session (ours from a ledger that
// imported the corpus, cached in .bench/corpus-ledger.db).
//
//   node bench/hooks.mjs [--runs 30] [--peer-runs 8] [--quick] [--skip-peer] [--budgets]
//   TL_BENCH_PROFILE=DIR node bench/hooks.mjs   # only CPU profiles of 3 Stop, 3 statusline and 3 SubagentStop calls
//
// Everything runs on copies of the cached big ledger (bench/big-ledger.mjs) in a temp dir, with
// TOKENLEDGER_HOME there too. Writes bench/results/hooks-latest.json and .md and prints the Markdown.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { BIG_LEDGER, ensureBigLedger } from './big-ledger.mjs';
import {
  BIN,
  CORPUS,
  loadRng,
  log,
  machine,
  PEER_BIN,
  PEER_DIR,
  PEER_VERSION,
  ROOT,
  WORK,
} from './common.mjs';

const CORPUS_STAMP = path.join(WORK, 'corpus.json');
const CORPUS_LEDGER = path.join(WORK, 'corpus-ledger.db');
const CORPUS_LEDGER_STAMP = path.join(WORK, 'corpus-ledger.json');
const RESULTS = path.join(ROOT, 'bench', 'results');
const TASK_PATTERN = '\\b(T-\\d+)\\b';
const CONCURRENT = 64;

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const pct = (xs, p) => {
  const s = sorted(xs);
  return s.length === 0 ? null : s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
};
const ms = (x) => (x === null || x === undefined ? 'n/a' : `${x.toFixed(0)} ms`);

/** The seeded generator (bench/common.mjs), loaded from dist/ when the benchmark starts. */
let Rng;

const WORDS = ['const', 'value', 'return', 'import', 'ledger', 'token', 'usage', 'export', 'test', 'hook'];

/**
 * A transcript being written, as Claude Code writes it: one line per content block of a response, each
 * repeating the response's usage (a placeholder output count and no stop_reason before the last), and
 * the ground truth the ledger must end up with (the last line's numbers, once per response).
 */
class Transcript {
  constructor(lines, { file, sessionId, cwd, agentId = null, model, rng, truth }) {
    Object.assign(this, { lines, file, sessionId, cwd, agentId, model, rng, truth });
    this.parent = null;
    this.turn = 0;
    fs.mkdirSync(path.dirname(file), { recursive: true });
  }
  text(min, max) {
    const n = this.rng.int(min, max);
    let s = '';
    while (s.length < n) s += `${this.rng.pick(WORDS)} `;
    return s;
  }
  /** The lines of one response (1 or 2), and its truth recorded. */
  response(at = Date.now(), blocks = this.rng.int(1, 2)) {
    const rng = this.rng;
    const env = {
      sessionId: this.sessionId,
      cwd: this.cwd,
      gitBranch: 'main',
      version: '2.1.330',
      isSidechain: this.agentId !== null,
      agentId: this.agentId ?? undefined,
    };
    const messageId = `msg_01${rng.hex(24)}`;
    const requestId = `req_011C${rng.hex(20)}`;
    const cacheWrite = rng.chance(0.7) ? rng.int(0, 12_000) : 0;
    const usage = {
      input: rng.int(1, 400),
      output: rng.int(20, 3_000),
      cacheWrite,
      cacheWrite1h: rng.chance(0.15) ? Math.floor(cacheWrite / 2) : 0,
      cacheRead: Math.min(190_000, 8_000 + this.turn * rng.int(200, 1_500)),
      webSearch: 0,
    };
    this.turn++;
    const out = [];
    for (let b = 0; b < blocks; b++) {
      const last = b === blocks - 1;
      const uuid = rng.uuid();
      out.push(
        this.lines.assistantLine({
          env,
          uuid,
          parentUuid: this.parent,
          timestamp: new Date(at + b).toISOString(),
          messageId,
          requestId,
          model: this.model,
          block:
            b === 0 && blocks > 1
              ? { type: 'thinking', thinking: this.text(200, 1_500), signature: rng.hex(64) }
              : last && rng.chance(0.5)
                ? {
                    type: 'tool_use',
                    id: `toolu_01${rng.hex(22)}`,
                    name: 'Read',
                    input: { file_path: `${this.cwd}/src/f${this.turn}.ts` },
                  }
                : { type: 'text', text: this.text(100, 2_500) },
          blockIndex: b,
          usage,
          output: last ? usage.output : rng.int(1, 12),
          stopReason: last ? 'end_turn' : null,
        }),
      );
      this.parent = uuid;
    }
    this.truth.set(`${messageId}:${requestId}`, {
      sessionId: this.sessionId,
      agentId: this.agentId,
      input: usage.input,
      output: usage.output,
      cacheWrite: usage.cacheWrite,
      cacheRead: usage.cacheRead,
    });
    return out;
  }
  append(responses = 1, at = Date.now()) {
    const lines = [];
    for (let i = 0; i < responses; i++) lines.push(...this.response(at + i * 10));
    fs.appendFileSync(this.file, `${lines.join('\n')}\n`);
    return lines.length;
  }
  prompt(text, at = Date.now()) {
    const uuid = this.rng.uuid();
    const env = {
      sessionId: this.sessionId,
      cwd: this.cwd,
      gitBranch: 'main',
      version: '2.1.330',
      isSidechain: false,
    };
    fs.appendFileSync(
      this.file,
      `${this.lines.userPromptLine(env, uuid, this.parent, new Date(at).toISOString(), text)}\n`,
    );
    this.parent = uuid;
  }
}

function claudeProjectFile(claudeDir, cwd, sessionId) {
  return path.join(claudeDir, 'projects', cwd.replace(/[^a-zA-Z0-9]/g, '-'), `${sessionId}.jsonl`);
}

/** A session with a main transcript and subagents, each with its .jsonl and .meta.json. */
function makeSession(lines, rng, truth, claudeDir, cwd, subagents, model = 'claude-sonnet-4-5-20250929') {
  const sessionId = rng.uuid();
  const file = claudeProjectFile(claudeDir, cwd, sessionId);
  const main = new Transcript(lines, { file, sessionId, cwd, model, rng, truth });
  const agents = [];
  for (let i = 0; i < subagents; i++) {
    const agentId = rng.hex(17);
    const type = rng.pick(['Explore', 'general-purpose', 'code-reviewer']);
    const base = path.join(file.slice(0, -'.jsonl'.length), 'subagents', `agent-${agentId}`);
    const t = new Transcript(lines, {
      file: `${base}.jsonl`,
      sessionId,
      cwd,
      agentId,
      model: 'claude-haiku-4-5-20251001',
      rng,
      truth,
    });
    fs.writeFileSync(`${base}.meta.json`, lines.agentMetaJson(type, `toolu_01${rng.hex(22)}`, t.model));
    agents.push({ agentId, type, t });
  }
  return { sessionId, file, cwd, main, agents };
}

/** Runs a command to completion with `input` on stdin; returns wall ms, status, stdout, stderr. */
function run(cmd, args, { input = '', env = {} } = {}) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, {
    input,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return {
    ms: performance.now() - t0,
    status: r.status,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    error: r.error,
  };
}

/**
 * The command lines a user's settings would hold for this ledger: the hook command `hooks install`
 * writes and the statusLine command `hooks status` prints (both with --db/--config as needed).
 */
function installedCommands(db, env) {
  const r = run(process.execPath, [BIN, 'hooks', 'status', '--json', '--db', db], { env });
  if (r.status !== 0) throw new Error(`hooks status failed (${r.status}): ${r.stderr}`);
  const { command, statuslineCommand } = JSON.parse(r.stdout);
  if (typeof command !== 'string' || typeof statuslineCommand !== 'string')
    throw new Error(`hooks status --json gave no commands: ${r.stdout.slice(0, 300)}`);
  return { hook: command, statusline: statuslineCommand };
}

/** Runs a command line through /bin/sh, as Claude Code runs hook and statusLine commands. */
function runSh(line, options) {
  return run('/bin/sh', ['-c', line], options);
}

const NODE_Q = `'${process.execPath.replaceAll("'", "'\\''")}'`;
/** The floors: a bare Node through sh as the environment is, and with NODE_EXTRA_CA_CERTS cleared. */
const floorAsIs = () => runSh(`${NODE_Q} -e 0`);
const floorClean = () => runSh(`NODE_EXTRA_CA_CERTS= ${NODE_Q} -e 0`);
const CA_VAR_SET = (process.env.NODE_EXTRA_CA_CERTS ?? '') !== '';

function summary(xs) {
  return {
    runs: xs.length,
    p50: pct(xs, 0.5),
    p90: pct(xs, 0.9),
    min: Math.min(...xs),
    max: Math.max(...xs),
  };
}

function errorLog(home) {
  const dir = path.join(home, 'logs');
  if (!fs.existsSync(dir)) return { failures: [], skipped: [], other: [] };
  const entries = fs
    .readdirSync(dir)
    .flatMap((n) => fs.readFileSync(path.join(dir, n), 'utf8').split('\n'))
    .filter((l) => l.startsWith('- '));
  return {
    failures: entries.filter((l) => l.includes('**tracking failure**')),
    skipped: entries.filter((l) => l.includes('**skipped**')),
    other: entries.filter((l) => !l.includes('**tracking failure**') && !l.includes('**skipped**')),
  };
}

function spooled(home) {
  const dir = path.join(home, 'spool');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => !n.startsWith('.')).length : 0;
}

function copyLedger(from, to) {
  const t0 = performance.now();
  fs.copyFileSync(from, to);
  return performance.now() - t0;
}

/** A ledger that imported bench/run.mjs's corpus, for the peer comparison (null when there is no corpus). */
function ensureCorpusLedger() {
  let corpus;
  try {
    corpus = JSON.parse(fs.readFileSync(CORPUS_STAMP, 'utf8'));
  } catch {
    return null;
  }
  if (corpus.clean !== true || !fs.existsSync(CORPUS)) return null;
  const want = JSON.stringify(corpus.params);
  try {
    const stamp = JSON.parse(fs.readFileSync(CORPUS_LEDGER_STAMP, 'utf8'));
    if (JSON.stringify(stamp.params) === want && fs.existsSync(CORPUS_LEDGER))
      return { file: CORPUS_LEDGER, corpus, bytes: fs.statSync(CORPUS_LEDGER).size };
  } catch {
    // build it
  }
  log(`importing the corpus into ${CORPUS_LEDGER} (once) …`);
  for (const s of ['', '-wal', '-shm']) fs.rmSync(CORPUS_LEDGER + s, { force: true });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-corpus-ledger-'));
  try {
    const r = run(process.execPath, [BIN, 'import', '--db', CORPUS_LEDGER], {
      env: {
        CLAUDE_CONFIG_DIR: CORPUS,
        TOKENLEDGER_HOME: home,
        TOKENLEDGER_CONFIG: path.join(home, 'config.json'),
        TZ: 'UTC',
        NO_COLOR: '1',
      },
    });
    if (r.status !== 0) throw new Error(`import of the corpus failed (${r.status}): ${r.stderr}`);
    const db = new Database(CORPUS_LEDGER);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
  fs.writeFileSync(CORPUS_LEDGER_STAMP, `${JSON.stringify({ params: corpus.params })}\n`);
  return { file: CORPUS_LEDGER, corpus, bytes: fs.statSync(CORPUS_LEDGER).size };
}

function hookInput(event, s, extra = {}) {
  return JSON.stringify({
    session_id: s.sessionId,
    transcript_path: s.file,
    cwd: s.cwd,
    permission_mode: 'default',
    hook_event_name: event,
    ...extra,
  });
}

function statusInput(s, cost) {
  return JSON.stringify({
    hook_event_name: 'Status',
    session_id: s.sessionId,
    transcript_path: s.file,
    cwd: s.cwd,
    model: { id: 'claude-sonnet-4-5-20250929', display_name: 'Sonnet 4.5' },
    workspace: { current_dir: s.cwd, project_dir: s.cwd },
    version: '2.1.330',
    cost: { total_cost_usd: cost, total_duration_ms: 1000, total_api_duration_ms: 800 },
  });
}

/**
 * `--budgets`: budgets every hook and statusline call with new usage checks (the latency part only):
 * dollars this month over everything and tokens this week of a stage, never reached, and tokens today
 * of the live project, reached at once (warned once, then only looked up). Returns their names.
 */
async function addBudgets(db, project) {
  const { SqliteStore } = await import(
    pathToFileURL(path.join(ROOT, 'dist', 'ledger', 'sqlite', 'sqlite-store.js')).href
  );
  const store = SqliteStore.open(db);
  const budgets = [
    { name: 'team-month', unit: 'usd', limit: 1e9, period: 'month', scope: { kind: 'all', value: null } },
    {
      name: 'review-week',
      unit: 'tokens',
      limit: 1e12,
      period: 'week',
      scope: { kind: 'stage', value: 'review' },
    },
    {
      name: 'live-project-day',
      unit: 'tokens',
      limit: 1,
      period: 'day',
      scope: { kind: 'project', value: project },
    },
  ];
  for (const b of budgets) await store.saveBudget(b, Date.now());
  await store.close();
  return budgets.map((b) => b.name);
}

/**
 * Runs the whole benchmark; returns { result, markdown, ok }. `options`: runs (per measure, default 30),
 * peerRuns (ccusage runs per mode, default 8: it takes seconds a call), quick, skipPeer, budgets.
 */
export async function runHooksBench(options = {}) {
  const quick = options.quick === true;
  const RUNS = options.runs ?? (quick ? 10 : 30);
  const WARMUP = 3;
  const PEER_RUNS = options.peerRuns ?? (quick ? 2 : 8);
  if (!fs.existsSync(path.join(ROOT, 'dist', 'bin', 'hook-main.cjs'))) {
    throw new Error('dist/ is missing or stale: run `npm run build` first.');
  }
  const lines = await import(pathToFileURL(path.join(ROOT, 'dist', 'synthetic', 'transcript-lines.js')).href);
  Rng = await loadRng();
  const { info } = await ensureBigLedger();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-hooks-bench-'));
  const loadStart = os.loadavg();
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    load: { start: loadStart.map((x) => Number(x.toFixed(2))), end: null },
    ledger: {
      bytes: info.bytes,
      usageRows: info.usageRows,
      sessions: info.sessions,
      projects: info.projects,
      subagents: info.subagents,
      tasks: info.tasks,
      spans: info.spans,
      files: info.files,
      fromMs: info.fromMs,
      toMs: info.toMs,
    },
    runs: RUNS,
    caVarSet: CA_VAR_SET,
    distBuilt: fs.statSync(path.join(ROOT, 'dist', 'bin', 'hook-main.cjs')).mtime.toISOString(),
  };
  try {
    // ---------------------------------------------------------------- latency on the big ledger
    const home = path.join(tmp, 'home');
    const claude = path.join(tmp, 'claude');
    const db = path.join(tmp, 'ledger.db');
    fs.mkdirSync(home, { recursive: true });
    fs.writeFileSync(
      path.join(home, 'config.json'),
      JSON.stringify({
        taskPattern: TASK_PATTERN,
        machine: 'bench-host',
        user: 'dev',
        stages: { Explore: 'research', Plan: 'plan', 'code-reviewer': 'review' },
      }),
    );
    log(`copying the big ledger (${(info.bytes / 2 ** 30).toFixed(2)} GiB) …`);
    result.ledger.copyMs = Math.round(copyLedger(BIG_LEDGER, db));
    if (options.budgets === true) result.budgets = await addBudgets(db, info.liveProject);
    const ro = new Database(db, { readonly: true });
    const liveTask = info.liveTask;
    const otherTask =
      ro
        .prepare(
          'SELECT id FROM tasks WHERE parent_id = (SELECT parent_id FROM tasks WHERE id = ?) AND id <> ? ORDER BY id LIMIT 1',
        )
        .pluck()
        .get(liveTask, liveTask) ?? 'T-9999';
    const chain = [];
    for (let id = liveTask; id !== null && chain.length < 10; ) {
      const t = ro
        .prepare('SELECT id, parent_id, estimate_tokens, estimate_usd FROM tasks WHERE id = ?')
        .get(id);
      if (t === undefined) break;
      chain.push({ id: t.id, estimate: t.estimate_tokens !== null || t.estimate_usd !== null });
      id = t.parent_id;
    }
    ro.close();

    const rng = new Rng(3);
    const truth = new Map();
    const live = makeSession(lines, rng, truth, claude, info.liveProject, 1);
    const sub = live.agents[0];
    // A session well under way: 200 responses and a subagent with 20, already imported once.
    const t0 = Date.now() - 2 * 3_600_000;
    for (let i = 0; i < 200; i++) live.main.append(1, t0 + i * 30_000);
    for (let i = 0; i < 20; i++) sub.t.append(1, t0 + 3_600_000 + i * 10_000);
    const env = {
      TOKENLEDGER_HOME: home,
      TZ: 'UTC',
      NO_COLOR: '1',
      TOKENLEDGER_TASK: '',
      TOKENLEDGER_DB: '',
      TOKENLEDGER_CONFIG: path.join(home, 'config.json'),
    };
    const commands = installedCommands(db, env);
    result.commands = commands;
    const hook = (event, extra = {}, extraEnv = {}, s = live) =>
      runSh(commands.hook, {
        input: hookInput(event, s, extra),
        env: { ...env, ...extraEnv },
      });
    const first = hook('Stop');
    if (first.status !== 0) throw new Error(`hook failed: ${first.stderr}`);
    const profileDir = process.env.TL_BENCH_PROFILE;
    if (profileDir) {
      // Development aid: CPU profiles of a few Stop calls on the live task, then stop.
      for (let i = 0; i < 5; i++) {
        live.main.append(1);
        hook('Stop');
      }
      for (let i = 0; i < 3; i++) {
        live.main.append(1);
        run(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, BIN, 'hook', '--db', db], {
          input: hookInput('Stop', live),
          env,
        });
      }
      for (let i = 0; i < 3; i++) {
        live.main.append(1);
        run(
          process.execPath,
          [
            '--cpu-prof',
            `--cpu-prof-dir=${path.join(profileDir, 'statusline')}`,
            BIN,
            'statusline',
            '--db',
            db,
          ],
          { input: statusInput(live, 3.5 + i), env },
        );
      }
      for (let i = 0; i < 3; i++) {
        sub.t.append(1);
        run(
          process.execPath,
          ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, 'subagent-stop')}`, BIN, 'hook', '--db', db],
          {
            input: hookInput('SubagentStop', live, {
              agent_id: sub.agentId,
              agent_type: sub.type,
              agent_transcript_path: sub.t.file,
              stop_hook_active: false,
            }),
            env,
          },
        );
      }
      log(
        `profiles of 3 Stop calls in ${profileDir}, of 3 statusline calls in ${profileDir}/statusline, of 3 SubagentStop calls in ${profileDir}/subagent-stop`,
      );
      return { result, markdown: '', ok: true };
    }
    // For comparison, a session like it that no task claims (no span, a project without an active task).
    const plain = makeSession(lines, rng, truth, claude, '/home/dev/src/bench/no-task', 0);
    for (let i = 0; i < 200; i++) plain.main.append(1, t0 + i * 30_000);
    hook('Stop', {}, {}, plain);

    let claudeCost = 3.5;
    const measures = {
      floorAsIs: {
        label: `bare \`node -e 0\` through sh${CA_VAR_SET ? ', NODE_EXTRA_CA_CERTS set (as the environment is)' : ''}`,
        xs: [],
        step: floorAsIs,
      },
      floor: {
        label: 'bare `NODE_EXTRA_CA_CERTS= node -e 0` through sh (the floor)',
        xs: [],
        step: floorClean,
      },
      stop: {
        label: '`hook` Stop (+1 response)',
        xs: [],
        step: () => {
          live.main.append(1);
          return hook('Stop');
        },
      },
      subagentStop: {
        label: '`hook` SubagentStop (+1 response)',
        xs: [],
        step: () => {
          sub.t.append(1);
          return hook('SubagentStop', {
            agent_id: sub.agentId,
            agent_type: sub.type,
            agent_transcript_path: sub.t.file,
            stop_hook_active: false,
          });
        },
      },
      userPromptSubmit: {
        label: '`hook` UserPromptSubmit naming a task (`taskPattern`; the task changes each call)',
        xs: [],
        i: 0,
        step() {
          const task = this.i++ % 2 === 0 ? otherTask : liveTask;
          const prompt = `Work on ${task}: make the ledger import faster and add a test`;
          live.main.prompt(prompt);
          return hook('UserPromptSubmit', { prompt });
        },
      },
      sessionStart: {
        label: '`hook` SessionStart (resume) with TOKENLEDGER_TASK',
        xs: [],
        step: () =>
          hook(
            'SessionStart',
            { source: 'resume', model: 'claude-sonnet-4-5-20250929' },
            { TOKENLEDGER_TASK: liveTask },
          ),
      },
      statusline: {
        label: '`statusline` (+1 response)',
        xs: [],
        step: () => {
          live.main.append(1);
          claudeCost += 0.05;
          return runSh(commands.statusline, { input: statusInput(live, claudeCost), env });
        },
      },
      stopNoTask: {
        label: '`hook` Stop (+1 response), session without a task',
        xs: [],
        step: () => {
          plain.main.append(1);
          return hook('Stop', {}, {}, plain);
        },
      },
      statuslineNoTask: {
        label: '`statusline` (+1 response), session without a task',
        xs: [],
        step: () => {
          plain.main.append(1);
          return runSh(commands.statusline, { input: statusInput(plain, claudeCost), env });
        },
      },
    };
    const outputs = { hookStdout: [], statusLines: [], failures: [] };
    log(
      `measuring on the big ledger: ${WARMUP} warm-up + ${RUNS} rounds of ${Object.keys(measures).length} measures …`,
    );
    for (let round = 0; round < WARMUP + RUNS; round++) {
      for (const [name, m] of Object.entries(measures)) {
        const r = m.step();
        if (r.status !== 0 || r.error)
          outputs.failures.push(`${name}: exit ${r.status} ${r.error ?? ''} ${r.stderr.slice(0, 300)}`);
        if (name === 'statusline') outputs.statusLines.push(r.stdout.trim());
        else if (!name.startsWith('floor') && r.stdout !== '')
          outputs.hookStdout.push(`${name}: ${r.stdout.trim().slice(0, 200)}`);
        if (round >= WARMUP) m.xs.push(r.ms);
      }
    }
    const floor = summary(measures.floor.xs);
    result.latency = Object.fromEntries(
      Object.entries(measures).map(([name, m]) => {
        const s = summary(m.xs);
        return [name, { label: m.label, ...s, overFloor: s.p50 / floor.p50, netP50: s.p50 - floor.p50 }];
      }),
    );
    const liveLog = errorLog(home);
    result.latencyChecks = {
      failures: outputs.failures,
      errorLogFailures: liveLog.failures,
      errorLogSkipped: liveLog.skipped,
      hookStdout: [...new Set(outputs.hookStdout)].slice(0, 5),
      lastStatusLine: outputs.statusLines.at(-1) ?? null,
      liveResponses: [...truth.values()].filter((t) => t.sessionId === live.sessionId).length,
      liveTask,
      liveTaskChain: chain,
    };
    // The live session's usage must be in the ledger exactly (the hooks and statuslines imported it).
    result.latencyChecks.liveExact = verifyExact(db, truth, [live.sessionId, plain.sessionId]).ok;
    for (const [name, m] of Object.entries(result.latency))
      log(`  ${name.padEnd(17)} p50 ${ms(m.p50)}  p90 ${ms(m.p90)}  (${m.overFloor.toFixed(2)}× floor)`);
    fs.rmSync(db);
    for (const s of ['-wal', '-shm']) fs.rmSync(db + s, { force: true });

    // ---------------------------------------------------------------- 64 hooks at once
    result.concurrency = await concurrency(lines, tmp);

    // ---------------------------------------------------------------- statusline against ccusage
    result.peer =
      options.skipPeer === true
        ? { skipped: 'skipped (--skip-peer)' }
        : peerStatusline(lines, tmp, RUNS, PEER_RUNS);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  result.load.end = os.loadavg().map((x) => Number(x.toFixed(2)));

  const hookEvents = ['stop', 'subagentStop', 'userPromptSubmit', 'sessionStart'];
  const c = result.concurrency;
  result.criteria = [
    ...hookEvents.map((e) => ({
      name: `hook ${result.latency[e].label.split(' ')[1]} p50 ≤ 100 ms (1 GiB ledger)`,
      ok: result.latency[e].p50 <= 100,
      value: `${result.latency[e].p50.toFixed(0)} ms (${result.latency[e].overFloor.toFixed(2)}× floor)`,
    })),
    {
      name: `${CONCURRENT} hooks at once lose and duplicate nothing`,
      ok: c.ok,
      value: c.ok ? 'yes' : `NO: ${c.problems.join('; ')}`,
    },
    {
      name: 'statusline p50 ≤ 80 ms (1 GiB ledger)',
      ok: result.latency.statusline.p50 <= 80,
      value: `${result.latency.statusline.p50.toFixed(0)} ms (${result.latency.statusline.overFloor.toFixed(2)}× floor)`,
    },
    {
      name: 'no hook or statusline failed, error log has no failures, live session exact',
      ok:
        result.latencyChecks.failures.length === 0 &&
        result.latencyChecks.errorLogFailures.length === 0 &&
        result.latencyChecks.liveExact,
      value:
        result.latencyChecks.failures.length === 0 && result.latencyChecks.errorLogFailures.length === 0
          ? result.latencyChecks.liveExact
            ? 'yes'
            : 'NO: live session totals differ'
          : `NO: ${[...result.latencyChecks.failures, ...result.latencyChecks.errorLogFailures].slice(0, 3).join('; ')}`,
    },
  ];
  const markdown = toMarkdown(result);
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(path.join(RESULTS, 'hooks-latest.json'), toJson(result));
  fs.writeFileSync(path.join(RESULTS, 'hooks-latest.md'), markdown);
  return { result, markdown, ok: result.criteria.every((x) => x.ok) };
}

/** JSON as the repository's formatter writes it: short arrays of plain values on one line. */
export function toJson(value) {
  const text = JSON.stringify(value, null, 2).replace(
    /^( *)(.*)\[\n([^[\]{}]*?)\n *\]/gm,
    (all, indent, head, body) => {
      const line = `${indent}${head}[${body
        .split('\n')
        .map((x) => x.trim().replace(/,$/, ''))
        .join(', ')}]`;
      return line.length <= 110 ? line : all;
    },
  );
  return `${text}\n`;
}

/**
 * Compares the ledger's rows of `sessions` with the ground truth, response by response: every truth
 * key once with exactly its numbers, and no other rows.
 */
function verifyExact(dbFile, expected, sessions) {
  const db = new Database(dbFile, { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT dedup_key, session_id, agent_id, input_tokens, output_tokens, cache_write_tokens, cache_read_tokens
         FROM usage WHERE session_id IN (${sessions.map(() => '?').join(', ')})`,
      )
      .all(...sessions);
    const problems = [];
    const seen = new Set();
    for (const r of rows) {
      if (seen.has(r.dedup_key)) problems.push(`duplicate ${r.dedup_key}`);
      seen.add(r.dedup_key);
      const t = expected.get(r.dedup_key);
      if (t === undefined) {
        problems.push(`unexpected row ${r.dedup_key}`);
        continue;
      }
      if (
        t.input !== r.input_tokens ||
        t.output !== r.output_tokens ||
        t.cacheWrite !== r.cache_write_tokens ||
        t.cacheRead !== r.cache_read_tokens ||
        t.sessionId !== r.session_id ||
        (t.agentId ?? null) !== r.agent_id
      )
        problems.push(`${r.dedup_key}: ledger ${JSON.stringify(r)} ≠ truth ${JSON.stringify(t)}`);
    }
    for (const [k, t] of expected)
      if (sessions.includes(t.sessionId) && !seen.has(k)) problems.push(`missing ${k}`);
    return {
      ok: problems.length === 0,
      rows: rows.length,
      problems: problems.slice(0, 10),
      problemCount: problems.length,
    };
  } finally {
    db.close();
  }
}

/**
 * The ledger in the middle of things: every response the hooks read up to the files' cursors is there
 * with at least those numbers, and nothing is there that was not written or exceeds the truth. (A row
 * may be ahead of its file's cursor: a complete last line without its newline is counted but read
 * again later, and two first reads of a new file race for the cursor; the merge makes both harmless.)
 */
function verifyBetween(dbFile, sessions, prefix, truth) {
  const db = new Database(dbFile, { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT dedup_key, input_tokens, output_tokens, cache_write_tokens, cache_read_tokens
         FROM usage WHERE session_id IN (${sessions.map(() => '?').join(', ')})`,
      )
      .all(...sessions);
    const problems = [];
    const seen = new Set();
    let ahead = 0;
    const fields = [
      ['input', 'input_tokens'],
      ['output', 'output_tokens'],
      ['cacheWrite', 'cache_write_tokens'],
      ['cacheRead', 'cache_read_tokens'],
    ];
    for (const r of rows) {
      seen.add(r.dedup_key);
      const t = truth.get(r.dedup_key);
      const p = prefix.get(r.dedup_key);
      if (t === undefined) problems.push(`row never written: ${r.dedup_key}`);
      else if (fields.some(([f, c]) => r[c] > t[f])) problems.push(`${r.dedup_key} over the truth`);
      if (p === undefined) ahead++;
      else if (fields.some(([f, c]) => r[c] < p[f])) problems.push(`${r.dedup_key} under what was read`);
    }
    for (const k of prefix.keys()) if (!seen.has(k)) problems.push(`missing ${k}`);
    return {
      ok: problems.length === 0,
      rows: rows.length,
      ahead,
      problems: problems.slice(0, 10),
      problemCount: problems.length,
    };
  } finally {
    db.close();
  }
}

/** The truth of what a file's first `offset` bytes hold (the importer's view at its cursor). */
function prefixTruth(file, offset, into) {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(offset);
  fs.readSync(fd, buf, 0, offset, 0);
  fs.closeSync(fd);
  for (const line of buf.toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    const o = JSON.parse(line);
    if (o.type !== 'assistant') continue;
    const u = o.message.usage;
    const key = `${o.message.id}:${o.requestId}`;
    const prev = into.get(key);
    const next = {
      sessionId: o.sessionId,
      agentId: o.agentId ?? null,
      input: u.input_tokens,
      output: u.output_tokens,
      cacheWrite: u.cache_creation_input_tokens,
      cacheRead: u.cache_read_input_tokens,
    };
    if (prev)
      for (const f of ['input', 'output', 'cacheWrite', 'cacheRead']) next[f] = Math.max(next[f], prev[f]);
    into.set(key, next);
  }
}

/** 64 hook processes at once on a copy of the big ledger, with transcripts growing meanwhile. */
async function concurrency(lines, tmp) {
  const home = path.join(tmp, 'home-concurrent');
  const claude = path.join(tmp, 'claude-concurrent');
  const db = path.join(tmp, 'ledger-concurrent.db');
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ machine: 'bench-host', user: 'dev' }));
  log(`${CONCURRENT} hooks at once: copying the big ledger …`);
  copyLedger(BIG_LEDGER, db);
  const rng = new Rng(64);
  const truth = new Map();
  const sessions = [];
  for (let i = 0; i < 8; i++) {
    const s = makeSession(lines, rng, truth, claude, `/home/dev/src/bench/concurrent-${i}`, 2);
    const t0 = Date.now() - 3_600_000;
    // Known usage before the hooks start: 40 responses in the main transcript, 10 in each subagent.
    for (let k = 0; k < 40; k++) s.main.append(1, t0 + k * 20_000);
    for (const a of s.agents) for (let k = 0; k < 10; k++) a.t.append(1, t0 + 600_000 + k * 5_000);
    sessions.push(s);
  }
  // 8 events per session: 4 Stop, 1 SubagentStop per subagent, 1 SessionEnd, 1 more Stop.
  const calls = [];
  for (const s of sessions) {
    for (let k = 0; k < 4; k++)
      calls.push({ s, event: 'Stop', input: hookInput('Stop', s, { stop_hook_active: false }) });
    for (const a of s.agents)
      calls.push({
        s,
        event: 'SubagentStop',
        input: hookInput('SubagentStop', s, {
          agent_id: a.agentId,
          agent_type: a.type,
          agent_transcript_path: a.t.file,
        }),
      });
    calls.push({ s, event: 'SessionEnd', input: hookInput('SessionEnd', s, { reason: 'other' }) });
    calls.push({ s, event: 'Stop', input: hookInput('Stop', s, { stop_hook_active: false }) });
  }
  for (let i = calls.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [calls[i], calls[j]] = [calls[j], calls[i]];
  }
  const env = {
    ...process.env,
    TOKENLEDGER_HOME: home,
    TZ: 'UTC',
    NO_COLOR: '1',
    TOKENLEDGER_TASK: '',
    TOKENLEDGER_DB: '',
    TOKENLEDGER_CONFIG: path.join(home, 'config.json'),
  };
  const commands = installedCommands(db, env);
  const before = truth.size;
  // Meanwhile: responses appended every few ms to random transcripts, some lines in two writes.
  let appending = true;
  let appended = 0;
  let splitWrites = 0;
  const appender = (async () => {
    while (appending) {
      const s = rng.pick(sessions);
      const t = rng.chance(0.7) ? s.main : rng.pick(s.agents).t;
      const text = `${t.response().join('\n')}\n`;
      if (rng.chance(0.2)) {
        const cut = rng.int(1, text.length - 1);
        fs.appendFileSync(t.file, text.slice(0, cut));
        await new Promise((r) => setTimeout(r, rng.int(1, 15)));
        fs.appendFileSync(t.file, text.slice(cut));
        splitWrites++;
      } else fs.appendFileSync(t.file, text);
      appended++;
      await new Promise((r) => setTimeout(r, rng.int(2, 20)));
    }
  })();
  const started = performance.now();
  const results = await Promise.all(
    calls.map(
      (c) =>
        new Promise((resolve) => {
          const t0 = performance.now();
          const child = spawn('/bin/sh', ['-c', commands.hook], {
            env,
            stdio: ['pipe', 'pipe', 'pipe'],
          });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d) => {
            stdout += d;
          });
          child.stderr.on('data', (d) => {
            stderr += d;
          });
          child.on('close', (code, signal) =>
            resolve({ ...c, code, signal, stdout, stderr, ms: performance.now() - t0 }),
          );
          child.stdin.end(c.input);
        }),
    ),
  );
  const wallMs = performance.now() - started;
  appending = false;
  await appender;
  const problems = [];
  const bad = results.filter((r) => r.code !== 0 || r.stdout !== '' || r.signal !== null);
  if (bad.length > 0)
    problems.push(
      `${bad.length} hook(s) exited non-zero or printed: ${bad
        .slice(0, 2)
        .map((r) => `${r.event} exit ${r.code} ${r.stdout.slice(0, 80)} ${r.stderr.slice(0, 160)}`)
        .join(' | ')}`,
    );
  const logs = errorLog(home);
  if (logs.failures.length > 0)
    problems.push(`error log: ${logs.failures.length} failure(s): ${logs.failures[0].slice(0, 300)}`);
  if (spooled(home) > 0) problems.push(`${spooled(home)} call(s) queued for retry`);

  // 1. What the hooks read (up to each file's cursor) is in the ledger exactly once, with exact numbers.
  const ro = new Database(db, { readonly: true });
  const cursorOf = ro.prepare('SELECT read_offset FROM files WHERE path = ?').pluck();
  const files = sessions.flatMap((s) => [s.main, ...s.agents.map((a) => a.t)]);
  const prefix = new Map();
  let bytesLeft = 0;
  for (const t of files) {
    const offset = cursorOf.get(fs.realpathSync(t.file)) ?? 0;
    bytesLeft += fs.statSync(t.file).size - offset;
    prefixTruth(t.file, offset, prefix);
  }
  ro.close();
  const ids = sessions.map((s) => s.sessionId);
  const atCursor = verifyBetween(db, ids, prefix, truth);
  if (!atCursor.ok)
    problems.push(
      `at the cursors: ${atCursor.problemCount} difference(s): ${atCursor.problems.slice(0, 3).join('; ')}`,
    );
  const initialMissing = [...truth.keys()].slice(0, before).filter((k) => !prefix.has(k)).length;
  if (initialMissing > 0)
    problems.push(`${initialMissing} response(s) written before the hooks started were not imported`);

  // 2. One more Stop per session picks up what was appended after the last read: then the ledger
  //    equals the whole ground truth, response by response and in `report --by session`.
  const settle = [];
  for (const s of sessions) {
    const r = runSh(commands.hook, { input: hookInput('Stop', s), env });
    settle.push(r.ms);
    if (r.status !== 0 || r.stdout !== '') problems.push(`settling Stop: exit ${r.status} ${r.stdout}`);
  }
  const final = verifyExact(db, truth, ids);
  if (!final.ok)
    problems.push(
      `after settling: ${final.problemCount} difference(s): ${final.problems.slice(0, 3).join('; ')}`,
    );
  const since = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
  const rep = run(
    process.execPath,
    [BIN, 'report', '--by', 'session', '--json', '--no-import', '--db', db, '--since', since, '-z', 'UTC'],
    { env },
  );
  let reportOk = false;
  if (rep.status === 0) {
    const rows = new Map(JSON.parse(rep.stdout).rows.map((r) => [r.session, r]));
    reportOk = sessions.every((s) => {
      const want = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0, responses: 0 };
      for (const t of truth.values())
        if (t.sessionId === s.sessionId) {
          want.input += t.input;
          want.output += t.output;
          want.cacheWrite += t.cacheWrite;
          want.cacheRead += t.cacheRead;
          want.responses++;
        }
      const r = rows.get(s.sessionId);
      return (
        r !== undefined &&
        r.inputTokens === want.input &&
        r.outputTokens === want.output &&
        r.cacheCreationTokens === want.cacheWrite &&
        r.cacheReadTokens === want.cacheRead &&
        r.responses === want.responses
      );
    });
  }
  if (!reportOk)
    problems.push(`report --by session totals differ from the ground truth (exit ${rep.status})`);
  const logsAfter = errorLog(home);
  if (logsAfter.failures.length > logs.failures.length) problems.push('error log: failures while settling');
  const times = results.map((r) => r.ms);
  const out = {
    ok: problems.length === 0,
    problems,
    processes: results.length,
    events: Object.fromEntries(
      ['Stop', 'SubagentStop', 'SessionEnd'].map((e) => [e, results.filter((r) => r.event === e).length]),
    ),
    sessions: sessions.length,
    files: files.length,
    wallMs,
    perProcess: summary(times),
    responsesBefore: before,
    responsesAppendedDuring: appended,
    splitWrites,
    responsesTotal: truth.size,
    bytesLeftAfterRun: bytesLeft,
    exitCodes: [...new Set(results.map((r) => r.code))],
    nonEmptyStdout: results.filter((r) => r.stdout !== '').length,
    errorLog: {
      failures: logsAfter.failures.length,
      skipped: logsAfter.skipped.length,
      other: logsAfter.other.length,
    },
    skippedEntries: logsAfter.skipped.slice(0, 3),
    rowsAfterRun: atCursor.rows,
    rowsAheadOfCursor: atCursor.ahead,
    rowsFinal: final.rows,
    reportMatches: reportOk,
    settleP50: pct(settle, 0.5),
  };
  log(
    `  ${results.length} hooks in ${(wallMs / 1000).toFixed(2)} s (per process p50 ${ms(out.perProcess.p50)}, max ${ms(out.perProcess.max)}); ${appended} responses appended meanwhile; ${out.ok ? 'exact' : `PROBLEMS: ${problems.join('; ')}`}`,
  );
  fs.rmSync(db);
  for (const s of ['-wal', '-shm']) fs.rmSync(db + s, { force: true });
  return out;
}

/** tokenledger's statusline and ccusage's on the same history: the corpus plus a live session. */
function peerStatusline(lines, tmp, runs, peerRuns) {
  if (!fs.existsSync(PEER_BIN))
    return { skipped: `ccusage ${PEER_VERSION} is not installed in ${PEER_DIR} (npm run bench installs it)` };
  const corpusLedger = ensureCorpusLedger();
  if (corpusLedger === null) return { skipped: `no clean corpus in ${CORPUS} (npm run bench generates it)` };
  const home = path.join(tmp, 'home-peer');
  const claude = path.join(tmp, 'claude-peer');
  const peerTmp = path.join(tmp, 'peer-tmp');
  const db = path.join(tmp, 'ledger-corpus.db');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(peerTmp, { recursive: true });
  copyLedger(corpusLedger.file, db);
  const rng = new Rng(5);
  const truth = new Map();
  const s = makeSession(lines, rng, truth, claude, '/home/dev/src/work/live-app', 0);
  const t0 = Date.now() - 3_600_000;
  for (let k = 0; k < 100; k++) s.main.append(1, t0 + k * 30_000);
  const env = {
    TOKENLEDGER_HOME: home,
    TZ: 'UTC',
    NO_COLOR: '1',
    TOKENLEDGER_TASK: '',
    TOKENLEDGER_DB: '',
    TOKENLEDGER_CONFIG: path.join(home, 'config.json'),
    CLAUDE_CONFIG_DIR: `${CORPUS},${claude}`,
    TMPDIR: peerTmp,
  };
  let cost = 1;
  const commands = installedCommands(db, env);
  const ours = () => runSh(commands.statusline, { input: statusInput(s, cost), env });
  const peer = (...flags) =>
    run(PEER_BIN, ['statusline', '--offline', ...flags], { input: statusInput(s, cost), env });
  log(
    `statusline against ccusage on the corpus (${(corpusLedger.corpus.truth.bytes / 2 ** 30).toFixed(2)} GiB) + a live session …`,
  );
  const xs = {
    floorAsIs: [],
    floor: [],
    ours: [],
    oursSame: [],
    peerGrown: [],
    peerSame: [],
    peerNoCache: [],
  };
  const outputs = { ours: '', peer: '' };
  const failures = [];
  const check = (name, r) => {
    if (r.status !== 0) failures.push(`${name}: exit ${r.status} ${r.stderr.slice(0, 200)}`);
    return r;
  };
  // The first call of each (ccusage's fills its cache) is not counted.
  check('ours', ours());
  check('ccusage', peer());
  // Each round: the live transcript grows by a response, then each tool is called twice: right after
  // the change, and again with nothing new (ccusage answers that from its own cache, ≤ 1 s old).
  for (let i = 0; i < runs; i++) {
    s.main.append(1);
    cost += 0.05;
    xs.floorAsIs.push(floorAsIs().ms);
    xs.floor.push(floorClean().ms);
    const o = check('ours', ours());
    xs.ours.push(o.ms);
    outputs.ours = o.stdout.trim();
    xs.oursSame.push(check('ours', ours()).ms);
    if (i < peerRuns) {
      const p = check('ccusage', peer());
      xs.peerGrown.push(p.ms);
      outputs.peer = p.stdout.trim();
      xs.peerSame.push(check('ccusage', peer()).ms);
    }
  }
  for (let i = 0; i < Math.max(2, Math.ceil(peerRuns / 2)); i++) {
    s.main.append(1);
    cost += 0.05;
    xs.peerNoCache.push(check('ccusage --no-cache', peer('--no-cache')).ms);
  }
  const floor = summary(xs.floor);
  const sum = (a) => {
    const r = summary(a);
    return { ...r, overFloor: r.p50 / floor.p50 };
  };
  const res = {
    history: {
      corpusFiles: corpusLedger.corpus.truth.files,
      corpusBytes: corpusLedger.corpus.truth.bytes,
      corpusResponses: corpusLedger.corpus.truth.totals.responses,
      ledgerBytes: corpusLedger.bytes,
    },
    peer: `ccusage ${PEER_VERSION}`,
    floorAsIs: sum(xs.floorAsIs),
    floor,
    ours: sum(xs.ours),
    oursSame: sum(xs.oursSame),
    peerGrown: sum(xs.peerGrown),
    peerSame: sum(xs.peerSame),
    peerNoCache: sum(xs.peerNoCache),
    speedup: null,
    outputs,
    failures,
  };
  res.speedup = res.peerGrown.p50 / res.ours.p50;
  log(
    `  ours p50 ${ms(res.ours.p50)} (nothing new ${ms(res.oursSame.p50)}), ccusage p50 ${ms(res.peerGrown.p50)} (nothing new, from its cache ${ms(res.peerSame.p50)}; --no-cache ${ms(res.peerNoCache.p50)})`,
  );
  return res;
}

function toMarkdown(r) {
  const m = r.machine;
  const gib = (b) => `${(b / 2 ** 30).toFixed(2)} GiB`;
  const day = (x) => new Date(x).toISOString().slice(0, 10);
  const L = r.latency;
  const row = (k) =>
    `| ${L[k].label} | ${ms(L[k].p50)} | ${ms(L[k].p90)} | ${k === 'floor' ? '1.00×' : `${L[k].overFloor.toFixed(2)}× (${L[k].netP50 >= 0 ? '+' : '−'}${Math.abs(L[k].netP50).toFixed(0)} ms)`} | ${
      k.startsWith('floor')
        ? '—'
        : k.endsWith('NoTask')
          ? 'for comparison'
          : k === 'statusline'
            ? '≤ 80 ms'
            : '≤ 100 ms'
    } |`;
  const c = r.concurrency;
  const p = r.peer;
  const lines = [
    `### Hooks and statusline — ${r.date.slice(0, 10)} — ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}`,
    '',
    `Ledger: ${gib(r.ledger.bytes)} (\`ledger.db\` after a checkpoint), ${r.ledger.usageRows.toLocaleString('en-US')} usage rows, ${r.ledger.sessions.toLocaleString('en-US')} sessions, ${r.ledger.projects} projects, ${r.ledger.subagents.toLocaleString('en-US')} subagents, ${r.ledger.tasks} tasks, ${r.ledger.spans} spans, ${r.ledger.files.toLocaleString('en-US')} file cursors, ${day(r.ledger.fromMs)} – ${day(r.ledger.toMs)} (bench/big-ledger.mjs). Load average ${r.load.start.join(', ')} at the start, ${r.load.end.join(', ')} at the end. ${r.runs} runs each after 3 warm-up rounds, interleaved round-robin; wall time of the whole process as Claude Code sees it: the command line \`hooks install\` writes (\`statusline\` for the status line), run by /bin/sh in this environment${r.caVarSet ? ', where NODE_EXTRA_CA_CERTS is set (the machine sets it for its proxy), which our commands clear' : ''}.`,
    '',
    '| measure (1 GiB ledger) | p50 | p90 | p50 over the floor | criterion |',
    '| --- | ---: | ---: | ---: | --- |',
    ...[
      'floorAsIs',
      'floor',
      'stop',
      'subagentStop',
      'userPromptSubmit',
      'sessionStart',
      'statusline',
      'stopNoTask',
      'statuslineNoTask',
    ].map(row),
    '',
    `The live session (${r.latencyChecks.liveResponses.toLocaleString('en-US')} responses by the end, with a subagent) works on task ${r.latencyChecks.liveTaskChain.map((t) => `${t.id}${t.estimate ? ' (estimated)' : ''}`).join(' in ')}: every hook call that finds the session's task computes the overrun standing of each estimated one in that chain, and the statusline that of the task. The last two rows are a session no task claims.`,
    '',
    `${c.processes} hooks started at once (${Object.entries(c.events)
      .map(([e, n]) => `${n} ${e}`)
      .join(
        ', ',
      )}; ${c.sessions} sessions, ${c.files} transcripts, ${c.responsesBefore} responses before, ${c.responsesAppendedDuring} appended while they ran, ${c.splitWrites} of them in two writes): all done in ${(c.wallMs / 1000).toFixed(2)} s, per process p50 ${ms(c.perProcess.p50)}, max ${ms(c.perProcess.max)}; exit codes ${c.exitCodes.join(', ')}, ${c.nonEmptyStdout} with output; error log ${c.errorLog.failures} failures, ${c.errorLog.skipped} skipped; ${c.bytesLeftAfterRun} bytes appended after the last read and ${c.rowsAheadOfCursor} responses counted ahead of their file's cursor (both picked up exactly by one more Stop per session); ${c.ok ? 'every response exactly once, totals equal to the ground truth (per response by SQL and in `report --by session --json`)' : `**${c.problems.join('; ')}**`}.`,
    '',
  ];
  if (p.skipped) lines.push(`Peer statusline: ${p.skipped}.`, '');
  else if (p.failures.length > 0)
    lines.push(`Peer statusline failures: ${p.failures.slice(0, 3).join('; ')}.`, '');
  else
    lines.push(
      `Statusline against ${p.peer} on the same history: bench/run.mjs's corpus (${p.history.corpusFiles.toLocaleString('en-US')} files, ${gib(p.history.corpusBytes)}, ${p.history.corpusResponses.toLocaleString('en-US')} responses; our ledger of it ${gib(p.history.ledgerBytes)}) plus a live session that grows by one response each round.`,
      '',
      '| statusline | runs | p50 | p90 | p50 over the floor |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| bare \`node -e 0\` through sh, as the environment is | ${p.floorAsIs.runs} | ${ms(p.floorAsIs.p50)} | ${ms(p.floorAsIs.p90)} | ${p.floorAsIs.overFloor.toFixed(2)}× |`,
      `| bare \`NODE_EXTRA_CA_CERTS= node -e 0\` through sh (floor) | ${p.floor.runs} | ${ms(p.floor.p50)} | ${ms(p.floor.p90)} | 1.00× |`,
      `| tokenledger \`statusline\`, after +1 response | ${p.ours.runs} | ${ms(p.ours.p50)} | ${ms(p.ours.p90)} | ${p.ours.overFloor.toFixed(2)}× |`,
      `| tokenledger \`statusline\`, nothing new | ${p.oursSame.runs} | ${ms(p.oursSame.p50)} | ${ms(p.oursSame.p90)} | ${p.oursSame.overFloor.toFixed(2)}× |`,
      `| \`ccusage statusline --offline\`, after +1 response | ${p.peerGrown.runs} | ${ms(p.peerGrown.p50)} | ${ms(p.peerGrown.p90)} | ${p.peerGrown.overFloor.toFixed(2)}× |`,
      `| \`ccusage statusline --offline\`, nothing new (its cache, ≤ 1 s old) | ${p.peerSame.runs} | ${ms(p.peerSame.p50)} | ${ms(p.peerSame.p90)} | ${p.peerSame.overFloor.toFixed(2)}× |`,
      `| \`ccusage statusline --offline --no-cache\` | ${p.peerNoCache.runs} | ${ms(p.peerNoCache.p50)} | ${ms(p.peerNoCache.p90)} | ${p.peerNoCache.overFloor.toFixed(2)}× |`,
      '',
      `After a new response tokenledger is ${p.speedup.toFixed(0)}× faster than ccusage. Lines shown: ours \`${p.outputs.ours}\`; ccusage \`${p.outputs.peer}\`.`,
      '',
    );
  lines.push(...r.criteria.map((x) => `- ${x.ok ? '✅' : '❌'} ${x.name}: ${x.value}`));
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const num = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const { markdown, ok } = await runHooksBench({
    quick: args.includes('--quick'),
    skipPeer: args.includes('--skip-peer'),
    budgets: args.includes('--budgets'),
    runs: num('--runs'),
    peerRuns: num('--peer-runs'),
  });
  process.stdout.write(markdown);
  process.exitCode = ok ? 0 : 1;
}
